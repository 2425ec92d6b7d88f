package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The list half of {@link StrategicMergePatch}: merging by merge key, unioning scalar lists, the {@code
 * $patch} list elements, {@code $deleteFromPrimitiveList}, and Kubernetes' element order ({@code
 * normalizeElementOrder} and {@code mergeSortedSlice} in {@code strategicpatch/patch.go}).
 */
final class SmpLists {
  private SmpLists() {}

  /**
   * Merges a patch list into an original list (owned by the caller), by the list semantics at the merger's
   * current path. Lists without the merge strategy are replaced by the patch; {@code deleteList} marks a
   * {@code $deleteFromPrimitiveList} value.
   */
  static ArrayNode merge(StrategicMergePatch smp, ArrayNode original, ArrayNode patch, boolean deleteList) {
    ListType type = smp.listType();
    if (!mergeStrategy(type)) {
      // No merge strategy: the patch replaces the list. (Kubernetes does this even for a
      // $deleteFromPrimitiveList value aimed at such a list.)
      return (ArrayNode) PatchValues.copyWithoutNulls(patch);
    }
    if (original.isEmpty() && patch.isEmpty()) {
      return original;
    }
    JsonNodeType elements = elementType(smp, original, patch);
    if (elements != JsonNodeType.OBJECT) {
      if (deleteList) {
        ArrayNode kept = Json.array();
        for (JsonNode value : original) {
          if (indexOf(patch, value, "") < 0) {
            kept.add(value);
          }
        }
        return kept;
      }
      List<JsonNode> merged = new ArrayList<>(original.size() + patch.size());
      for (JsonNode value : concat(original, patch)) {
        if (indexOf(merged, value, "") < 0) {
          merged.add(value);
        }
      }
      return normalizeOrder(smp, merged, list(patch), list(patch), list(original), "");
    }
    String mergeKey = type.patchMergeKey();
    List<JsonNode> remaining = list(original);
    List<JsonNode> plain = new ArrayList<>(patch.size());
    boolean replace = false;
    for (JsonNode element : patch) {
      JsonNode directive = element.get(StrategicMergePatch.DIRECTIVE);
      if (directive == null) {
        plain.add(element);
      } else if (directive.asText().equals("delete")) {
        JsonNode key = element.get(mergeKey);
        if (key == null) {
          throw missingMergeKey(smp, element, mergeKey);
        }
        remaining.removeIf(candidate -> PatchValues.equal(candidate.get(mergeKey), key));
      } else if (directive.asText().equals("replace")) {
        replace = true;
      } else if (directive.asText().equals("merge")) {
        throw PatchException.badRequest("merging lists cannot yet be specified in the patch (at " + smp.where() + ")");
      } else {
        throw PatchException.badRequest("unknown patch directive \"$patch: " + directive.asText() + "\" at " + smp.where());
      }
    }
    if (replace) {
      // "$patch: replace" as an element: the other elements are the whole new list.
      List<JsonNode> replaced = new ArrayList<>(plain.size());
      for (JsonNode element : plain) {
        replaced.add(smp.fresh(element));
      }
      return toArray(replaced);
    }
    List<JsonNode> merged = new ArrayList<>(remaining);
    for (JsonNode element : plain) {
      JsonNode key = element.get(mergeKey);
      if (key == null) {
        throw missingMergeKey(smp, element, mergeKey);
      }
      int at = indexOf(merged, element, mergeKey);
      if (at >= 0) {
        merged.set(at, smp.mergeObject((ObjectNode) merged.get(at), (ObjectNode) element));
      } else {
        merged.add(smp.fresh(element));
      }
    }
    return normalizeOrder(smp, merged, plain, plain, remaining, mergeKey);
  }

  /**
   * {@code $setElementOrder}: merges {@code patch} (if any) into {@code original} (if any) and orders the
   * result by {@code order}. Returns null when neither list exists.
   */
  static @Nullable ArrayNode order(
      StrategicMergePatch smp, @Nullable ArrayNode original, @Nullable ArrayNode patch, ArrayNode order) {
    ListType type = smp.listType();
    String mergeKey = mergeStrategy(type) && type.isMap() ? type.patchMergeKey() : "";
    if (patch != null) {
      validateOrder(smp, patch, order, mergeKey);
    }
    ArrayNode merged;
    if (original != null && patch != null) {
      merged = merge(smp, original, patch, false);
    } else if (original != null) {
      merged = original;
    } else if (patch != null) {
      merged = (ArrayNode) smp.fresh(patch);
    } else {
      return null;
    }
    if (merged.isEmpty() || (mergeKey.isEmpty() && merged.get(0).isContainerNode())) {
      return merged; // nothing to order, or objects without a merge key to order them by
    }
    return normalizeOrder(smp, list(merged), list(order), list(order), original == null ? List.of() : list(original), mergeKey);
  }

