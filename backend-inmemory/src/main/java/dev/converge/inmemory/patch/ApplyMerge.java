package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  private ApplyMerge(MergeSchema schema) {
    super(schema, Scope.MAIN);
  }

  /**
   * {@code config} merged into {@code live} (null when creating), as a new tree; or {@code live} itself when
   * {@code live} is frozen and the merge changes nothing in it (an unchanged re-apply: every later step then
   * sees the stored object by reference).
   */
  static ObjectNode merge(MergeSchema schema, @Nullable ObjectNode live, ObjectNode config) {
    return new ApplyMerge(schema).mergeObjects(live, config);
  }

  /**
   * The merge of two objects. Wherever the result would equal the (frozen) live value, the live value itself
   * is used, so that an unchanged subtree stays the very node it was, up to the root.
   */
  private ObjectNode mergeObjects(@Nullable JsonNode live, JsonNode config) {
    if (live != null && Json.isFrozen(live)) {
      return mergeIntoFrozen(live, config);
    }
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

  /**
   * {@link #mergeObjects} over a frozen live object: the configuration's fields are merged first, and a new
   * object is built only if one of them changed something; else the live object itself is the result.
   */
  private ObjectNode mergeIntoFrozen(JsonNode live, JsonNode config) {
    int count = config.size();
    String[] keys = new String[count];
    JsonNode[] merged = new JsonNode[count];
    boolean same = true;
    int k = 0;
    for (Map.Entry<String, JsonNode> field : config.properties()) {
      String key = field.getKey();
      JsonNode before = live.get(key);
      push(key);
      JsonNode value = mergeValue(before, field.getValue());
      pop();
      keys[k] = key;
      merged[k++] = value;
      same &= value == before;
    }
    if (same) {
      return (ObjectNode) live;
    }
    Map<String, Integer> index = null;
    if (count > 8) {
      index = new HashMap<>(count * 2);
      for (int i = 0; i < count; i++) {
        index.put(keys[i], i);
      }
    }
    ObjectNode out = Json.object();
    for (Map.Entry<String, JsonNode> field : live.properties()) {
      int at = indexOf(keys, count, index, field.getKey());
      if (at < 0) {
        out.set(field.getKey(), field.getValue());
      } else if (merged[at] != null) {
        out.set(field.getKey(), merged[at]);
      }
    }
    for (int i = 0; i < count; i++) {
      if (merged[i] != null && !live.has(keys[i])) {
        out.set(keys[i], merged[i]);
      }
    }
    return out;
  }

  private static int indexOf(String[] keys, int count, @Nullable Map<String, Integer> index, String key) {
    if (index != null) {
      Integer at = index.get(key);
      return at == null ? -1 : at;
    }
    for (int i = 0; i < count; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private @Nullable JsonNode put(ObjectNode out, String key, @Nullable JsonNode live, JsonNode change) {
    push(key);
    JsonNode merged = mergeValue(live, change);
    pop();
    if (merged != null) {
      out.set(key, merged);
    }
    return merged;
  }

  private @Nullable JsonNode mergeValue(@Nullable JsonNode live, JsonNode change) {
    if (change.isNull()) {
      return null;
    }
    if (change.isObject()) {
      if (live == null || !live.isObject() || atomicObject() || (live.isEmpty() && change.isEmpty())) {
        return liveIfEqual(live, PatchValues.shareWithoutNulls(change));
      }
      return mergeObjects(live, change);
    }
    if (change.isArray()) {
      ListType type = listType();
      if (live == null || !live.isArray() || type.kind() == ListType.Kind.ATOMIC || (live.isEmpty() && change.isEmpty())) {
        return liveIfEqual(live, PatchValues.shareWithoutNulls(change));
      }
      return mergeLists(live, change, type);
    }
    return liveIfEqual(live, change);
  }

  /** {@code live} when it is frozen and equal to {@code merged} (the same JSON), else {@code merged}. */
  private static JsonNode liveIfEqual(@Nullable JsonNode live, JsonNode merged) {
    return live != null && live != merged && Json.isFrozen(live) && live.equals(merged) ? live : merged;
  }

  private record Item(PathElement element, JsonNode value, boolean repeated) {}

  /**
   * structured-merge-diff's list merge order: walk both lists; an element in both is emitted when both
   * cursors reach it in the configuration's order, a live-only element where the live cursor finds it, a
   * configuration element where the configuration cursor finds it. A live element repeated under one key
   * (stored objects may hold duplicates) is kept as it is after the first.
   */
  private JsonNode mergeLists(JsonNode live, JsonNode config, ListType type) {
    JsonNode aligned = mergeAligned(live, config, type);
    if (aligned != null) {
      return aligned;
    }
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
    return sameElements(live, out) ? live : out;
  }

  /**
   * The common case of {@link #mergeLists}, without its bookkeeping: both lists name the same distinct
   * elements in the same order (a configuration applied again, changed or not), so the walk pairs them off and
   * merges each pair, which is what the general walk emits for them. Null when the lists are not so aligned.
   */
  private @Nullable JsonNode mergeAligned(JsonNode live, JsonNode config, ListType type) {
    int size = live.size();
    if (size != config.size() || size > 16) {
      return null;
    }
    PathElement[] elements = new PathElement[size];
    for (int i = 0; i < size; i++) {
      PathElement element = itemElement(type, config.get(i), i, false);
      if (!element.equals(itemElement(type, live.get(i), i, false))) {
        return null;
      }
      for (int j = 0; j < i; j++) {
        if (elements[j].equals(element)) {
          return null; // a repeated element: the general walk decides
        }
      }
      elements[i] = element;
    }
    JsonNode[] merged = new JsonNode[size];
    boolean same = Json.isFrozen(live);
    for (int i = 0; i < size; i++) {
      merged[i] = mergeItem(live.get(i), config.get(i), type);
      same &= merged[i] == live.get(i);
    }
    if (same) {
      return live;
    }
    ArrayNode out = Json.array();
    for (JsonNode item : merged) {
      out.add(item);
    }
    return out;
  }

  /** Whether {@code live} is frozen and {@code merged} holds its very elements, in its order. */
  private static boolean sameElements(JsonNode live, ArrayNode merged) {
    if (!Json.isFrozen(live) || live.size() != merged.size()) {
      return false;
    }
    for (int i = 0; i < merged.size(); i++) {
      if (merged.get(i) != live.get(i)) {
        return false;
      }
    }
    return true;
  }

  private JsonNode mergeItem(JsonNode live, JsonNode change, ListType type) {
    if (type.isMap() && live.isObject() && change.isObject() && !atomicElements()) {
      return mergeObjects(live, change);
    }
    return liveIfEqual(live, PatchValues.shareWithoutNulls(change));
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
