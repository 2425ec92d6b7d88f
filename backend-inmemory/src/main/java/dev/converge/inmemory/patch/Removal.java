package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.core.schema.ListType;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Removes a set of fields from an object (structured-merge-diff's {@code TypedValue.RemoveItems}): a removed
 * object field or list element goes with everything under it. An object or list that loses all its members
 * this way disappears as well (structured-merge-diff leaves a {@code null}, which decoding drops), but its
 * parent stays even if empty.
 */
final class Removal extends SchemaWalk {

  private Removal(MergeSchema schema) {
    super(schema, Scope.MAIN);
  }

  /** {@code object} without the fields in {@code remove}, as a new tree that keeps the untouched frozen subtrees. */
  static ObjectNode remove(MergeSchema schema, ObjectNode object, FieldSet remove) {
    ObjectNode out = new Removal(schema).removeFromObject(object, remove);
    return out == null ? Json.object() : out;
  }

  /** Returns null when every member was removed. */
  private @Nullable ObjectNode removeFromObject(JsonNode object, FieldSet remove) {
    ObjectNode out = Json.object();
    int kept = 0;
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      PathElement element = PathElement.field(field.getKey());
      if (remove.contains(element)) {
        continue;
      }
      kept++;
      FieldSet below = remove.childOrNull(element);
      JsonNode value = field.getValue();
      if (below == null || below.isEmpty()) {
        out.set(field.getKey(), PatchValues.share(value));
        continue;
      }
      push(field.getKey());
      JsonNode rest = removeBelow(value, below);
      pop();
      if (rest != null) {
        out.set(field.getKey(), rest);
      }
    }
    return kept == 0 && !object.isEmpty() ? null : out;
  }

  private @Nullable JsonNode removeBelow(JsonNode value, FieldSet remove) {
    if (value.isObject()) {
      return atomicObject() ? PatchValues.share(value) : removeFromObject(value, remove);
    }
    if (value.isArray()) {
      ListType type = listType();
      if (type.kind() == ListType.Kind.ATOMIC) {
        return PatchValues.share(value);
      }
      ArrayNode out = Json.array();
      boolean atomicElements = atomicElements();
      for (int i = 0; i < value.size(); i++) {
        JsonNode item = value.get(i);
        PathElement element = itemElement(type, item, i, false);
        if (remove.contains(element)) {
          continue;
        }
        FieldSet below = remove.childOrNull(element);
        if (below != null && !below.isEmpty() && item.isObject() && type.isMap() && !atomicElements) {
          JsonNode rest = removeFromObject(item, below);
          out.add(rest == null ? Json.object() : rest);
        } else {
          out.add(PatchValues.share(item));
        }
      }
      return out.isEmpty() && !value.isEmpty() ? null : out;
    }
    return PatchValues.share(value);
  }
}
