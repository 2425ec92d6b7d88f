package dev.converge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.core.manifest.ManifestEntry;
import dev.converge.core.manifest.ManifestException;
import dev.converge.inmemory.schema.StructuralSchemas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Custom resources checked against the {@code openAPIV3Schema} of a CustomResourceDefinition in the same input,
 * as the API server does on create with strict field validation ({@code kubectl apply}'s default since 1.27):
 * wrong types, values outside an {@code enum} or bounds, missing {@code required} fields, and unknown fields where
 * the schema neither preserves unknown fields nor allows additional properties. A DatadogAgent with {@code
 * logCollection.enabled: maybe} is bad input naming the file, document and field, not an object the operator
 * later marks as failed. CEL rules and formats are not checked.
 */
final class CustomResourceSchemas {
  private static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");

  /** (group/kind) → version → schema of the CRDs in the input. */
  private final Map<GroupKind, Map<String, JsonNode>> schemas = new HashMap<>();

  private CustomResourceSchemas(Iterable<ManifestEntry> entries) {
    for (ManifestEntry entry : entries) {
      JsonNode json = entry.desired().resource().json();
      if (!entry.key().groupKind().equals(CRD)) {
        continue;
      }
      GroupKind kind = GroupKind.of(json.path("spec").path("group").asText(), json.path("spec").path("names").path("kind").asText());
      Map<String, JsonNode> versions = new HashMap<>();
      for (JsonNode version : json.path("spec").path("versions")) {
        JsonNode schema = version.path("schema").path("openAPIV3Schema");
        if (schema.isObject()) {
          versions.put(version.path("name").asText(), schema);
        }
      }
      schemas.put(kind, versions);
    }
  }

  /** Checks every custom resource of {@code entries} whose CRD is among them too. */
  static void validate(Iterable<ManifestEntry> entries) {
    CustomResourceSchemas crds = new CustomResourceSchemas(entries);
    if (crds.schemas.isEmpty()) {
      return;
    }
    for (ManifestEntry entry : entries) {
      Optional<String> problem = crds.firstProblem(entry);
      if (problem.isPresent()) {
        throw ManifestChecks.refused(entry.source(), problem.orElseThrow());
      }
    }
  }

  private Optional<String> firstProblem(ManifestEntry entry) {
    Map<String, JsonNode> versions = schemas.get(entry.key().groupKind());
    if (versions == null) {
      return Optional.empty();
    }
    JsonNode json = entry.desired().resource().json();
    String apiVersion = json.path("apiVersion").asText();
    JsonNode schema = versions.get(apiVersion.substring(apiVersion.indexOf('/') + 1));
    if (schema == null) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    JsonNode properties = schema.path("properties");
    json.properties().forEach(field -> {
      // apiVersion, kind and metadata are the server's; the manifest reader checked them.
      if (!field.getKey().equals("apiVersion") && !field.getKey().equals("kind") && !field.getKey().equals("metadata")) {
        check(field.getValue(), properties.path(field.getKey()), field.getKey(), problems, properties.has(field.getKey())
            || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false), properties);
      }
    });
    for (JsonNode required : schema.path("required")) {
      if (!json.has(required.asText()) && !required.asText().equals("metadata")) {
        problems.add(required.asText() + ": Required value");
      }
    }
    return problems.stream().findFirst();
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<String> problems, boolean known,
      JsonNode siblings) {
    if (!problems.isEmpty()) {
      return;
    }
    if (!known) {
      problems.add(path + ": unknown field (allowed: " + String.join(", ", new TreeSet<>(fieldNames(siblings))) + ")");
      return;
    }
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(path + ": must not be null");
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        problems.add(path + ": must be an integer or a string, not " + StructuralSchemas.typeOf(value)
            + " (" + value + ")");
      }
      return;
    }
    if (!type.isEmpty() && !StructuralSchemas.hasType(value, type)) {
      problems.add(path + ": must be of type " + type + ", not " + StructuralSchemas.typeOf(value)
          + " (" + value + ")");
      return;
    }
    JsonNode enumValues = schema.path("enum");
    if (enumValues.isArray() && enumValues.size() > 0) {
      boolean listed = false;
      for (JsonNode allowed : enumValues) {
        listed |= allowed.equals(value);
      }
      if (!listed) {
        List<String> names = new ArrayList<>();
        enumValues.forEach(allowed -> names.add(allowed.isTextual() ? allowed.asText() : allowed.toString()));
        problems.add(path + ": unsupported value " + value + " (supported: " + String.join(", ", names) + ")");
        return;
      }
    }
    if (value.isNumber() && schema.has("minimum") && value.asDouble() < schema.path("minimum").asDouble()) {
      problems.add(path + ": " + value + " is less than the minimum " + schema.path("minimum"));
      return;
    }
    if (value.isNumber() && schema.has("maximum") && value.asDouble() > schema.path("maximum").asDouble()) {
      problems.add(path + ": " + value + " is more than the maximum " + schema.path("maximum"));
      return;
    }
    if (value.isObject()) {
      checkObject(value, schema, path, problems);
    } else if (value.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        check(value.get(i), schema.path("items"), path + "[" + i + "]", problems, true, schema);
      }
    }
  }

  private static void checkObject(JsonNode value, JsonNode schema, String path, List<String> problems) {
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
        || (additional.isBoolean() && additional.asBoolean()) || (!properties.isObject() && !additional.isObject());
    value.properties().forEach(field -> {
      String child = path + "." + field.getKey();
      if (properties.has(field.getKey())) {
        check(field.getValue(), properties.path(field.getKey()), child, problems, true, properties);
      } else if (additional.isObject()) {
        check(field.getValue(), additional, child, problems, true, properties);
      } else if (!open) {
        check(field.getValue(), properties.path(field.getKey()), child, problems, false, properties);
      }
    });
    for (JsonNode required : schema.path("required")) {
      if (problems.isEmpty() && !value.has(required.asText())) {
        problems.add(path + "." + required.asText() + ": Required value");
      }
    }
  }

  private static List<String> fieldNames(JsonNode properties) {
    List<String> names = new ArrayList<>();
    properties.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
