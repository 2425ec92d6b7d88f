package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Maintains a list of conditions the way Kubernetes' {@code meta.SetStatusCondition} does: a condition's
 * {@code lastTransitionTime} moves only when its {@code status} flips, so rewriting the same state changes
 * nothing and the engine writes nothing.
 */
public final class Conditions {
  private Conditions() {}

  /**
   * Returns {@code previous} with {@code type} set to the given status, reason and message. The transition
   * time is {@code now} if the status flipped (or the condition is new), else the previous one.
   *
   * @param previous the current {@code status.conditions} (an array, or a missing node)
   * @param type the condition type
   * @param status {@code True}, {@code False} or {@code Unknown}
   * @param reason a CamelCase reason, or empty
   * @param message a human-readable message, or empty
   * @param now the time of a transition
   * @return a new array: the other conditions unchanged and in place, this one updated or appended
   */
  public static ArrayNode set(JsonNode previous, String type, String status, String reason, String message, Instant now) {
    ArrayNode result = Json.array();
    boolean found = false;
    for (JsonNode condition : previous) {
      if (type.equals(condition.path("type").asText())) {
        found = true;
        String time = status.equals(condition.path("status").asText())
            ? condition.path("lastTransitionTime").asText(timestamp(now))
            : timestamp(now);
        result.add(new Condition(type, status, reason, message, time).toJson());
      } else {
        result.add(condition.deepCopy());
      }
    }
    if (!found) {
      result.add(new Condition(type, status, reason, message, timestamp(now)).toJson());
    }
    return result;
  }

  /**
   * {@return the condition of {@code type} in {@code conditions}, if present}
   *
   * @param conditions a {@code status.conditions} array, or a missing node
   * @param type the condition type
   */
  public static java.util.Optional<Condition> find(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (type.equals(condition.path("type").asText())) {
        return java.util.Optional.of(Condition.fromJson(condition));
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * {@return {@code instant} in RFC 3339 with second precision, as Kubernetes writes {@code metav1.Time}}
   *
   * @param instant the time
   */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
