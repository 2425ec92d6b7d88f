package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import org.jspecify.annotations.Nullable;

/**
 * A Job's {@code status.conditions} as the Job, CronJob and TTL-after-finished controllers read and write them
 * ({@code pkg/controller/job/util}: {@code IsJobFinished}, {@code FinishedCondition}; {@code job_controller.go}:
 * {@code ensureJobConditionStatus}, {@code newCondition}).
 */
final class JobConditions {
  private JobConditions() {}

  /** The condition of {@code type}, whatever its status, or null. */
  static @Nullable JsonNode find(Resource job, String type) {
    for (JsonNode condition : job.status().path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }

  /** The first {@code Complete} or {@code Failed} condition that is True, or null. */
  static @Nullable JsonNode terminal(Resource job) {
    for (JsonNode condition : job.status().path("conditions")) {
      String type = condition.path("type").asText();
      if ((type.equals("Complete") || type.equals("Failed")) && condition.path("status").asText().equals("True")) {
        return condition;
      }
    }
    return null;
  }

  /** {@code FinishedCondition}: {@code Complete} or {@code Failed} if that condition is True, else null. */
  static @Nullable String finished(Resource job) {
    JsonNode condition = terminal(job);
    return condition == null ? null : condition.path("type").asText();
  }

  /** {@code IsJobFinished}. */
  static boolean isFinished(Resource job) {
    return terminal(job) != null;
  }

  /**
   * {@code ensureJobConditionStatus}: the condition {@code type} of {@code status} is set to {@code value} with
   * {@code reason} and {@code message}, replaced whole (both times {@code at}) when any of them differ, appended
   * when missing unless it would be False; returns whether the conditions changed.
   */
  static boolean ensure(ObjectNode status, String type, String value, String reason, String message, String at) {
    ArrayNode conditions = Trees.existingArray(status, "conditions");
    ArrayNode out = Json.array();
    boolean found = false;
    boolean changed = false;
    if (conditions != null) {
      for (JsonNode existing : conditions) {
        if (!existing.path("type").asText().equals(type)) {
          out.add(existing);
          continue;
        }
        found = true;
        if (existing.path("status").asText().equals(value) && existing.path("reason").asText("").equals(reason)
            && existing.path("message").asText("").equals(message)) {
          out.add(existing);
        } else {
          out.add(condition(type, value, reason, message, at));
          changed = true;
        }
      }
    }
    if (!found && !value.equals("False")) {
      out.add(condition(type, value, reason, message, at));
      changed = true;
    }
    if (changed) {
      status.set("conditions", out);
    }
    return changed;
  }

  /** {@code newCondition}: empty reasons and messages are left out, as Go's {@code omitempty} does. */
  private static ObjectNode condition(String type, String value, String reason, String message, String at) {
    ObjectNode condition = Json.object();
    condition.put("type", type);
    condition.put("status", value);
    condition.put("lastProbeTime", at);
    condition.put("lastTransitionTime", at);
    if (!reason.isEmpty()) {
      condition.put("reason", reason);
    }
    if (!message.isEmpty()) {
      condition.put("message", message);
    }
    return condition;
  }
}
