package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.inmemory.cel.ValidationRules;
import dev.converge.inmemory.schema.StructuralSchemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The parts of {@code ValidateCustomResourceDefinition} (apiextensions-apiserver) that decide whether a kind
 * can be served: the name is {@code <plural>.<group>}, names and scope are set, exactly one storage version;
 * and, in each version's schema, the list and map markers server-side apply reads ({@code
 * ValidateCustomResourceDefinitionOpenAPISchema} and {@code validateMapListKeysMapSet}, with the rules a new
 * CRD is held to): {@code x-kubernetes-list-type} is {@code atomic}, {@code set} or {@code map}; a map list has
 * keys, object items, and keys that are scalar, distinct, declared, and required or defaulted, never nullable;
 * set and map items are not nullable, and a set's object or list items are atomic; and, where those hold, that
 * its CEL validation rules compile ({@link ValidationRules#problems}). A schema every version shares is reported
 * once, at {@code spec.validation.openAPIV3Schema}, where the v1 to internal conversion moves it.
 */
final class CrdValidation {
  private CrdValidation() {}

  static void validate(JsonNode crd, @Nullable JsonNode old, FieldErrors errors) {
    JsonNode spec = crd.path("spec");
    String crdName = crd.path("metadata").path("name").asText();
    String group = spec.path("group").asText("");
    String plural = spec.path("names").path("plural").asText("");
    if (group.isEmpty()) {
      errors.required("spec.group");
    } else if (!group.contains(".")) {
      errors.invalid("spec.group", group, "should be a domain with at least one dot");
    }
    if (plural.isEmpty()) {
      errors.required("spec.names.plural");
    }
    if (spec.path("names").path("kind").asText("").isEmpty()) {
      errors.required("spec.names.kind");
    }
    if (!plural.isEmpty() && !group.isEmpty() && !crdName.equals(plural + "." + group)) {
      errors.invalid("metadata.name", crdName, "must be spec.names.plural+\".\"+spec.group");
    }
    String scope = spec.path("scope").asText("");
    if (!List.of("Namespaced", "Cluster").contains(scope)) {
      errors.unsupported("spec.scope", scope, List.of("Cluster", "Namespaced"));
    }
    CrdConversionValidation.validate(spec, errors);
    JsonNode versions = spec.path("versions");
    if (versions.isEmpty()) {
      errors.required("spec.versions");
      return;
    }
    int storage = 0;
    for (JsonNode version : versions) {
      if (version.path("storage").asBoolean(false)) {
        storage++;
      }
    }
    if (storage != 1) {
      errors.invalid("spec.versions", storage, "must have exactly one version marked as storage version");
    }
    boolean shared = sharedSchema(versions);
    Set<String> preexisting = ValidationRules.expressions(old);
    for (int i = 0; i < versions.size(); i++) {
      JsonNode version = versions.get(i);
      String at = "spec.versions[" + i + "]";
      JsonNode warning = version.get("deprecationWarning");
      if (warning != null && !warning.isNull() && !version.path("deprecated").asBoolean(false)) {
        errors.invalid(at + ".deprecationWarning", warning.asText(), "can only be set for deprecated versions");
      }
      JsonNode schema = version.path("schema").path("openAPIV3Schema");
      if (schema.isObject() && (!shared || i == 0)) {
        String schemaPath = shared ? "spec.validation.openAPIV3Schema" : at + ".schema.openAPIV3Schema";
        int before = errors.size();
        markers(schema, schemaPath, errors);
        if (errors.size() == before) {
          ValidationRules.compile(schema, preexisting::contains, unchangedSchema(old, version))
              .problems(schemaPath, errors);
        }
      }
      if (!version.path("selectableFields").isEmpty()) {
        if (schema.isObject()) {
          selectableFields(version.path("selectableFields"), schema, at + ".selectableFields", errors);
        } else {
          // Kubernetes' words, whose "not" is a slip: the fields need the schema.
          errors.invalid(at + ".selectableFields", "",
              "selectableFields may only be set when version.schema.openAPIV3Schema is not included");
        }
      }
    }
  }

  /**
   * Whether every version has the same schema, which the v1 to internal conversion then moves to {@code
   * spec.validation} (apiextensions' {@code v1/conversion.go}), so that its causes are reported once, at {@code
   * spec.validation.openAPIV3Schema}, as they are for a CRD with one version.
   */
  private static boolean sharedSchema(JsonNode versions) {
    JsonNode first = versions.get(0).path("schema").path("openAPIV3Schema");
    if (!first.isObject()) {
      return false;
    }
    for (JsonNode version : versions) {
      if (!version.path("schema").path("openAPIV3Schema").equals(first)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the stored CRD ({@code old}, null on a create) has {@code version} with the very same schema, whose rules'
   * costs an update does not check one by one again ({@code findVersionsWithUnchangedSchemas}).
   */
  private static boolean unchangedSchema(@Nullable JsonNode old, JsonNode version) {
    if (old == null) {
      return false;
    }
    for (JsonNode stored : old.path("spec").path("versions")) {
      if (stored.path("name").equals(version.path("name"))) {
        return stored.path("schema").path("openAPIV3Schema").equals(version.path("schema").path("openAPIV3Schema"));
      }
    }
    return false;
  }

  /** At most this many selectable fields per version ({@code MaxSelectableFields}). */
  private static final int MAX_SELECTABLE_FIELDS = 8;

  /**
   * A version's {@code selectableFields} ({@code ValidateCustomResourceSelectableFields}): each a path to a string,
   * boolean or integer field of the schema outside {@code metadata}, none twice, at most eight.
   */
  private static void selectableFields(JsonNode fields, JsonNode schema, String path, FieldErrors errors) {
    Set<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      String at = path + "[" + i + "].jsonPath";
      String jsonPath = fields.get(i).path("jsonPath").asText("");
      if (jsonPath.isEmpty()) {
        errors.required(at);
        continue;
      }
      List<String> names = List.of((jsonPath.startsWith(".") ? jsonPath.substring(1) : jsonPath).split("\\.", -1));
      JsonNode field = StructuralSchemas.fieldAt(schema, names);
      if (field == null) {
        errors.invalid(at, jsonPath, "is an invalid path: does not refer to a valid field");
        continue;
      }
      if (names.get(0).equals("metadata")) {
        errors.invalid(at, jsonPath, "must not point to fields in metadata");
      }
      if (!List.of("string", "boolean", "integer").contains(field.path("type").asText(""))) {
        errors.invalid(at, jsonPath,
            "must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.");
      }
      if (!unique.add(String.join(".", names))) {
        errors.duplicate(at, jsonPath);
      }
    }
    if (unique.size() > MAX_SELECTABLE_FIELDS) {
      errors.tooMany(path, unique.size(), MAX_SELECTABLE_FIELDS);
    }
  }

  private static final List<String> LIST_TYPES = List.of("atomic", "set", "map");

  /**
   * The list and map markers of {@code schema} and every schema below it, at {@code path}: those below first, as
   * {@code ValidateCustomResourceDefinitionOpenAPISchema} recurses before it checks a schema's own markers.
   */
  private static void markers(JsonNode schema, String path, FieldErrors errors) {
    JsonNode listType = schema.get("x-kubernetes-list-type");
    String type = listType == null || listType.isNull() ? null : listType.asText();
    JsonNode items = schema.get("items");
    JsonNode itemSchema = items != null && items.isObject() ? items : null;
    JsonNode additional = schema.get("additionalProperties");
    if (additional != null && additional.isObject()) {
      markers(additional, path + ".additionalProperties", errors);
    }
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      markers(property.getValue(), path + ".properties[" + property.getKey() + "]", errors);
    }
    if (itemSchema != null) {
      markers(itemSchema, path + ".items", errors);
    }
    String schemaType = schema.path("type").asText("");
    JsonNode mapType = schema.get("x-kubernetes-map-type");
    if (mapType != null && !mapType.isNull()) {
      if (!schemaType.equals("object")) {
        typeRequired(path, schemaType, "must be object if x-kubernetes-map-type is specified", errors);
      }
      if (!List.of("atomic", "granular").contains(mapType.asText())) {
        errors.unsupported(path + ".x-kubernetes-map-type", mapType.asText(), List.of("atomic", "granular"));
      }
    }
    if (type != null && !schemaType.equals("array")) {
      typeRequired(path, schemaType, "must be array if x-kubernetes-list-type is specified", errors);
    } else if ("set".equals(type) && itemSchema != null) {
      String itemType = itemSchema.path("type").asText("");
      if (itemType.equals("array") && !itemSchema.path("x-kubernetes-list-type").asText("atomic").equals("atomic")) {
        errors.invalid(path + ".items.x-kubernetes-list-type", itemSchema.path("x-kubernetes-list-type").asText(),
            "must be atomic as item of a list with x-kubernetes-list-type=set");
      } else if (itemType.equals("object") && !itemSchema.path("x-kubernetes-map-type").asText("").equals("atomic")) {
        // Kubernetes reports the item's list type here (a slip in its code), which is unset for an object.
        errors.invalid(path + ".items.x-kubernetes-map-type", "null", "must be atomic as item of a list with x-kubernetes-list-type=set");
      }
    }
    if (type != null && !LIST_TYPES.contains(type)) {
      errors.unsupported(path + ".x-kubernetes-list-type", type, LIST_TYPES);
    }
    List<String> keys = new ArrayList<>();
    schema.path("x-kubernetes-list-map-keys").forEach(key -> keys.add(key.asText()));
    if (!keys.isEmpty()) {
      if (type == null) {
        errors.required(path + ".x-kubernetes-list-type", "must be map if x-kubernetes-list-map-keys is non-empty");
      } else if (!type.equals("map")) {
        errors.invalid(path + ".x-kubernetes-list-type", type, "must be map if x-kubernetes-list-map-keys is non-empty");
      }
    }
    if ("map".equals(type)) {
      mapList(path, keys, itemSchema, errors);
    }
    if (("map".equals(type) || "set".equals(type)) && itemSchema != null) {
      if (itemSchema.path("nullable").asBoolean(false)) {
        errors.forbidden(path + ".items.nullable", "cannot be nullable when x-kubernetes-list-type is " + type);
      }
      if (type.equals("map")) {
        keysPresent(path, keys, itemSchema, errors);
      }
    }
  }

  /** {@code type} missing (Required) or another (Invalid) where a marker needs it. */
  private static void typeRequired(String path, String schemaType, String detail, FieldErrors errors) {
    if (schemaType.isEmpty()) {
      errors.required(path + ".type", detail);
    } else {
      errors.invalid(path + ".type", schemaType, detail);
    }
  }

  /** A map list's keys and items: the items are objects, the keys their distinct scalar properties. */
  private static void mapList(String path, List<String> keys, @Nullable JsonNode items, FieldErrors errors) {
    if (keys.isEmpty()) {
      errors.required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map");
    }
    if (items == null) {
      errors.required(path + ".items", "must have a schema if x-kubernetes-list-type is map");
      return;
    }
    String itemType = items.path("type").asText("");
    if (!itemType.equals("object")) {
      errors.invalid(path + ".items.type", itemType, "must be object if parent array's x-kubernetes-list-type is map");
      return;
    }
    Set<String> seen = new HashSet<>();
    for (String key : keys) {
      JsonNode property = items.path("properties").get(key);
      if (property == null) {
        errors.invalid(path + ".x-kubernetes-list-map-keys", keys, "entries must all be names of item properties");
      } else if (List.of("array", "object").contains(property.path("type").asText(""))) {
        // Kubernetes reports the items' type ("object") rather than the key's here.
        errors.invalid(path + ".items.properties[" + key + "].type", itemType,
            "must be a scalar type if parent array's x-kubernetes-list-type is map");
      }
      if (!seen.add(key)) {
        errors.invalid(path + ".x-kubernetes-list-map-keys", keys, "must not contain duplicate entries");
      }
    }
  }

  /** Every key of a map list is in every item: required or defaulted, and never null. */
  private static void keysPresent(String path, List<String> keys, JsonNode items, FieldErrors errors) {
    Set<String> required = new HashSet<>();
    items.path("required").forEach(name -> required.add(name.asText()));
    for (String key : keys) {
      JsonNode property = items.path("properties").get(key);
      if (property == null) {
        continue; // reported above
      }
      String at = path + ".items.properties[" + key + "]";
      if (!required.contains(key) && !property.has("default")) {
        errors.required(at + ".default",
            "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property");
      }
      if (property.path("nullable").asBoolean(false)) {
        errors.forbidden(at + ".nullable", "this property is in x-kubernetes-list-map-keys, so it cannot be nullable");
      }
    }
  }
}
