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

  /** The condition of {@code type} in {@code conditions}, if present. */
  public static java.util.Optional<Condition> find(JsonNode conditions, String type) {
    for (JsonNode condition : conditions) {
      if (type.equals(condition.path("type").asText())) {
        return java.util.Optional.of(Condition.fromJson(condition));
      }
    }
    return java.util.Optional.empty();
  }

  /** RFC 3339 with second precision, as Kubernetes writes {@code metav1.Time}. */
  public static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }
}
