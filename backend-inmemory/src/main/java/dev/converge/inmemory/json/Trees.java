package dev.converge.inmemory.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Copy-on-write editing of frozen JSON trees. A write starts from the caller's frozen object, takes a
 * <em>shallow</em> mutable copy of the root, and copies only the containers on the paths it changes
 * ({@link #object(ObjectNode, String)}); {@link Json#freeze} then re-freezes just those, reusing every
 * untouched frozen subtree. That is how one write costs one partial copy instead of two deep ones.
 */
public final class Trees {
  private Trees() {}

  /**
   * A mutable object holding the same (possibly frozen) children as {@code node}: {@link Json#mutableCopy},
   * which holds a small object's members in arrays and lets freezing reuse a frozen object's shape.
   */
  public static ObjectNode shallowCopy(JsonNode node) {
    // Only objects have members: a copy of anything else is an empty object.
    return node instanceof ObjectNode object ? Json.mutableCopy(object) : Json.mutableObject(0);
  }

  /**
   * {@code a.equals(b)} ({@link JsonNode#equals}: objects with equal members in any order, arrays with equal
   * elements in order, values by type and value), answered the same way but without allocating: a subtree
   * shared by both sides is equal by identity without a walk, and objects are walked with {@link
   * ObjectNode#forEachEntry} (a frozen object's {@code equals} goes through its map's entry set, one entry
   * object per member). The write path compares a new tree with the stored one several times per request.
   */
  public static boolean equal(@Nullable JsonNode a, @Nullable JsonNode b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof ObjectNode x) {
      if (!(b instanceof ObjectNode y) || x.size() != y.size()) {
        return false;
      }
      MembersEqual members = new MembersEqual(y);
      x.forEachEntry(members);
      return members.equal;
    }
    if (a instanceof ArrayNode x) {
      if (!(b instanceof ArrayNode y) || x.size() != y.size()) {
        return false;
      }
      for (int i = 0; i < x.size(); i++) {
        if (!equal(x.get(i), y.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Whether every member visited equals the member of {@code other} with the same name. */
  private static final class MembersEqual implements BiConsumer<String, JsonNode> {
    private final ObjectNode other;
    boolean equal = true;

    MembersEqual(ObjectNode other) {
      this.other = other;
    }

    @Override
    public void accept(String name, JsonNode value) {
      if (equal && !equal(value, other.get(name))) {
        equal = false;
      }
    }
  }

  /**
   * The number of members of {@code node} other than the {@code excluded} names: a count without iterating
   * (iterating a frozen object's names allocates an entry per member).
   */
  public static int sizeWithout(JsonNode node, String... excluded) {
    int size = node.size();
    for (String name : excluded) {
      if (node.get(name) != null) {
        size--;
      }
    }
    return size;
  }

  /** A mutable array holding the same (possibly frozen) elements as {@code node}. */
  public static ArrayNode shallowCopyArray(JsonNode node) {
    List<JsonNode> elements = new ArrayList<>(node.size() + 2);
    for (JsonNode element : node) {
      elements.add(element);
    }
    return new ArrayNode(Json.nodes(), elements);
  }

  /**
   * The child object {@code field} of a mutable {@code parent}, made mutable (a shallow copy replaces a
   * frozen child) and created empty when absent or not an object.
   */
  public static ObjectNode object(ObjectNode parent, String field) {
    JsonNode child = parent.get(field);
    if (child instanceof ObjectNode object && !Json.isFrozen(object)) {
      return object;
    }
    ObjectNode copy = child != null && child.isObject() ? shallowCopy(child) : Json.object();
    parent.set(field, copy);
    return copy;
  }

  /** The child object {@code field} made mutable, or null when absent or not an object (nothing is created). */
  public static @Nullable ObjectNode existingObject(ObjectNode parent, String field) {
    JsonNode child = parent.get(field);
    return child != null && child.isObject() ? object(parent, field) : null;
  }

  /** The child array {@code field} made mutable, or null when absent or not an array. */
  public static @Nullable ArrayNode existingArray(ObjectNode parent, String field) {
    JsonNode child = parent.get(field);
    if (child == null || !child.isArray()) {
      return null;
    }
    if (!Json.isFrozen(child)) {
      return (ArrayNode) child;
    }
    ArrayNode copy = shallowCopyArray(child);
    parent.set(field, copy);
    return copy;
  }

  /**
   * Calls {@code action} with each object element of the array {@code field}, each made mutable (as
   * {@link #existingArray} and {@link #element} make them); nothing when the field is absent or not an array, and
   * elements that are not objects are skipped.
   */
  public static void forEachObject(ObjectNode parent, String field, Consumer<ObjectNode> action) {
    ArrayNode array = existingArray(parent, field);
    for (int i = 0; array != null && i < array.size(); i++) {
      ObjectNode element = element(array, i);
      if (element != null) {
        action.accept(element);
      }
    }
  }

  /** Element {@code index} of a mutable array made mutable, or null when it is not an object. */
  public static @Nullable ObjectNode element(ArrayNode array, int index) {
    JsonNode child = array.get(index);
    if (child == null || !child.isObject()) {
      return null;
    }
    if (!Json.isFrozen(child)) {
      return (ObjectNode) child;
    }
    ObjectNode copy = shallowCopy(child);
    array.set(index, copy);
    return copy;
  }

  /** Sets {@code field} to {@code value} unless it is present (and not null): a default. */
  public static void putIfAbsent(ObjectNode node, String field, String value) {
    JsonNode current = node.get(field);
    if (current == null || current.isNull()) {
      node.put(field, value);
    }
  }

  /**
   * Sets {@code field} to {@code value} unless it is present (and not null): a default. Defaults are int
   * nodes, as JSON parsing yields for small numbers, so that a client sending the default value back does
   * not look like a change ({@code IntNode(1)} does not equal {@code LongNode(1)}).
   */
  public static void putIfAbsent(ObjectNode node, String field, int value) {
    JsonNode current = node.get(field);
    if (current == null || current.isNull()) {
      node.put(field, value);
    }
  }

  /** Sets {@code field} to {@code value} unless it is present (and not null): a default. */
  public static void putIfAbsent(ObjectNode node, String field, boolean value) {
    JsonNode current = node.get(field);
    if (current == null || current.isNull()) {
      node.put(field, value);
    }
  }

  /** Whether {@code field} is absent or null. */
  public static boolean absent(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull();
  }

  /**
   * {@code object} with {@code metadata.resourceVersion} set to {@code revision}: only the root and metadata
   * are copied (a deleted object's last state carries the deletion's revision in watch events).
   */
  public static Resource withResourceVersion(Resource object, long revision) {
    ObjectNode root = shallowCopy(object.json());
    object(root, "metadata").set("resourceVersion", Json.uniqueText(Long.toString(revision)));
    return Resource.of(root);
  }

  /**
   * Puts back {@code original}'s (frozen) top-level values wherever the mutable {@code work} holds an equal
   * copy: after defaulting an object the client sent already defaulted, nothing was added, and freezing the
   * copied spine again would be wasted work. Comparing is a walk without allocation; copying is not.
   */
  public static void restoreUnchanged(ObjectNode work, JsonNode original) {
    restoreUnchanged(work, null, original);
  }

  /**
   * Whether every top-level field of {@code work} but {@code metadata}, {@code apiVersion} and {@code kind}
   * is the very node {@code stored} holds, and {@code stored} has no other such field: the content is the
   * stored object's own (compared by reference, which {@link #restoreUnchanged(ObjectNode, JsonNode, JsonNode)}
   * arranges for equal values).
   */
  public static boolean sameContent(JsonNode work, JsonNode stored) {
    int fields = 0;
    for (Map.Entry<String, JsonNode> field : work.properties()) {
      String name = field.getKey();
      if (name.equals("metadata") || name.equals("apiVersion") || name.equals("kind")) {
        continue;
      }
      if (stored.get(name) != field.getValue()) {
        return false;
      }
      fields++;
    }
    return fields == sizeWithout(stored, "metadata", "apiVersion", "kind");
  }

  /**
   * {@link #restoreUnchanged(ObjectNode, JsonNode)} for an update: a top-level value equal to the stored
   * object's is replaced by the stored (frozen) one first, then one equal to what the client sent by that.
   * Sharing the stored subtrees makes every later step of the write (generation, no-op check, validation,
   * managed fields) see an unchanged {@code spec} by reference, without walking it again, and keeps one copy
   * of it in memory across versions. Values are equal as JSON ({@link JsonNode#equals}), so a shared object
   * may list its fields in the stored order rather than in the order the client sent them.
   */
  public static void restoreUnchanged(ObjectNode work, @Nullable JsonNode stored, JsonNode original) {
    for (Map.Entry<String, JsonNode> field : work.properties()) {
      if (field.getKey().equals("metadata")) {
        continue;
      }
      JsonNode value = field.getValue();
      if (stored != null) {
        JsonNode before = stored.get(field.getKey());
        if (before == value) {
          continue;
        }
        if (before != null && Json.isFrozen(before) && equal(before, value)) {
          field.setValue(before);
          continue;
        }
      }
      if (Json.isFrozen(value)) {
        continue;
      }
      JsonNode sent = original.get(field.getKey());
      if (sent != null && Json.isFrozen(sent) && equal(sent, value)) {
        field.setValue(sent);
      }
    }
  }
}
