package dev.converge.inmemory.sim.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableSortedMap;
import dev.converge.api.Names;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.manifest.ManifestSource;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A strict reader of one field of a {@code sim.converge.dev} document: the node, its dotted path, and the
 * document it came from, so that every error names file, document and path as the manifest reader does.
 */
final class SpecFields {
  private final ManifestSource source;
  private final String path;
  private final JsonNode node;

  SpecFields(ManifestSource source, String path, JsonNode node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  ManifestSource source() {
    return source;
  }

  String path() {
    return path;
  }

  JsonNode node() {
    return node;
  }

  boolean isMissing() {
    return node.isMissingNode() || node.isNull();
  }

  ManifestException error(String problem) {
    return ManifestException.document(source, path, problem);
  }

  /** The object here, with no field but {@code allowed}. */
  SpecFields object(Set<String> allowed) {
    if (!node.isObject()) {
      throw error("must be an object");
    }
    for (String field : (Iterable<String>) node::fieldNames) {
      if (!allowed.contains(field)) {
        throw field(field).error("unknown field (allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
    return this;
  }

  SpecFields field(String name) {
    return new SpecFields(source, path.isEmpty() ? name : path + "." + name, node.path(name));
  }

  SpecFields item(int index) {
    return new SpecFields(source, path + "[" + index + "]", node.path(index));
  }

  /** The required string here. */
  String string() {
    if (isMissing()) {
      throw error("is required");
    }
    if (!node.isTextual()) {
      throw error("must be a string, not " + describe(node));
    }
    return node.asText();
  }

  @Nullable String optionalString() {
    return isMissing() ? null : string();
  }

  /** A required whole number within [min, max]. */
  int integer(int min, int max) {
    if (isMissing()) {
      throw error("is required");
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw error("must be a whole number, not " + describe(node));
    }
    int value = node.asInt();
    if (value < min || value > max) {
      throw error("must be between " + min + " and " + max + ", not " + value);
    }
    return value;
  }

  /** A list here (an empty list when missing). */
  int size() {
    if (isMissing()) {
      return 0;
    }
    if (!node.isArray()) {
      throw error("must be a list, not " + describe(node));
    }
    return node.size();
  }

  /** A string-to-string map here (empty when missing); {@code labels} checks keys and values as labels. */
  ImmutableSortedMap<String, String> stringMap(boolean labels) {
    if (isMissing()) {
      return ImmutableSortedMap.of();
    }
    if (!node.isObject()) {
      throw error("must be a map of strings, not " + describe(node));
    }
    ImmutableSortedMap.Builder<String, String> out = ImmutableSortedMap.naturalOrder();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      SpecFields value = field(entry.getKey());
      if (!entry.getValue().isTextual()) {
        throw value.error("must be a string, not " + describe(entry.getValue()) + " (quote it)");
      }
      if (labels) {
        Optional<String> badKey = Names.checkQualifiedName(entry.getKey());
        if (badKey.isPresent()) {
          throw value.error("invalid key: " + badKey.get());
        }
        Optional<String> badValue = Names.checkLabelValue(entry.getValue().asText());
        if (badValue.isPresent()) {
          throw value.error("invalid value: " + badValue.get());
        }
      }
      out.put(entry.getKey(), entry.getValue().asText());
    }
    return out.build();
  }

  /** One of {@code choices} (a required string). */
  String oneOf(Set<String> choices) {
    String value = string();
    if (!choices.contains(value)) {
      throw error("must be one of " + String.join(", ", choices.stream().sorted().toList()) + ", not '" + value + "'");
    }
    return value;
  }

  static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "the string '" + node.asText() + "'";
    }
    if (node.isNumber()) {
      return "the number " + node.asText();
    }
    if (node.isBoolean()) {
      return "the boolean " + node.asText();
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isObject()) {
      return "an object";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }
}
