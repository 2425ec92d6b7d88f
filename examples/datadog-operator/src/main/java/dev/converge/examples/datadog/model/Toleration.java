package dev.converge.examples.datadog.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import org.jspecify.annotations.Nullable;

/**
 * A pod toleration, as in {@code core/v1 Toleration}.
 *
 * @param key the taint key, or null to match every key (with operator {@code Exists})
 * @param operator {@code Equal} or {@code Exists}, or null for the default ({@code Equal})
 * @param value the taint value, or null
 * @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute}, or null for all
 * @param tolerationSeconds how long a {@code NoExecute} taint is tolerated, or null for ever
 */
public record Toleration(
    @Nullable String key, @Nullable String operator, @Nullable String value, @Nullable String effect,
    @Nullable Long tolerationSeconds) {

  /** The {@code tolerations} list entry, with only the fields that are set. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object();
    if (key != null) {
      node.put("key", key);
    }
    if (operator != null) {
      node.put("operator", operator);
    }
    if (value != null) {
      node.put("value", value);
    }
    if (effect != null) {
      node.put("effect", effect);
    }
    if (tolerationSeconds != null) {
      node.put("tolerationSeconds", tolerationSeconds);
    }
    return node;
  }
}
