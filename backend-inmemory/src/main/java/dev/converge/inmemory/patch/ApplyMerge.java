package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Merges an applied configuration into the live object (structured-merge-diff's {@code TypedValue.Merge}):
 * objects field by field, keyed lists and sets element by element, atomic values replaced whole. A {@code
 * null} in the configuration unsets the field, as it does once Kubernetes decodes the merged object.
 *
 * <p>Merged lists keep structured-merge-diff's order: elements the configuration names come in its order,
 * and live-only elements stay where they were relative to them.
 */
final class ApplyMerge extends SchemaWalk {

  private ApplyMerge(GroupKind kind) {
    super(kind, Scope.MAIN);
  }

  /** {@code config} merged into {@code live} (null when creating), as a new tree. */
  static ObjectNode merge(GroupKind kind, @Nullable ObjectNode live, ObjectNode config) {
    return new ApplyMerge(kind).mergeObjects(live, config);
  }

  private ObjectNode mergeObjects(@Nullable JsonNode live, JsonNode config) {
    ObjectNode out = Json.object();
    if (live != null) {
      for (Map.Entry<String, JsonNode> field : live.properties()) {
        JsonNode change = config.get(field.getKey());
        if (change == null) {
          out.set(field.getKey(), PatchValues.share(field.getValue()));
        } else {
          put(out, field.getKey(), field.getValue(), change);
        }
      }
    }
    for (Map.Entry<String, JsonNode> field : config.properties()) {
      if (live == null || !live.has(field.getKey())) {
        put(out, field.getKey(), null, field.getValue());
      }
    }
    return out;
  }

  private void put(ObjectNode out, String key, @Nullable JsonNode live, JsonNode change) {
    push(key);
    JsonNode merged = mergeValue(live, change);
    pop();
    if (merged != null) {
      out.set(key, merged);
    }
  }

  private @Nullable JsonNode mergeValue(@Nullable JsonNode live, JsonNode change) {
    if (change.isNull()) {
      return null;
    }
    if (change.isObject()) {
      if (live == null || !live.isObject() || atomicObject() || (live.isEmpty() && change.isEmpty())) {
        return PatchValues.shareWithoutNulls(change);
      }
      return mergeObjects(live, change);
    }
    if (change.isArray()) {
      ListType type = listType();
      if (live == null || !live.isArray() || type.kind() == ListType.Kind.ATOMIC || (live.isEmpty() && change.isEmpty())) {
        return PatchValues.shareWithoutNulls(change);
      }
      return mergeLists(live, change, type);
    }
    return change;
  }

  private record Item(PathElement element, JsonNode value, boolean repeated) {}

  /**
   * structured-merge-diff's list merge order: walk both lists; an element in both is emitted when both
   * cursors reach it in the configuration's order, a live-only element where the live cursor finds it, a
   * configuration element where the configuration cursor finds it. A live element repeated under one key
   * (stored objects may hold duplicates) is kept as it is after the first.
   */
  private ArrayNode mergeLists(JsonNode live, JsonNode config, ListType type) {
    List<Item> left = items(live, type);
    List<Item> right = items(config, type);
    Map<PathElement, JsonNode> leftFirst = new HashMap<>();
    left.stream().filter(i -> !i.repeated()).forEach(i -> leftFirst.put(i.element(), i.value()));
    Map<PathElement, JsonNode> rightFirst = new HashMap<>();
    right.stream().filter(i -> !i.repeated()).forEach(i -> rightFirst.put(i.element(), i.value()));
    List<PathElement> shared = new ArrayList<>();
    right.stream().filter(i -> !i.repeated() && leftFirst.containsKey(i.element())).forEach(i -> shared.add(i.element()));

    ArrayNode out = Json.array();
    Set<PathElement> emitted = new HashSet<>();
    int nextShared = 0;
    int l = 0;
    int r = 0;
    while (l < left.size() || r < right.size()) {
      if (r < right.size() && right.get(r).repeated()) {
        r++; // a duplicate in the configuration was rejected when its field set was built; skip defensively
        continue;
      }
      if (l < left.size() && r < right.size()) {
        Item li = left.get(l);
        if (!li.repeated() && li.element().equals(right.get(r).element())) {
          out.add(mergeItem(li.value(), right.get(r).value(), type));
          emitted.add(li.element());
          l++;
          r++;
          nextShared++;
          continue;
        }
        if (!li.repeated() && rightFirst.containsKey(li.element())
            && (nextShared < shared.size() && !shared.get(nextShared).equals(li.element()) || emitted.contains(li.element()))) {
          l++; // shared, but not the one the configuration wants next: it is emitted when the configuration reaches it
          continue;
        }
      }
      if (l < left.size()) {
        Item li = left.get(l);
        if (li.repeated() || !rightFirst.containsKey(li.element())) {
          out.add(PatchValues.share(li.value()));
          l++;
          continue;
        }
        if (emitted.contains(li.element())) {
          l++;
          continue;
        }
      }
      if (r < right.size()) {
        PathElement element = right.get(r).element();
        JsonNode before = leftFirst.get(element);
        out.add(before == null ? PatchValues.shareWithoutNulls(right.get(r).value()) : mergeItem(before, right.get(r).value(), type));
        emitted.add(element);
        if (nextShared < shared.size() && shared.get(nextShared).equals(element)) {
          nextShared++;
        }
        r++;
      } else if (l < left.size()) {
        l++; // unreachable by the argument above; guarantees progress all the same
      }
    }
    return out;
  }

  private JsonNode mergeItem(JsonNode live, JsonNode change, ListType type) {
    if (type.isMap() && live.isObject() && change.isObject() && !atomicElements()) {
      return mergeObjects(live, change);
    }
    return PatchValues.shareWithoutNulls(change);
  }

  private List<Item> items(JsonNode list, ListType type) {
    List<Item> items = new ArrayList<>(list.size());
    Set<PathElement> seen = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      PathElement element = itemElement(type, list.get(i), i, false);
      items.add(new Item(element, list.get(i), !seen.add(element)));
    }
    return items;
  }
}
