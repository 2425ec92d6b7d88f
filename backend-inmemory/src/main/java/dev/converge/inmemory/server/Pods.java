package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;

/** Facts about a pod that the server and the simulated components decide by. */
public final class Pods {
  private Pods() {}

  /** {@code podutil.IsPodReady}: the pod's {@code Ready} condition is {@code True}. */
  public static boolean isReady(Resource pod) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /**
   * {@code podutil.UpdatePodCondition} on a pod's {@code status} object: sets the condition of {@code type}
   * (with {@code lastProbeTime} null and {@code lastTransitionTime} {@code now}, kept when the status is
   * unchanged), adding it if missing; returns whether anything changed.
   */
  public static boolean setCondition(ObjectNode status, String type, String value, String reason, String message,
      String now) {
    // A fresh list: the stored one may be frozen.
    ArrayNode conditions = Json.array();
    for (JsonNode condition : status.path("conditions")) {
      conditions.add(condition);
    }
    status.set("conditions", conditions);
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode old = conditions.get(i);
      if (!old.path("type").asText().equals(type)) {
        continue;
      }
      boolean sameStatus = old.path("status").asText().equals(value);
      String transition = sameStatus ? old.path("lastTransitionTime").asText(now) : now;
      if (sameStatus && old.path("reason").asText().equals(reason) && old.path("message").asText().equals(message)
          && (old.path("lastProbeTime").isNull() || old.path("lastProbeTime").isMissingNode())) {
        // A zero lastProbeTime is null, or absent once a patch's null removed it.
        return false;
      }
      conditions.set(i, condition(type, value, reason, message, transition));
      return true;
    }
    conditions.add(condition(type, value, reason, message, now));
    return true;
  }

  /** A pod condition as the API serves it. */
  public static ObjectNode condition(String type, String value, String reason, String message, String transition) {
    ObjectNode condition = Json.object();
    condition.put("type", type);
    condition.put("status", value);
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", transition);
    condition.put("reason", reason);
    condition.put("message", message);
    return condition;
  }
}
