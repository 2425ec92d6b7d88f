package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.converge.inmemory.sim.workload.SimManifests;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A custom resource's JSON as the CEL values its schema declares ({@link SchemaTypes}), as {@code
 * UnstructuredToVal} ({@code k8s.io/apiserver/pkg/cel/common/values.go}) presents it: integers as {@code long},
 * numbers as {@code double}, formatted strings as bytes, durations and timestamps, lists, maps with their own
 * keys, and objects as maps of the properties CEL can name (escaped), without null-valued ones (which CEL sees as
 * absent, so {@code has()} is false). A resource root shows only {@code name} and {@code generateName} of its
 * metadata.
 */
final class CelValues {
  private CelValues() {}

  /** Data the schema cannot present; its message is Kubernetes' ("invalid data, …"). */
  static final class InvalidData extends RuntimeException {
    InvalidData(String message) {
      super(message, null, false, false);
    }
  }

  static Object of(JsonNode value, JsonNode schema, boolean resourceRoot) {
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        throw new InvalidData("invalid data, got null for schema with nullable=false");
      }
      return NullValue.NULL_VALUE;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (value.isIntegralNumber()) {
        return value.asLong();
      }
      if (value.isTextual()) {
        return value.asText();
      }
      throw new InvalidData("invalid data, expected XIntOrString value to be either a string or integer");
    }
    boolean embedded = resourceRoot || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    String type = schema.path("type").asText(embedded ? "object" : "");
    return switch (type) {
      case "integer" -> value.asLong();
      case "number" -> value.asDouble();
      case "boolean" -> value.asBoolean();
      case "string" -> string(value.asText(), schema.path("format").asText(""));
      case "array" -> list(value, schema.path("items"));
      case "object" -> object(value, schema, embedded);
      default -> throw new InvalidData("invalid data, schema of type " + type + " has no CEL value");
    };
  }

  private static Object string(String text, String format) {
    switch (format) {
      case "byte":
        try {
          return CelByteString.of(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
          throw new InvalidData("Invalid byte formatted string " + text + ": " + e.getMessage());
        }
      case "duration": {
        Duration duration = SimManifests.parseDuration(text);
        if (duration == null) {
          throw new InvalidData("Invalid duration " + text);
        }
        return duration;
      }
      case "date":
        try {
          return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
          throw new InvalidData("Invalid date formatted string " + text);
        }
      case "date-time":
        try {
          return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
          throw new InvalidData("Invalid date-time formatted string " + text);
        }
      default:
        return text;
    }
  }

  private static List<Object> list(JsonNode value, JsonNode items) {
    List<Object> list = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      list.add(of(item, items, false));
    }
    return list;
  }

  private static Map<String, Object> object(JsonNode value, JsonNode schema, boolean embedded) {
    Map<String, Object> map = new LinkedHashMap<>();
    JsonNode additional = schema.path("additionalProperties");
    if (additional.isObject() && !embedded) {
      value.properties().forEach(member -> map.put(member.getKey(), of(member.getValue(), additional, false)));
      return map;
    }
    JsonNode properties = schema.path("properties");
    value.properties().forEach(member -> {
      JsonNode property = properties.get(member.getKey());
      if (property == null || member.getValue().isNull() || (embedded && member.getKey().equals("metadata"))) {
        return;
      }
      Optional<String> name = CelNames.escape(member.getKey());
      if (name.isPresent() && SchemaTypes.hasType(property)) {
        map.put(name.get(), of(member.getValue(), property, false));
      }
    });
    if (embedded) {
      for (String field : List.of("apiVersion", "kind")) {
        if (value.path(field).isTextual()) {
          map.put(field, value.path(field).asText());
        }
      }
      JsonNode metadata = value.path("metadata");
      Map<String, Object> meta = new LinkedHashMap<>();
      for (String field : List.of("name", "generateName")) {
        if (metadata.path(field).isTextual()) {
          meta.put(field, metadata.path(field).asText());
        }
      }
      map.put("metadata", meta);
    }
    return map;
  }
}
