package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Deployment's status ({@code calculateStatus} and {@code syncRolloutStatus} of
 * {@code pkg/controller/deployment/sync.go}): the replica totals of its ReplicaSets, the Available condition
 * (at least {@code replicas − maxUnavailable} available) and the Progressing condition (NewReplicaSetAvailable
 * once complete, ReplicaSetUpdated whenever progress is seen, ProgressDeadlineExceeded after
 * {@code progressDeadlineSeconds} without progress).
 */
final class DeploymentStatus {
  private DeploymentStatus() {}

  /** {@code DeploymentComplete}. */
  static boolean complete(Resource deployment, JsonNode status) {
    int replicas = DeploymentMath.replicas(deployment);
    return status.path("updatedReplicas").asInt(0) == replicas && status.path("replicas").asInt(0) == replicas
        && status.path("availableReplicas").asInt(0) == replicas
        && status.path("observedGeneration").asLong(0) >= deployment.generation();
  }

  /**
   * The status after a rollout step ({@code syncRolloutStatus}); {@code createdNew} when this sync created the new
   * ReplicaSet.
   */
  static ObjectNode compute(Resource deployment, List<Resource> all, @Nullable Resource newRs, boolean createdNew,
      String now, Instant instant) {
    return compute(deployment, all, newRs, createdNew, now, instant, true);
  }

  /**
   * The status after a scaling event or a sync of a paused Deployment ({@code syncDeploymentStatus} over {@code
   * calculateStatus}): the totals and the Available condition; the Progressing condition is left as it is.
   */
  static ObjectNode afterScaling(Resource deployment, List<Resource> all, @Nullable Resource newRs, String now) {
    return compute(deployment, all, newRs, false, now, Instant.EPOCH, false);
  }

  private static ObjectNode compute(Resource deployment, List<Resource> all, @Nullable Resource newRs,
      boolean createdNew, String now, Instant instant, boolean rollout) {
    JsonNode old = deployment.status();
    ObjectNode status = Json.object();
    int replicas = DeploymentMath.replicas(deployment);
    int available = DeploymentMath.sumStatus(all, "availableReplicas");
    status.put("observedGeneration", deployment.generation());
    status.put("replicas", DeploymentMath.sumStatus(all, "replicas"));
    status.put("updatedReplicas", newRs == null ? 0 : DeploymentMath.status(newRs, "replicas"));
    status.put("readyReplicas", DeploymentMath.sumStatus(all, "readyReplicas"));
    status.put("availableReplicas", available);
    status.put("unavailableReplicas", Math.max(0, replicas - available));
    ArrayNode conditions = status.putArray("conditions");
    for (JsonNode condition : old.path("conditions")) {
      conditions.add(condition);
    }
    if (available >= replicas - DeploymentMath.maxUnavailable(deployment)) {
      set(conditions, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now,
          false);
    } else {
      set(conditions, "Available", "False", "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability.", now, false);
    }
    if (!rollout) {
      return status;
    }
    String rsName = newRs == null ? null : newRs.name();
    if (createdNew && rsName != null) {
      set(conditions, "Progressing", "True", "NewReplicaSetCreated", "Created new replica set \"" + rsName + "\"", now,
          false);
    } else if (rsName != null && progressingCondition(conditions) == null) {
      set(conditions, "Progressing", "True", "FoundNewReplicaSet", "Found new replica set \"" + rsName + "\"", now,
          false);
    }
    // isCompleteDeployment: a Deployment that completed its rollout and runs only its new ReplicaSet is not
    // estimated again (a scale-up after completion leaves NewReplicaSetAvailable as it is).
    boolean completed = progressingReason(old).equals("NewReplicaSetAvailable")
        && status.path("replicas").asInt(0) == status.path("updatedReplicas").asInt(0);
    if (completed) {
      return status;
    }
    if (complete(deployment, status)) {
      set(conditions, "Progressing", "True", "NewReplicaSetAvailable",
          "ReplicaSet \"" + rsName + "\" has successfully progressed.", now, false);
    } else if (progressing(old, status)) {
      String message = rsName == null ? "Deployment \"" + deployment.name() + "\" is progressing."
          : "ReplicaSet \"" + rsName + "\" is progressing.";
      set(conditions, "Progressing", "True", "ReplicaSetUpdated", message, now, true);
    } else if (timedOut(deployment, conditions, instant)) {
      set(conditions, "Progressing", "False", "ProgressDeadlineExceeded",
          "ReplicaSet \"" + rsName + "\" has timed out progressing.", now, false);
    }
    return status;
  }

