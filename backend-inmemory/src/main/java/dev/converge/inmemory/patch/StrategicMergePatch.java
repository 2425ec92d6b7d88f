package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Strategic merge patch ({@code application/strategic-merge-patch+json}) for built-in kinds, as {@code
 * k8s.io/apimachinery/pkg/util/strategicpatch} applies it ({@code StrategicMergeMapPatch}: parallel lists
 * merged, unmatched nulls ignored).
 *
 * <ul>
 *   <li>Objects merge field by field; a {@code null} value deletes the field.
 *   <li>Lists with a patch merge key ({@link ListType#patchMergeKey()}: containers and env by {@code name},
 *       container ports by {@code containerPort}, ...) merge element by element; lists of scalars with the
 *       merge strategy ({@code finalizers}) are unioned; every other list is replaced.
 *   <li>Directives: {@code $patch: replace|delete} on an object, {@code $patch: delete|replace} as a list
 *       element, {@code $retainKeys}, {@code $deleteFromPrimitiveList/<field>} and {@code
 *       $setElementOrder/<field>}. {@code $patch: merge} is the default and, as in Kubernetes, is rejected
 *       when spelled out inside a list.
 *   <li>Merged lists keep Kubernetes' order: patch elements in patch order, interleaved with server-only
 *       elements by their live order; {@code $setElementOrder} overrides both.
 * </ul>
 *
 * <p>Custom resources have no Go struct tags to take merge keys from, so Kubernetes refuses the patch type
 * for them with 415 Unsupported Media Type; so does this class.
 */
public final class StrategicMergePatch {
  static final String DIRECTIVE = "$patch";
  static final String RETAIN_KEYS = "$retainKeys";
  static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";
  static final String SET_ELEMENT_ORDER = "$setElementOrder";

  private final GroupKind kind;
  private final List<String> path = new ArrayList<>();

  private StrategicMergePatch(GroupKind kind) {
    this.kind = kind;
  }

  /**
   * Applies a strategic merge patch to an object of a built-in kind. Returns a new tree; {@code target} is
   * not modified.
   *
   * @throws PatchException 415 for a custom resource; 400 for a malformed patch (not an object, a list
   *     element without its merge key, an unknown {@code $patch} value, a field outside {@code
   *     $retainKeys}, a {@code $setElementOrder} list that contradicts the patch); 422 for a list of lists
   */
  public static ObjectNode apply(GroupKind kind, ObjectNode target, JsonNode patch) {
    if (!ListKeys.isBuiltin(kind)) {
      throw PatchException.unsupportedMediaType("strategic merge patch is not supported for " + kind
          + ": it is a custom resource; use application/merge-patch+json, application/json-patch+json or"
          + " application/apply-patch+yaml");
    }
    if (!patch.isObject()) {
      throw PatchException.badRequest("a strategic merge patch must be a JSON object, got " + PatchValues.typeName(patch));
    }
    return new StrategicMergePatch(kind).mergeObject(target.deepCopy(), (ObjectNode) patch);
  }

  /** Merges {@code patch} into {@code original} (owned by this call and changed in place, or null). */
  ObjectNode mergeObject(@Nullable ObjectNode original, ObjectNode patch) {
    JsonNode directive = patch.get(DIRECTIVE);
    if (directive != null) {
      if (directive.isTextual() && directive.textValue().equals("replace")) {
        // The patch is the new value; its own directives are resolved against nothing.
        ObjectNode rest = patch.deepCopy();
        rest.remove(DIRECTIVE);
        return mergeObject(null, rest);
      }
      if (directive.isTextual() && directive.textValue().equals("delete")) {
        return Json.object();
      }
      throw PatchException.badRequest("unknown patch directive \"$patch: " + directive.asText() + "\" at " + where());
    }
    ObjectNode result = original == null ? Json.object() : original;
    applyRetainKeys(result, patch);
    Set<String> ordered = applySetElementOrder(result, patch);
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      String key = entry.getKey();
      if (key.equals(RETAIN_KEYS) || key.startsWith(SET_ELEMENT_ORDER) || ordered.contains(key)) {
        continue;
      }
      boolean deleteList = false;
      if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
        key = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST);
        deleteList = true;
      }
      JsonNode change = entry.getValue();
      if (change.isNull()) {
        result.remove(key); // null deletes; an unmatched null is simply dropped
        continue;
      }
      JsonNode current = result.get(key);
      path.add(key);
      if (current == null || !sameType(current, change)) {
        if (!deleteList) {
          result.set(key, fresh(change));
        }
      } else if (change.isObject()) {
        result.set(key, mergeObject((ObjectNode) current, (ObjectNode) change));
      } else if (change.isArray()) {
        result.set(key, SmpLists.merge(this, (ArrayNode) current, (ArrayNode) change, deleteList));
      } else {
        result.set(key, change);
      }
      path.remove(path.size() - 1);
    }
    return result;
  }

  /** A patch value that meets nothing in the original: directives resolved, nulls dropped. */
  JsonNode fresh(JsonNode change) {
    if (change.isObject()) {
      return mergeObject(null, (ObjectNode) change);
    }
    if (change.isArray()) {
      return SmpLists.merge(this, Json.array(), (ArrayNode) change, false);
    }
    return change;
  }

  /** {@code $retainKeys}: fields of the original that the list leaves out are cleared. */
  private void applyRetainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode retain = patch.get(RETAIN_KEYS);
    if (retain == null) {
      return;
    }
    if (!retain.isArray()) {
      throw PatchException.badRequest("invalid patch: $retainKeys must be a list at " + where());
    }
    Set<String> keep = new HashSet<>();
    for (JsonNode name : retain) {
      keep.add(name.asText());
    }
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      String key = entry.getKey();
      if (entry.getValue().isNull() || key.equals(RETAIN_KEYS) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
          || key.startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      if (!keep.contains(key)) {
        throw PatchException.badRequest("invalid patch: field \"" + key + "\" at " + where() + " is not in $retainKeys");
      }
    }
    original.retain(keep);
  }

  /**
   * {@code $setElementOrder/<field>}: merges the list (if the patch also changes it) and puts its elements in
   * the given order. Returns the fields it handled, which the main loop then skips.
   */
  private Set<String> applySetElementOrder(ObjectNode original, ObjectNode patch) {
    Set<String> handled = Set.of();
    for (Map.Entry<String, JsonNode> entry : patch.properties()) {
      if (!entry.getKey().startsWith(SET_ELEMENT_ORDER)) {
        continue;
      }
      String key = directiveTarget(entry.getKey(), SET_ELEMENT_ORDER);
      if (!entry.getValue().isArray()) {
        throw PatchException.badRequest("invalid patch: " + entry.getKey() + " must be a list at " + where());
      }
      JsonNode current = original.get(key);
      JsonNode change = patch.get(key);
      if ((current != null && !current.isArray()) || (change != null && !change.isArray())) {
        throw PatchException.badRequest("invalid patch: " + entry.getKey() + " orders " + key + ", which is not a list, at " + where());
      }
      path.add(key);
      ArrayNode ordered = SmpLists.order(this, (ArrayNode) current, (ArrayNode) change, (ArrayNode) entry.getValue());
      path.remove(path.size() - 1);
      if (ordered != null) {
        original.set(key, ordered);
      }
      if (handled.isEmpty()) {
        handled = new HashSet<>();
      }
      handled.add(key);
    }
    return handled;
  }

  /** The list semantics at the current path. */
  ListType listType() {
    return ListKeys.of(kind, path);
  }

  /** The current path, for error messages. */
  String where() {
    return path.isEmpty() ? "the top level" : "." + String.join(".", path);
  }

  private String directiveTarget(String key, String prefix) {
    int slash = key.indexOf('/');
    if (slash != prefix.length() || slash == key.length() - 1 || !key.startsWith(prefix)) {
      throw PatchException.badRequest("invalid patch: malformed directive \"" + key + "\" at " + where());
    }
    return key.substring(slash + 1);
  }

  /** Go's type check before merging: both objects, both lists, or the same scalar type. */
  private static boolean sameType(JsonNode a, JsonNode b) {
    return a.getNodeType() == b.getNodeType();
  }
}
