package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A custom resource's merge semantics, read from its CRD version's structural schema as kube-apiserver's
 * structured-merge-diff converter reads it ({@code kube-openapi/pkg/schemaconv}):
 *
 * <ul>
 *   <li>a list is atomic unless its schema says {@code x-kubernetes-list-type: set} (merged by value) or
 *       {@code map} (merged by the item fields in {@code x-kubernetes-list-map-keys}; a key field the item
 *       leaves out takes its schema {@code default} when that is a string);
 *   <li>an object merges field by field unless its schema says {@code x-kubernetes-map-type: atomic};
 *   <li>what the schema does not describe ({@code x-kubernetes-preserve-unknown-fields}) is deduced: objects
 *       merge field by field and lists are atomic. So a {@code status.conditions} list without markers is
 *       atomic here, where the built-in kinds key theirs by {@code type};
 *   <li>{@code metadata} at the root is ObjectMeta, whatever the schema says of it (finalizers are a set,
 *       owner references keyed by {@code uid}).
 * </ul>
 *
 * <p>Paths are resolved against the schema once each and remembered: objects of one kind have few distinct
 * paths.
 */
final class StructuralMergeSchema extends MergeSchema {
  private final JsonNode root;
  private final Map<List<String>, Resolved> resolved = new ConcurrentHashMap<>();

  /** Paths remembered at most: beyond, a schema whose maps take arbitrary keys is resolved each time. */
  private static final int REMEMBERED = 4096;

  /** The facts at one path. */
  private record Resolved(ListType listType, boolean atomicObject, boolean atomicElements) {}

  private static final Resolved UNDESCRIBED = new Resolved(ListType.atomic(), false, false);

  StructuralMergeSchema(GroupKind kind, JsonNode openApiV3Schema) {
    super(kind);
    this.root = openApiV3Schema;
  }

  @Override
  public boolean compiledFrom(@Nullable JsonNode openApiV3Schema) {
    return openApiV3Schema == root;
  }

  @Override
  ListType listType(List<String> path) {
    return isMetadata(path) ? ListKeys.of(kind(), path) : at(path).listType();
  }

  @Override
  boolean atomicObject(List<String> path) {
    return !isMetadata(path) && at(path).atomicObject();
  }

  @Override
  boolean atomicElements(List<String> path) {
    return isOwnerReferences(path) || (!isMetadata(path) && at(path).atomicElements());
  }

  @Override
  @Nullable JsonNode implicitEmpty(List<String> path) {
    return null;
  }

  private static boolean isMetadata(List<String> path) {
    return !path.isEmpty() && path.get(0).equals("metadata");
  }

  private Resolved at(List<String> path) {
    Resolved known = resolved.get(path);
    if (known == null) {
      JsonNode node = resolve(path);
      known = node == null ? UNDESCRIBED : new Resolved(listTypeOf(node), isAtomicMap(node), isAtomicMap(node.path("items")));
      if (resolved.size() < REMEMBERED) {
        resolved.put(List.copyOf(path), known); // the walks pass their live path stack
      }
    }
    return known;
  }

  /** The schema of the field at {@code path}, through list items (paths leave their indices out); null if undescribed. */
  private @Nullable JsonNode resolve(List<String> path) {
    JsonNode node = root;
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

  private static ListType listTypeOf(JsonNode node) {
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

  private static boolean isAtomicMap(JsonNode node) {
    return node.path("x-kubernetes-map-type").asText("").equals("atomic");
  }
}
