package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The FieldsV1 encoding of a {@link FieldSet} ({@code metadata.managedFields[].fieldsV1}): each path element a
 * key ({@code f:}, {@code k:}, {@code v:}, {@code i:}) in sorted order, a member that has no children mapped
 * to {@code {}}, and a member that also has children marked with a leading {@code ".": {}} inside its object.
 */
final class FieldsV1 {
  /** The {@code {}} of FieldsV1 leaves, frozen and shared. */
  private static final JsonNode EMPTY = Json.freeze(Json.object());

  private FieldsV1() {}

  /**
   * The FieldsV1 JSON of {@code set}, built frozen (so that stored objects hold it as it is); the levels of a
   * set are sorted already, so nothing is sorted here.
   */
  static ObjectNode encode(FieldSet set) {
    return write(set, false);
  }

  private static ObjectNode write(FieldSet set, boolean dot) {
    int size = set.size();
    LinkedHashMap<String, JsonNode> fields = new LinkedHashMap<>((int) ((size + 1) / 0.75f) + 1);
    if (dot) {
      fields.put(".", EMPTY);
    }
    for (int i = 0; i < size; i++) {
      FieldSet child = set.childAt(i);
      boolean below = child != null && !child.isEmpty();
      boolean member = set.memberAt(i);
      if (!member && !below) {
        continue;
      }
      fields.put(set.elementAt(i).fieldsV1(), below ? write(child, member) : EMPTY);
    }
    return Json.frozenObject(fields);
  }

  /**
   * Parses FieldsV1 JSON.
   *
   * @throws IllegalArgumentException if it is not valid FieldsV1
   */
  static FieldSet decode(JsonNode json) {
    if (!json.isObject()) {
      throw new IllegalArgumentException("FieldsV1 must be a JSON object");
    }
    FieldSet out = FieldSet.withCapacity(json.size());
    read(json, out);
    return out;
  }

  private static void read(JsonNode json, FieldSet into) {
    for (Map.Entry<String, JsonNode> entry : json.properties()) {
      if (entry.getKey().equals(".")) {
        continue; // handled by the parent, which owns the element this object describes
      }
      PathElement element = PathElement.parse(entry.getKey());
      JsonNode value = entry.getValue();
      if (!value.isObject()) {
        throw new IllegalArgumentException("FieldsV1 values must be objects: " + entry.getKey());
      }
      boolean dot = value.has(".");
      if (value.isEmpty() || dot) {
        into.add(element);
      }
      if (value.size() > (dot ? 1 : 0)) {
        read(value, into.child(element));
      }
    }
  }
}
