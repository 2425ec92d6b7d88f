package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code metav1.Condition}-shaped status condition.
 *
 * @param type the condition type ({@code Ready})
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a CamelCase reason
 * @param message a human-readable message
 * @param lastTransitionTime RFC 3339 time of the last flip of {@code status}
 */
public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {

  /**
   * {@return the condition in a JSON object; absent fields are empty strings}
   *
   * @param node one element of {@code status.conditions}
   */
  public static Condition fromJson(JsonNode node) {
    return new Condition(
        node.path("type").asText(),
        node.path("status").asText(),
        node.path("reason").asText(),
        node.path("message").asText(),
        node.path("lastTransitionTime").asText());
  }

  /** {@return this condition as a new mutable JSON object; an empty reason or message is left out} */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    node.put("type", type).put("status", status).put("lastTransitionTime", lastTransitionTime);
    if (!reason.isEmpty()) {
      node.put("reason", reason);
    }
    if (!message.isEmpty()) {
      node.put("message", message);
    }
    return node;
  }
}