  /**
   * {@code checkPausedConditions}: the status to write when the Deployment was just paused (Progressing Unknown,
   * {@code DeploymentPaused}, "Deployment is paused") or resumed (Unknown, {@code DeploymentResumed}, "Deployment
   * is resumed"), or null when there is nothing to record — no progress deadline, a deadline already exceeded
   * (which a pause does not hide), or a condition that already says so.
   */
  static @Nullable ObjectNode pausedConditions(Resource deployment, String now) {
    JsonNode deadline = deployment.spec().path("progressDeadlineSeconds");
    if (!deadline.isNumber() || deadline.asLong() == Integer.MAX_VALUE) {
      return null;
    }
    String reason = progressingReason(deployment.status());
    if (reason.equals("ProgressDeadlineExceeded")) {
      return null;
    }
    boolean paused = deployment.spec().path("paused").asBoolean(false);
    if (paused == reason.equals("DeploymentPaused")) {
      return null;
    }
    ObjectNode status = deployment.status().isObject() ? deployment.status().deepCopy() : Json.object();
    ArrayNode conditions = status.get("conditions") instanceof ArrayNode list ? list : status.putArray("conditions");
    if (paused) {
      set(conditions, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now, false);
    } else {
      set(conditions, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now, false);
    }
    return status;
  }

  /** {@code DeploymentProgressing}: more updated, fewer old, more ready or more available replicas. */
  private static boolean progressing(JsonNode old, JsonNode now) {
    return now.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0)
        || now.path("replicas").asInt(0) - now.path("updatedReplicas").asInt(0)
            < old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0)
        || now.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
        || now.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0);
  }

  /** {@code DeploymentTimedOut}: the Progressing condition has not been updated for the progress deadline. */
  private static boolean timedOut(Resource deployment, ArrayNode conditions, Instant now) {
    JsonNode deadline = deployment.spec().path("progressDeadlineSeconds");
    ObjectNode progressing = progressingCondition(conditions);
    if (!deadline.isNumber() || progressing == null) {
      return false;
    }
    if (progressing.path("reason").asText().equals("NewReplicaSetAvailable")
        || progressing.path("reason").asText().equals("ProgressDeadlineExceeded")) {
      return progressing.path("reason").asText().equals("ProgressDeadlineExceeded");
    }
    String updated = progressing.path("lastUpdateTime").asText("");
    return !updated.isEmpty() && Instant.parse(updated).plusSeconds(deadline.asLong()).isBefore(now);
  }

  /** The reason of the Progressing condition in {@code status}, or "". */
  private static String progressingReason(JsonNode status) {
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("Progressing")) {
        return condition.path("reason").asText("");
      }
    }
    return "";
  }

  private static @Nullable ObjectNode progressingCondition(ArrayNode conditions) {
    for (JsonNode condition : conditions) {
      if (condition.path("type").asText().equals("Progressing")) {
        return (ObjectNode) condition;
      }
    }
    return null;
  }

  /**
   * {@code SetDeploymentCondition}: a condition with the same status and reason is left alone (unless
   * {@code touch}, the Progressing special case that refreshes {@code lastUpdateTime}); the transition time
   * only moves when the status does.
   */
  private static void set(ArrayNode conditions, String type, String status, String reason, String message, String now,
      boolean touch) {
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode current = conditions.get(i);
      if (!current.path("type").asText().equals(type)) {
        continue;
      }
      boolean sameStatus = current.path("status").asText().equals(status);
      if (sameStatus && current.path("reason").asText().equals(reason) && !touch) {
        return;
      }
      String transition = sameStatus ? current.path("lastTransitionTime").asText(now) : now;
      conditions.set(i, condition(type, status, reason, message, now, transition));
      return;
    }
    conditions.add(condition(type, status, reason, message, now, now));
  }

  private static ObjectNode condition(String type, String status, String reason, String message, String updated,
      String transition) {
    ObjectNode condition = Json.object();
    condition.put("type", type);
    condition.put("status", status);
    condition.put("lastUpdateTime", updated);
    condition.put("lastTransitionTime", transition);
    condition.put("reason", reason);
    condition.put("message", message);
    return condition;
  }
}