  /**
   * Splits {@code merged} into the elements named by {@code partitionBy} and the server-only rest, sorts the
   * first by {@code patchOrder} and the second by {@code serverOrder}, and interleaves them: a server-only
   * element goes before a patch element when both appear in the live list in that order.
   */
  private static ArrayNode normalizeOrder(StrategicMergePatch smp, List<JsonNode> merged, List<JsonNode> partitionBy,
      List<JsonNode> patchOrder, List<JsonNode> serverOrder, String mergeKey) {
    List<JsonNode> fromPatch = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode element : merged) {
      if (!mergeKey.isEmpty() && element.get(mergeKey) == null) {
        throw missingMergeKey(smp, element, mergeKey);
      }
      (indexOf(partitionBy, element, mergeKey) >= 0 ? fromPatch : serverOnly).add(element);
    }
    sortBy(fromPatch, patchOrder, mergeKey);
    sortBy(serverOnly, serverOrder, mergeKey);
    ArrayNode out = Json.array();
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < fromPatch.size()) {
      if (j >= fromPatch.size()) {
        out.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        out.add(fromPatch.get(j++));
      } else {
        int li = indexOf(serverOrder, serverOnly.get(i), mergeKey);
        int ri = indexOf(serverOrder, fromPatch.get(j), mergeKey);
        out.add(li >= 0 && ri >= 0 && li < ri ? serverOnly.get(i++) : fromPatch.get(j++));
      }
    }
    return out;
  }

  /** A stable sort by position in {@code order}; elements it does not name keep their relative place. */
  private static void sortBy(List<JsonNode> elements, List<JsonNode> order, String mergeKey) {
    elements.sort((a, b) -> {
      int ia = indexOf(order, a, mergeKey);
      int ib = indexOf(order, b, mergeKey);
      return ia >= 0 && ib >= 0 ? Integer.compare(ia, ib) : 0;
    });
  }

  /**
   * Kubernetes' {@code validatePatchWithSetOrderList}: the patch's elements (deletions aside) must appear in
   * the {@code $setElementOrder} list, in the same relative order.
   */
  private static void validateOrder(StrategicMergePatch smp, ArrayNode patch, ArrayNode order, String mergeKey) {
    int p = 0;
    int o = 0;
    List<JsonNode> elements = new ArrayList<>();
    for (JsonNode element : patch) {
      JsonNode directive = element.get(StrategicMergePatch.DIRECTIVE);
      if (mergeKey.isEmpty() || directive == null || !directive.asText().equals("delete")) {
        elements.add(element);
      }
    }
    while (p < elements.size() && o < order.size()) {
      JsonNode element = elements.get(p);
      if (element.has(StrategicMergePatch.DIRECTIVE)) {
        p++;
        continue;
      }
      if (keyOf(element, mergeKey) == null || keyOf(order.get(o), mergeKey) == null) {
        throw missingMergeKey(smp, keyOf(element, mergeKey) == null ? element : order.get(o), mergeKey);
      }
      if (PatchValues.equal(keyOf(element, mergeKey), keyOf(order.get(o), mergeKey))) {
        p++;
      }
      o++;
    }
    if (p < elements.size()) {
      throw PatchException.badRequest("the order in the patch list " + patch + " doesn't match the $setElementOrder list "
          + order + " at " + smp.where());
    }
  }

  private static boolean mergeStrategy(ListType type) {
    return type.kind() == ListType.Kind.SET || (type.isMap() && !type.patchMergeKey().isEmpty());
  }

  /** The common JSON type of the elements of both lists; 422 for lists of lists, 400 for mixed types. */
  private static JsonNodeType elementType(StrategicMergePatch smp, ArrayNode original, ArrayNode patch) {
    JsonNodeType type = null;
    for (JsonNode element : concat(original, patch)) {
      if (element.isArray()) {
        throw PatchException.unprocessable("lists of lists are not supported (at " + smp.where() + ")");
      }
      if (type == null) {
        type = element.getNodeType();
      } else if (type != element.getNodeType()) {
        throw PatchException.badRequest("list element types are not identical at " + smp.where());
      }
    }
    return type == null ? JsonNodeType.NULL : type;
  }

  private static @Nullable JsonNode keyOf(JsonNode element, String mergeKey) {
    return mergeKey.isEmpty() ? element : element.get(mergeKey);
  }

  /** The position of the first element whose merge key (or value, for scalars) equals {@code element}'s. */
  private static int indexOf(Iterable<JsonNode> list, JsonNode element, String mergeKey) {
    JsonNode key = keyOf(element, mergeKey);
    if (key == null) {
      return -1;
    }
    int i = 0;
    for (JsonNode candidate : list) {
      if (PatchValues.equal(keyOf(candidate, mergeKey), key)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  private static PatchException missingMergeKey(StrategicMergePatch smp, JsonNode element, String mergeKey) {
    return PatchException.badRequest("map: " + element + " does not contain declared merge key: " + mergeKey
        + " (at " + smp.where() + ")");
  }

  private static List<JsonNode> list(ArrayNode array) {
    List<JsonNode> out = new ArrayList<>(array.size());
    array.forEach(out::add);
    return out;
  }

  private static List<JsonNode> concat(ArrayNode a, ArrayNode b) {
    List<JsonNode> out = list(a);
    b.forEach(out::add);
    return out;
  }

  private static ArrayNode toArray(List<JsonNode> elements) {
    ArrayNode out = Json.array();
    elements.forEach(out::add);
    return out;
  }
}
