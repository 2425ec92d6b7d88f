package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.core.schema.ListType;
import java.util.Map;

/**
 * The fields an applied configuration sets, which become its manager's set (structured-merge-diff's {@code
 * TypedValue.ToFieldSet}): every scalar, every atomic list or object as one field, every empty object, and
 * every element of a keyed list or set (the element itself and, for keyed elements, its fields). Objects
 * that merge field by field are not members themselves: owning {@code spec.replicas} does not own {@code
 * spec}.
 */
final class OwnedFields extends SchemaWalk {
  private final boolean strict;

  private OwnedFields(MergeSchema schema, Scope scope, boolean strict) {
    super(schema, scope);
    this.strict = strict;
  }

  /**
   * The fields {@code object} sets.
   *
   * @param strict whether list items without their keys, and duplicate keys, are rejected (400), as they are
   *     in an applied configuration
   */
  static FieldSet of(MergeSchema schema, Scope scope, ObjectNode object, boolean strict) {
    FieldSet root = new FieldSet();
    new OwnedFields(schema, scope, strict).walkObject(object, root);
    return root;
  }

  private void walkObject(JsonNode object, FieldSet node) {
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (skip(field.getKey())) {
        continue;
      }
      push(field.getKey());
      walkValue(field.getValue(), node, PathElement.field(field.getKey()));
      pop();
    }
  }

  private void walkValue(JsonNode value, FieldSet parent, PathElement element) {
    if (value.isObject()) {
      if (value.isEmpty() || atomicObject()) {
        parent.add(element);
      } else {
        walkObject(value, parent.child(element));
      }
    } else if (value.isArray()) {
      ListType type = listType();
      if (type.kind() == ListType.Kind.ATOMIC) {
        parent.add(element);
      } else if (!value.isEmpty()) {
        // An empty granular list sets no element and so owns nothing, as in structured-merge-diff.
        walkList(value, parent.child(element), type);
      }
    } else {
      parent.add(element);
    }
  }

  private void walkList(JsonNode list, FieldSet node, ListType type) {
    boolean atomicElements = atomicElements();
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      PathElement element = itemElement(type, item, i, strict);
      // Every item's element becomes a member of this node, so a member already there is a duplicate.
      if (strict && node.contains(element)) {
        throw PatchException.badRequest(where() + ": duplicate entries for key " + element);
      }
      node.add(element);
      if (type.isMap() && item.isObject() && !atomicElements) {
        walkObject(item, node.child(element));
      }
    }
  }
}
