package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import dev.converge.core.schema.ListTypes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A custom resource's merge semantics, read from its CRD version's structural schema as kube-apiserver's
 * structured-merge-diff converter reads it ({@code kube-openapi/pkg/schemaconv}): lists as {@link ListTypes}
 * reads them (the planner's reading too), and objects field by field unless their schema says {@code
 * x-kubernetes-map-type: atomic} (or, for a list's items, its {@code items} does). What the schema does not
 * describe is deduced: objects granular, lists atomic. {@code metadata} at the root is ObjectMeta, whatever the
 * schema says of it.
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
      JsonNode node = ListTypes.fieldSchema(root, path);
      known = node == null ? UNDESCRIBED : new Resolved(ListTypes.declared(node), isAtomicMap(node), isAtomicMap(node.path("items")));
      if (resolved.size() < REMEMBERED) {
        resolved.put(List.copyOf(path), known); // the walks pass their live path stack
      }
    }
    return known;
  }

  private static boolean isAtomicMap(JsonNode node) {
    return node.path("x-kubernetes-map-type").asText("").equals("atomic");
  }
}
