package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Redaction;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Masks Secret values inside a field change, as {@link Redaction} does for whole resources: a value becomes
 * {@value Redaction#MASK}; the keys of a map stay visible so a reader sees which entries changed.
 */
final class SecretMask {
  private SecretMask() {}

  static @Nullable JsonNode mask(@Nullable JsonNode value) {
    if (value == null) {
      return null;
    }
    if (value.isObject()) {
      ObjectNode masked = Json.object();
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        masked.put(field.getKey(), Redaction.MASK);
      }
      return masked;
    }
    return Json.nodes().textNode(Redaction.MASK);
  }
}
