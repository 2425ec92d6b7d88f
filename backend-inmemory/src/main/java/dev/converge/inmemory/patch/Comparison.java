package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields that differ between two versions of an object (structured-merge-diff's {@code
 * TypedValue.Compare}): those the new version adds, those it removes and the leaves whose value it
 * modifies. An added or removed object or list element is itself in the set as well as everything under it
 * (that is where an update entry's {@code ".": {}} comes from); an atomic value is compared as one leaf.
 */
final class Comparison extends SchemaWalk {
  private static final ObjectNode EMPTY = Json.freezeObject(Json.object());

  final FieldSet added = new FieldSet();
  final FieldSet modified = new FieldSet();
  final FieldSet removed = new FieldSet();
  private final List<PathElement> path = new ArrayList<>();

  private Comparison(MergeSchema schema, Scope scope) {
    super(schema, scope);
  }

  /** Compares {@code before} (null: the object is being created) with {@code after}. */
  static Comparison of(MergeSchema schema, Scope scope, @Nullable ObjectNode before, ObjectNode after) {
    Comparison comparison = new Comparison(schema, scope);
    comparison.compareObjects(before == null ? EMPTY : before, after);
    return comparison;
  }

  boolean isSame() {
    return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
  }

  /** Added or modified: the fields whose owners lose them (or conflict) when someone else writes them. */
  FieldSet changed() {
    return added.union(modified);
  }

  private void compareObjects(@Nullable JsonNode before, @Nullable JsonNode after) {
    if (before != null) {
      for (Map.Entry<String, JsonNode> field : before.properties()) {
        String key = field.getKey();
        if (!skip(key)) {
          enter(key);
          JsonNode other = after == null ? null : after.get(key);
          compare(field.getValue(), other == null && after != null ? implicitEmpty() : other);
          leave();
        }
      }
    }
    if (after != null) {
      for (Map.Entry<String, JsonNode> field : after.properties()) {
        String key = field.getKey();
        if (!skip(key) && (before == null || !before.has(key))) {
          enter(key);
          compare(before == null ? null : implicitEmpty(), field.getValue());
          leave();
        }
      }
    }
  }

  private void compare(@Nullable JsonNode before, @Nullable JsonNode after) {
    if (before == after) {
      // Both absent, or the very same (frozen, so unchanging) subtree: writes share the stored object's
      // untouched subtrees, so most of an update's tree is skipped here without being walked.
      return;
    }
    JsonNode shape = after != null ? after : before;
    if (before != null && after != null && before.getNodeType() != after.getNodeType()) {
      leaf(before, after);
    } else if (shape.isObject()) {
      if (atomicObject() || (isEmpty(before) && isEmpty(after))) {
        leaf(before, after);
      } else {
        compareObjects(before, after);
        node(before, after);
      }
    } else if (shape.isArray()) {
      ListType type = listType();
      if (type.kind() == ListType.Kind.ATOMIC || (isEmpty(before) && isEmpty(after))) {
        leaf(before, after);
      } else {
        compareLists(before, after, type);
        node(before, after);
      }
    } else {
      leaf(before, after);
    }
  }

  private void compareLists(@Nullable JsonNode before, @Nullable JsonNode after, ListType type) {
    Map<PathElement, JsonNode> old = index(before, type);
    Map<PathElement, JsonNode> current = index(after, type);
    boolean atomicElements = atomicElements();
    current.forEach((element, item) -> compareItem(element, old.get(element), item, type, atomicElements));
    old.forEach((element, item) -> {
      if (!current.containsKey(element)) {
        compareItem(element, item, null, type, atomicElements);
      }
    });
  }

  private void compareItem(PathElement element, @Nullable JsonNode before, @Nullable JsonNode after, ListType type,
      boolean atomicElements) {
    if (before == after) {
      return;
    }
    path.add(element);
    if (type.isMap() && !atomicElements && (before == null || before.isObject()) && (after == null || after.isObject())) {
      compareObjects(before, after);
      node(before, after);
    } else {
      leaf(before, after);
    }
    path.remove(path.size() - 1);
  }

  /** The items of a list by path element; a repeated element counts once, as structured-merge-diff does. */
  private Map<PathElement, JsonNode> index(@Nullable JsonNode list, ListType type) {
    Map<PathElement, JsonNode> items = new LinkedHashMap<>();
    if (list != null) {
      for (int i = 0; i < list.size(); i++) {
        items.putIfAbsent(itemElement(type, list.get(i), i, false), list.get(i));
      }
    }
    return items;
  }

  /** After comparing a node's children: the node itself is added or removed if it is on one side only. */
  private void node(@Nullable JsonNode before, @Nullable JsonNode after) {
    if (before == null) {
      added.insert(path);
    } else if (after == null) {
      removed.insert(path);
    }
  }

  private void leaf(@Nullable JsonNode before, @Nullable JsonNode after) {
    if (before == null) {
      added.insert(path);
    } else if (after == null) {
      removed.insert(path);
    } else if (!PatchValues.equal(before, after)) {
      modified.insert(path);
    }
  }

  private void enter(String key) {
    push(key);
    path.add(PathElement.field(key));
  }

  private void leave() {
    pop();
    path.remove(path.size() - 1);
  }

  private static boolean isEmpty(@Nullable JsonNode node) {
    return node == null || node.isEmpty();
  }
}
