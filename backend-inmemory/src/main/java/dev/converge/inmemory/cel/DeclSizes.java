package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The sizes Kubernetes' cost estimate reads from a schema node's CEL declaration ({@code SchemaDeclType} in {@code
 * k8s.io/apiserver/pkg/cel/common/schemas.go}, 1.32): {@code maxElements}, the most characters, items or entries
 * a value can have ({@code 4 × maxLength} for a string, as runes become bytes; the longest {@code enum} value;
 * {@code maxItems}, {@code maxProperties}; else as many as fit in a 3 MiB request, from the minimum serialized
 * size of an item), and {@code minSerializedSize}, the fewest bytes a value takes in JSON.
 */
record DeclSizes(long maxElements, long minSerializedSize, Map<String, DeclSizes> fields, @Nullable DeclSizes elem,
    @Nullable DeclSizes key) {
  /** {@code MaxRequestSizeBytes}: 3 MiB. */
  static final long MAX_REQUEST_SIZE = 3 * 1024 * 1024;
  private static final DeclSizes STRING = scalar(MAX_REQUEST_SIZE - 2, 2);

  private static DeclSizes scalar(long maxElements, long minSerializedSize) {
    return new DeclSizes(maxElements, minSerializedSize, Map.of(), null, null);
  }

  /** The sizes of {@code schema}'s declaration and of everything below it; null where CEL has no type. */
  static @Nullable DeclSizes of(JsonNode schema, boolean resourceRoot) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return scalar(MAX_REQUEST_SIZE - 2, 1); // 1.32 ignores maxLength here (fixed in 1.34)
    }
    boolean embedded = resourceRoot || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    String type = schema.path("type").asText(embedded ? "object" : "");
    switch (type) {
      case "integer":
      case "number":
        return scalar(0, 1);
      case "boolean":
        return scalar(0, 4);
      case "string":
        return string(schema);
      case "array": {
        DeclSizes items = schema.path("items").isObject() ? of(schema.path("items"), false) : null;
        if (items == null) {
          return null;
        }
        long max = schema.has("maxItems") ? Math.max(0, schema.path("maxItems").asLong())
            : (MAX_REQUEST_SIZE - 2) / (items.minSerializedSize() + 1);
        return new DeclSizes(max, 2, Map.of(), items, null);
      }
      case "object":
        return object(schema, embedded);
      default:
        return null;
    }
  }

  private static DeclSizes string(JsonNode schema) {
    switch (schema.path("format").asText("")) {
      case "duration":
        return scalar(32, 3);
      case "date":
        return scalar(12, 12);
      case "date-time":
        return scalar(32, 21);
      case "byte":
        return scalar(schema.has("maxLength") ? schema.path("maxLength").asLong() : MAX_REQUEST_SIZE - 2, 2);
      default:
        break;
    }
    if (schema.has("maxLength")) {
      return scalar(4 * schema.path("maxLength").asLong(), 2);
    }
    if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
      long longest = 0;
      for (JsonNode value : schema.path("enum")) {
        longest = Math.max(longest, value.asText().getBytes(StandardCharsets.UTF_8).length);
      }
      return scalar(longest, 2);
    }
    return STRING;
  }

  private static @Nullable DeclSizes object(JsonNode schema, boolean embedded) {
    JsonNode additional = schema.path("additionalProperties");
    if (additional.isObject() && !embedded) {
      DeclSizes values = of(additional, false);
      if (values == null) {
        return null;
      }
      long max = schema.has("maxProperties") ? Math.max(0, schema.path("maxProperties").asLong())
          : (MAX_REQUEST_SIZE - 2) / (values.minSerializedSize() + 6);
      return new DeclSizes(max, 2, Map.of(), values, scalar(0, 2));
    }
    Map<String, DeclSizes> fields = new LinkedHashMap<>();
    long minSize = 2;
    java.util.Set<String> required = new java.util.HashSet<>();
    schema.path("required").forEach(name -> required.add(name.asText()));
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      if (embedded && property.getKey().equals("metadata")) {
        continue;
      }
      Optional<String> field = CelNames.escape(property.getKey());
      DeclSizes sizes = of(property.getValue(), false);
      if (sizes == null) {
        continue;
      }
      if (field.isPresent()) {
        fields.put(field.get(), sizes);
      }
      if (required.contains(property.getKey()) && !property.getValue().has("default")) {
        minSize += property.getKey().length() + sizes.minSerializedSize() + 4;
      }
    }
    if (embedded) {
      fields.put("apiVersion", STRING);
      fields.put("kind", STRING);
      fields.put("metadata", new DeclSizes(0, 2, Map.of("name", STRING, "generateName", STRING), null, null));
    }
    return new DeclSizes(0, minSize, fields, null, null);
  }
}
