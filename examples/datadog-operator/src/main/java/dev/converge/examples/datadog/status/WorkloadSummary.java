package dev.converge.examples.datadog.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.Optional;

/**
 * The per-component summaries of a DatadogAgent's status, computed from the live workload as the Datadog
 * Operator computes them: {@code state} is {@code Updating} while not every pod runs the current template,
 * {@code Progressing} while none is ready, {@code Running} otherwise, and {@code Failed} when the workload is
 * missing; {@code status} reads {@code "Running (5000/5000/5000)"}.
 */
public final class WorkloadSummary {
  public static final String RUNNING = "Running";
  public static final String UPDATING = "Updating";
  public static final String PROGRESSING = "Progressing";
  public static final String FAILED = "Failed";

  private WorkloadSummary() {}

  /**
   * {@code status.agent} from the live DaemonSet: {@code desired}, {@code current}, {@code ready}, {@code
   * available}, {@code upToDate} from its status counters, and {@code "<State> (<desired>/<ready>/<upToDate>)"}.
   */
  public static ObjectNode daemonSet(Optional<Resource> live) {
    ObjectNode summary = Json.object();
    if (live.isEmpty()) {
      return summary.put("state", FAILED).put("status", FAILED);
    }
    JsonNode status = live.get().status();
    int desired = status.path("desiredNumberScheduled").asInt(0);
    int ready = status.path("numberReady").asInt(0);
    int upToDate = status.path("updatedNumberScheduled").asInt(0);
    String state = upToDate != desired ? UPDATING : ready == 0 && desired != 0 ? PROGRESSING : RUNNING;
    summary.put("desired", desired)
        .put("current", status.path("currentNumberScheduled").asInt(0))
        .put("ready", ready)
        .put("available", status.path("numberAvailable").asInt(0))
        .put("upToDate", upToDate)
        .put("state", state)
        .put("status", state + " (" + desired + "/" + ready + "/" + upToDate + ")")
        .put("daemonsetName", live.get().name());
    return summary;
  }

  /**
   * {@code status.clusterAgent} (and {@code status.clusterChecksRunner}) from the live Deployment: its replica
   * counters, {@code Failed} while its {@code ReplicaFailure} condition is true, and {@code "<State>
   * (<replicas>/<ready>/<updated>)"}. A Deployment scaled to zero is {@code Running}, not {@code Progressing}.
   */
  public static ObjectNode deployment(Optional<Resource> live) {
    ObjectNode summary = Json.object();
    if (live.isEmpty()) {
      return summary.put("state", FAILED).put("status", FAILED);
    }
    JsonNode status = live.get().status();
    int replicas = status.path("replicas").asInt(0);
    int ready = status.path("readyReplicas").asInt(0);
    int updated = status.path("updatedReplicas").asInt(0);
    String state;
    if (replicaFailure(status)) {
      state = FAILED;
    } else if (updated != replicas) {
      state = UPDATING;
    } else if (ready == 0 && replicas != 0) {
      state = PROGRESSING;
    } else {
      state = RUNNING;
    }
    summary.put("replicas", replicas)
        .put("readyReplicas", ready)
        .put("updatedReplicas", updated)
        .put("availableReplicas", status.path("availableReplicas").asInt(0))
        .put("state", state)
        .put("status", state + " (" + replicas + "/" + ready + "/" + updated + ")")
        .put("deploymentName", live.get().name());
    return summary;
  }

  private static boolean replicaFailure(JsonNode status) {
    for (JsonNode condition : status.path("conditions")) {
      if ("ReplicaFailure".equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }
}
