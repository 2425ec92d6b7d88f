package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The update fallback's stand-in for server-side apply: the desired object's fields laid over the live
 * object, which is then written back with a {@code PUT} at the live {@code resourceVersion}.
 *
 * <p>Without {@code managedFields} the fallback cannot know which fields this manager set before, so it
 * keeps what it cannot judge: objects merge field by field (fields only the live object has — server
 * defaults, other writers' labels — stay); scalars and atomic lists take the desired value; lists with merge
 * keys ({@link ListKeys}: containers by name, ports by port and protocol, …) take the desired elements in the
 * desired order, each merged with the live element of the same key, so server-defaulted fields inside an
 * element survive and an element the desired object drops is removed. Lists under {@code metadata}
 * (finalizers, owner references) are shared by every controller, so there the live elements stay and the
 * desired ones are added.
 */
final class DesiredMerge {
  private DesiredMerge() {}

  /** A new tree: {@code desired} merged onto {@code live} (neither is changed). */
  static ObjectNode merge(GroupKind kind, JsonNode live, JsonNode desired) {
    return (ObjectNode) mergeNode(kind, new ArrayList<>(), live, desired);
  }

  private static JsonNode mergeNode(GroupKind kind, List<String> path, JsonNode live, JsonNode desired) {
    if (desired.isObject() && live.isObject()) {
      ObjectNode result = live.deepCopy();
      for (Map.Entry<String, JsonNode> field : desired.properties()) {
        path.add(field.getKey());
        JsonNode liveValue = live.path(field.getKey());
        result.set(field.getKey(), liveValue.isMissingNode()
            ? field.getValue().deepCopy()
            : mergeNode(kind, path, liveValue, field.getValue()));
        path.remove(path.size() - 1);
      }
      return result;
    }
    if (desired.isArray() && live.isArray()) {
      ListType type = ListKeys.of(kind, path);
      boolean shared = !path.isEmpty() && path.get(0).equals("metadata");
      if (type.isMap()) {
        return mergeKeyed(kind, path, (ArrayNode) live, (ArrayNode) desired, type, shared);
      }
      if (shared || type.kind() == ListType.Kind.SET) {
        return union((ArrayNode) live, (ArrayNode) desired);
      }
    }
    return desired.deepCopy();
  }

  private static ArrayNode mergeKeyed(
      GroupKind kind, List<String> path, ArrayNode live, ArrayNode desired, ListType type, boolean keepLive) {
    ArrayNode result = Json.array();
    List<JsonNode> unmatched = new ArrayList<>();
    live.forEach(unmatched::add);
    for (JsonNode element : desired) {
      JsonNode match = null;
      for (JsonNode candidate : unmatched) {
        if (sameKey(element, candidate, type)) {
          match = candidate;
          break;
        }
      }
      if (match == null) {
        result.add(element.deepCopy());
      } else {
        unmatched.remove(match);
        result.add(mergeNode(kind, path, match, element));
      }
    }
    if (keepLive) {
      unmatched.forEach(element -> result.add(element.deepCopy()));
    }
    return result;
  }

  private static boolean sameKey(JsonNode a, JsonNode b, ListType type) {
    for (String key : type.keys()) {
      String fallback = type.keyDefaults().get(key);
      if (!Objects.equals(keyValue(a, key, fallback), keyValue(b, key, fallback))) {
        return false;
      }
    }
    return true;
  }

  private static String keyValue(JsonNode element, String key, String fallback) {
    JsonNode value = element.path(key);
    return value.isMissingNode() || value.isNull() ? fallback : value.asText();
  }

  private static ArrayNode union(ArrayNode live, ArrayNode desired) {
    ArrayNode result = live.deepCopy();
    for (JsonNode element : desired) {
      boolean present = false;
      for (JsonNode existing : live) {
        if (existing.equals(element)) {
          present = true;
          break;
        }
      }
      if (!present) {
        result.add(element.deepCopy());
      }
    }
    return result;
  }
}
