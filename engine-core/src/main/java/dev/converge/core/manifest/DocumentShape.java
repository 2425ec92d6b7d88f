package dev.converge.core.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks every document passes before it can become a resource: it is a mapping with a well-formed
 * {@code apiVersion}, an UpperCamelCase {@code kind} and a {@code metadata} whose {@code name}, {@code
 * namespace}, {@code labels} and {@code annotations} have the types and syntax the API server's
 * ObjectMeta validation demands. Catching these here names the file and document; the API server would
 * only say "invalid" at apply time, after part of the set was written.
 */
final class DocumentShape {
  private static final Pattern KIND = Pattern.compile("[A-Z][A-Za-z0-9]*");
  private static final Pattern VERSION = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private DocumentShape() {}

  /** The document's tree, checked; the only change is that a null label or annotation value becomes "". */
  static ObjectNode check(YamlDocument document) {
    ManifestSource source = document.source();
    JsonNode tree = document.tree();
    if (!tree.isObject()) {
      throw ManifestException.document(source, "",
          "expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got " + describe(tree));
    }
    ObjectNode object = (ObjectNode) tree;
    checkApiVersion(source, requiredString(source, object, "apiVersion", "apiVersion"));
    String kind = requiredString(source, object, "kind", "kind");
    if (!KIND.matcher(kind).matches()) {
      throw ManifestException.document(source, "kind", "must be an UpperCamelCase kind such as Deployment, got '" + kind + "'");
    }
    if (kind.endsWith("List") && object.has("items")) {
      throw ManifestException.document(source, "kind",
          "lists are not supported (" + kind + "): put each item in its own YAML document");
    }
    JsonNode metadata = object.path("metadata");
    if (metadata.isMissingNode() || metadata.isNull()) {
      throw ManifestException.document(source, "metadata", "is required");
    }
    if (!metadata.isObject()) {
      throw ManifestException.document(source, "metadata", "must be a mapping, got " + describe(metadata));
    }
    checkName(source, (ObjectNode) metadata);
    JsonNode namespace = metadata.path("namespace");
    if (!namespace.isMissingNode() && !namespace.isNull() && !namespace.isTextual()) {
      throw ManifestException.document(source, "metadata.namespace", "must be a string, got " + describe(namespace));
    }
    checkStringMap(source, (ObjectNode) metadata, "labels", true);
    checkStringMap(source, (ObjectNode) metadata, "annotations", false);
    return object;
  }

  private static void checkApiVersion(ManifestSource source, String apiVersion) {
    List<String> parts = List.of(apiVersion.split("/", -1));
    String version = parts.get(parts.size() - 1);
    boolean valid = parts.size() <= 2
        && VERSION.matcher(version).matches()
        && (parts.size() == 1 || Names.checkDns1123Subdomain(parts.get(0)).isEmpty());
    if (!valid) {
      throw ManifestException.document(source, "apiVersion",
          "must be group/version, or version for the core group (apps/v1, v1), got '" + apiVersion + "'");
    }
  }

  private static void checkName(ManifestSource source, ObjectNode metadata) {
    JsonNode name = metadata.path("name");
    if (name.isMissingNode() || name.isNull()) {
      throw ManifestException.document(source, "metadata.name", metadata.has("generateName")
          ? "is required (metadata.generateName is not supported: a plan needs the name of every resource)"
          : "is required");
    }
    if (!name.isTextual() || name.asText().isEmpty()) {
      throw ManifestException.document(source, "metadata.name", "must be a non-empty string, got " + describe(name));
    }
  }

  /**
   * Labels and annotations are string-to-string maps. A YAML {@code enabled: true} is a boolean, which the
   * API server rejects ("cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type
   * string"); a YAML {@code key:} with no value is null, which Go decodes as the empty string, as this does.
   */
  private static void checkStringMap(ManifestSource source, ObjectNode metadata, String field, boolean labels) {
    JsonNode map = metadata.path(field);
    if (map.isMissingNode() || map.isNull()) {
      return;
    }
    String path = "metadata." + field;
    if (!map.isObject()) {
      throw ManifestException.document(source, path, "must be a mapping of strings, got " + describe(map));
    }
    ObjectNode entries = (ObjectNode) map;
    for (Map.Entry<String, JsonNode> entry : List.copyOf(entries.properties())) {
      String at = path + "[" + entry.getKey() + "]";
      Optional<String> badKey = Names.checkQualifiedName(entry.getKey());
      if (badKey.isPresent()) {
        throw ManifestException.document(source, at, "invalid key: " + badKey.get());
      }
      JsonNode value = entry.getValue();
      if (value.isNull()) {
        entries.put(entry.getKey(), "");
        continue;
      }
      if (!value.isTextual()) {
        throw ManifestException.document(source, at,
            "must be a string, got " + describe(value) + ": quote it (\"" + value.asText() + "\")");
      }
      Optional<String> badValue = labels ? Names.checkLabelValue(value.asText()) : Optional.empty();
      if (badValue.isPresent()) {
        throw ManifestException.document(source, at, "invalid value '" + value.asText() + "': " + badValue.get());
      }
    }
  }

  private static String requiredString(ManifestSource source, ObjectNode object, String field, String path) {
    JsonNode value = object.path(field);
    if (value.isMissingNode() || value.isNull()) {
      throw ManifestException.document(source, path, "is required");
    }
    if (!value.isTextual() || value.asText().isEmpty()) {
      throw ManifestException.document(source, path, "must be a non-empty string, got " + describe(value));
    }
    return value.asText();
  }

  /** "a list", "a number", … for messages about a value of the wrong type. */
  static String describe(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    switch (type) {
      case ARRAY:
        return "a list";
      case OBJECT:
        return "a mapping";
      case BOOLEAN:
        return "a boolean";
      case NUMBER:
        return "a number";
      case STRING:
        return node.asText().isEmpty() ? "an empty string" : "a string";
      case NULL:
        return "null";
      default:
        return type.toString().toLowerCase();
    }
  }
}
