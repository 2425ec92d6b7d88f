package dev.converge.core.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the lists of objects merge: built-in kinds by {@link ListKeys}, custom resources by their CRD version's
 * structural schema, as kube-apiserver's structured-merge-diff converter reads it ({@code
 * kube-openapi/pkg/schemaconv}):
 *
 * <ul>
 *   <li>a list is atomic unless its schema says {@code x-kubernetes-list-type: set} (merged by value) or
 *       {@code map} (merged by the item fields in {@code x-kubernetes-list-map-keys}; a key field an item leaves
 *       out takes its schema {@code default} when that is a string);
 *   <li>what the schema does not describe ({@code x-kubernetes-preserve-unknown-fields}) is deduced: its lists
 *       are atomic, so an unmarked {@code status.conditions} is atomic, where built-in kinds key theirs by {@code
 *       type};
 *   <li>{@code metadata} at the root is ObjectMeta whatever the schema says (finalizers a set, owner references
 *       keyed by {@code uid}).
 * </ul>
 *
 * <p>A custom kind whose CRD is not known here falls back to {@link ListKeys} (lists atomic, conditions keyed).
 * Immutable.
 */
public final class ListTypes {
  private static final ListTypes BUILTIN = new ListTypes(ImmutableMap.of());

  /** Per custom kind, its versions' {@code openAPIV3Schema}s, the storage version's under "". */
  private final ImmutableMap<GroupKind, ImmutableMap<String, JsonNode>> schemas;

  private ListTypes(ImmutableMap<GroupKind, ImmutableMap<String, JsonNode>> schemas) {
    this.schemas = schemas;
  }

  /** The built-in tables alone. */
  public static ListTypes builtin() {
    return BUILTIN;
  }

  /** The built-in tables and the kinds the {@code CustomResourceDefinition}s among {@code objects} define. */
  public static ListTypes withCrdsAmong(Iterable<Resource> objects) {
    Map<GroupKind, ImmutableMap<String, JsonNode>> found = new HashMap<>();
    for (Resource object : objects) {
      if (!object.kind().equals("CustomResourceDefinition") || !object.group().equals("apiextensions.k8s.io")) {
        continue;
      }
      JsonNode spec = object.spec();
      GroupKind kind = GroupKind.of(spec.path("group").asText(), spec.path("names").path("kind").asText());
      Map<String, JsonNode> versions = new HashMap<>();
      for (JsonNode version : spec.path("versions")) {
        JsonNode schema = version.path("schema").path("openAPIV3Schema");
        if (schema.isObject()) {
          versions.put(version.path("name").asText(), schema);
          if (version.path("storage").asBoolean(false)) {
            versions.put("", schema);
          }
        }
      }
      if (!versions.isEmpty()) {
        found.put(kind, ImmutableMap.copyOf(versions));
      }
    }
    return found.isEmpty() ? BUILTIN : new ListTypes(ImmutableMap.copyOf(found));
  }

  /** Whether this knows no custom kind: every answer is {@link ListKeys}'. */
  public boolean isBuiltinOnly() {
    return schemas.isEmpty();
  }

  /**
   * The semantics of the list at {@code path} (object fields from the root, list indices left out) in an
   * object of {@code kind} written in {@code version} (its CRD's storage version's schema if that version has
   * none).
   */
  public ListType of(GroupKind kind, String version, List<String> path) {
    ImmutableMap<String, JsonNode> versions = schemas.get(kind);
    if (versions == null || (!path.isEmpty() && path.get(0).equals("metadata"))) {
      return ListKeys.of(kind, path);
    }
    JsonNode schema = versions.getOrDefault(version, versions.get(""));
    if (schema == null) {
      return ListKeys.of(kind, path);
    }
    JsonNode field = fieldSchema(schema, path);
    return field == null ? ListType.atomic() : declared(field);
  }

  /**
   * The schema of the field at {@code path} in the structural schema {@code schema}, through list items (paths
   * leave their indices out) and {@code additionalProperties}; null where the schema does not describe it.
   */
  public static @Nullable JsonNode fieldSchema(JsonNode schema, List<String> path) {
    JsonNode node = schema;
    for (String field : path) {
      while (node.path("type").asText().equals("array") && node.path("items").isObject()) {
        node = node.path("items");
      }
      JsonNode next = node.path("properties").get(field);
      if (next == null) {
        JsonNode additional = node.get("additionalProperties");
        next = additional != null && additional.isObject() ? additional : null;
      }
      if (next == null) {
        return null;
      }
      node = next;
    }
    return node;
  }

  /** The list type a structural schema node declares: atomic unless it says set, or map with keys. */
  public static ListType declared(JsonNode node) {
    switch (node.path("x-kubernetes-list-type").asText("")) {
      case "set":
        return ListType.set();
      case "map": {
        ImmutableList.Builder<String> keys = ImmutableList.builder();
        ImmutableMap.Builder<String, String> defaults = ImmutableMap.builder();
        JsonNode itemProperties = node.path("items").path("properties");
        for (JsonNode key : node.path("x-kubernetes-list-map-keys")) {
          keys.add(key.asText());
          JsonNode fallback = itemProperties.path(key.asText()).get("default");
          if (fallback != null && fallback.isTextual()) {
            defaults.put(key.asText(), fallback.asText());
          }
        }
        ImmutableList<String> names = keys.build();
        return names.isEmpty() ? ListType.atomic() : ListType.map(names, defaults.buildKeepingLast(), "");
      }
      default:
        return ListType.atomic();
    }
  }
}
