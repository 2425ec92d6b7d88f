package dev.converge.examples.datadog.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import org.jspecify.annotations.Nullable;

/**
 * A container environment variable: a literal value or a {@code valueFrom} source (kept as its frozen JSON
 * tree, already checked against the schema).
 *
 * @param name the variable's name
 * @param value the literal value, or null when {@code valueFrom} is set
 * @param valueFrom the source ({@code fieldRef}, {@code secretKeyRef}, …), or null
 */
public record EnvVar(String name, @Nullable String value, @Nullable JsonNode valueFrom) {

  public EnvVar {
    if (valueFrom != null) {
      valueFrom = Json.freeze(valueFrom);
    }
  }

  /** A literal variable. */
  public static EnvVar of(String name, String value) {
    return new EnvVar(name, value, null);
  }

  /** A variable read from a field of the pod ({@code status.hostIP}, {@code metadata.uid}). */
  public static EnvVar fieldRef(String name, String fieldPath) {
    ObjectNode from = Json.object();
    from.putObject("fieldRef").put("fieldPath", fieldPath);
    return new EnvVar(name, null, from);
  }

  /** A variable read from a key of a Secret. */
  public static EnvVar secretKeyRef(String name, String secretName, String key) {
    ObjectNode from = Json.object();
    from.putObject("secretKeyRef").put("name", secretName).put("key", key);
    return new EnvVar(name, null, from);
  }

  /** The {@code env} list entry. */
  public ObjectNode toJson() {
    ObjectNode node = Json.object().put("name", name);
    if (value != null) {
      node.put("value", value);
    }
    if (valueFrom != null) {
      node.set("valueFrom", valueFrom.deepCopy());
    }
    return node;
  }
}
