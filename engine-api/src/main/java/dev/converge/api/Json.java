package dev.converge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * JSON trees as Converge uses them: Jackson's tree model, frozen once it enters a {@link Resource}.
 *
 * <p>A <em>frozen</em> tree is an ordinary {@link ObjectNode}/{@link ArrayNode} whose children live in
 * unmodifiable collections: reading it is free, every mutator throws {@link UnsupportedOperationException},
 * and {@link JsonNode#deepCopy()} returns an ordinary mutable copy. This lets resources hand their trees out
 * without copying them, which the planner depends on to diff 100,000 resources quickly. Frozen objects hold
 * their members in two arrays rather than a {@code LinkedHashMap} ({@link FrozenFields}): a third less time
 * to walk, and less memory for the server's stored objects.
 */
public final class Json {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** {@return a new, empty, mutable object node} */
  public static ObjectNode object() {
    return NODES.objectNode();
  }

  /** {@return a new, empty, mutable array node} */
  public static ArrayNode array() {
    return NODES.arrayNode();
  }

  /** {@return the shared node factory} */
  public static JsonNodeFactory nodes() {
    return NODES;
  }

  /**
   * {@return {@code node} frozen} An already frozen tree is returned as is, anything else is copied.
   *
   * @param node any tree
   */
  public static JsonNode freeze(JsonNode node) {
    return new Freezer().freeze(node);
  }

  /**
   * Copies a tree into frozen nodes bottom-up, sharing small parts ({@link Interned}). It counts the nodes of
   * the subtree it has just frozen, so a parent knows whether it is small enough to share without storing a
   * count in every node.
   */
  private static final class Freezer {
    /** Nodes in the subtree {@link #freeze} returned last, at most {@code Interned.MAX_WEIGHT + 1}. */
    private int weight;

    JsonNode freeze(JsonNode node) {
      if (node instanceof FrozenObject || node instanceof FrozenArray) {
        // Frozen before: taken as it is, and its size is not known, so its parents are not shared.
        weight = Interned.MAX_WEIGHT + 1;
        return node;
      }
      if (node instanceof MutableObject && ((MutableObject) node).fields.compact()) {
        return freezeCompact(((MutableObject) node).fields);
      }
      if (node.isObject()) {
        String[] names = new String[node.size()];
        JsonNode[] values = new JsonNode[names.length];
        int total = 1;
        int i = 0;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          names[i] = field.getKey();
          values[i++] = freeze(field.getValue());
          total += weight;
        }
        return frozenObject(Shape.of(names), values, total);
      }
      if (node.isArray()) {
        JsonNode[] elements = new JsonNode[node.size()];
        int total = 1;
        for (int i = 0; i < elements.length; i++) {
          elements[i] = freeze(node.get(i));
          total += weight;
        }
        FrozenElements children = elements.length == 0 ? FrozenElements.EMPTY : new FrozenElements(elements);
        if (!small(total)) {
          return new FrozenArray(children);
        }
        int key = Interned.arrayKey(elements);
        JsonNode known = Interned.container(null, elements, key);
        if (known != null) {
          return known;
        }
        FrozenArray created = new FrozenArray(children);
        Interned.add(created, key);
        return created;
      }
      if (node instanceof UniqueText) {
        // Never looked up, and its parents neither: they hold a value no other tree has.
        weight = Interned.MAX_WEIGHT + 1;
        return node;
      }
      // Value nodes (text, numbers, booleans, null) are immutable already; missing nodes are singletons.
      weight = 1;
      return Interned.value(node);
    }

    /**
     * A compact mutable copy frozen: its shape is reused (the names were not edited) or looked up once. The
     * members the copy's writer left alone are the frozen object's values still, taken without reading them
     * (on a write to a large cold object, reading each one would be a cache miss); their weight is not known, so
     * the object is shared only when every member was written, as with any frozen-before member.
     */
    private JsonNode freezeCompact(MutableFields fields) {
      Shape shape = fields.shape();
      JsonNode[] values = new JsonNode[shape.names.length];
      int total = 1;
      for (int i = 0; i < values.length; i++) {
        if (fields.unwritten(i)) {
          values[i] = fields.valueAt(i);
          total += Interned.MAX_WEIGHT + 1;
        } else {
          values[i] = freeze(fields.valueAt(i));
          total += weight;
        }
      }
      return frozenObject(shape, values, total);
    }

    /** An object of these frozen members, shared when it is small and an equal one is known. */
    private JsonNode frozenObject(Shape shape, JsonNode[] values, int total) {
      if (!small(total)) {
        return new FrozenObject(FrozenFields.of(shape, values));
      }
      String[] names = shape.names;
      int key = Interned.objectKey(names, values);
      JsonNode known = Interned.container(names, values, key);
      if (known != null) {
        return known;
      }
      FrozenObject created = new FrozenObject(FrozenFields.of(shape, values));
      Interned.add(created, key);
      return created;
    }

    /** Records the weight of the container just frozen; whether it is small enough to share. */
    private boolean small(int total) {
      weight = Math.min(total, Interned.MAX_WEIGHT + 1);
      return total <= Interned.MAX_WEIGHT;
    }
  }

  /**
   * {@return a text node that {@link #freeze} keeps as it is rather than looking it up among shared values}
   * For values known to be unique, such as a resource version, a uid or a time in microseconds: a lookup could
   * only miss, and remembering the value would push shareable ones out of the table. Objects and arrays that
   * hold one are not shared either. It is an ordinary {@link TextNode} otherwise, equal to any text node with
   * the same value.
   *
   * @param value the text
   */
  public static TextNode uniqueText(String value) {
    return new UniqueText(value);
  }

  /** See {@link #uniqueText}. */
  private static final class UniqueText extends TextNode {
    private static final long serialVersionUID = 1L;

    UniqueText(String value) {
      super(value);
    }
  }

  /**
   * {@return a mutable object with the members of {@code node}, in order, sharing their values} The copy a
   * write edits: for a frozen object of up to 16 members it is two arrays rather than a {@code LinkedHashMap}
   * ({@link MutableFields}), and {@link #freeze} reuses the frozen object's shape when no member was added or
   * removed. The values are not copied: a frozen child stays frozen, and replacing it is how a write edits it.
   *
   * @param node the object to copy, frozen or not
   */
  public static ObjectNode mutableCopy(ObjectNode node) {
    if (node instanceof FrozenObject) {
      FrozenObject frozen = (FrozenObject) node;
      if (frozen.values.length <= MutableFields.MAX_COMPACT) {
        return new MutableObject(new MutableFields(frozen.shape, frozen.values.clone(), true));
      }
    }
    ObjectNode copy = mutableObject(node.size());
    node.forEachEntry(copy::set);
    return copy;
  }

  /**
   * {@return a new, empty, mutable object node sized for about {@code members} members} Up to 16, it is held
   * compactly as {@link #mutableCopy} holds its copies (and moves to a map if it grows past 16); above, in a
   * {@code LinkedHashMap} that holds them without a resize.
   *
   * @param members how many members the caller expects to put
   */
  public static ObjectNode mutableObject(int members) {
    if (members <= MutableFields.MAX_COMPACT) {
      return new MutableObject(new MutableFields(Shape.EMPTY, new JsonNode[Math.max(4, members)], false));
    }
    return new ObjectNode(NODES, new LinkedHashMap<>(members + members / 2 + 1));
  }

  /**
   * A frozen object over {@code children} as they are, without the deep copy {@link #freeze} makes: for code
   * that builds large frozen trees bottom-up (the in-memory server's managed fields). Only the members are
   * copied (into the frozen object's compact arrays); the values are taken as they are.
   *
   * @param children the object's members, every value frozen
   * @return the frozen object
   * @throws IllegalArgumentException if a value is not frozen ({@link #isFrozen})
   */
  public static ObjectNode frozenObject(LinkedHashMap<String, JsonNode> children) {
    for (JsonNode value : children.values()) {
      if (!isFrozen(value)) {
        throw new IllegalArgumentException("every value of a frozen object must be frozen");
      }
    }
    return new FrozenObject(FrozenFields.of(children));
  }

  /**
   * A frozen array over {@code elements} as they are (the list is copied, the elements are not); see
   * {@link #frozenObject(LinkedHashMap)}.
   *
   * @param elements the array's elements, every one frozen
   * @return the frozen array
   * @throws IllegalArgumentException if an element is not frozen
   */
  public static ArrayNode frozenArray(ArrayList<JsonNode> elements) {
    for (JsonNode element : elements) {
      if (!isFrozen(element)) {
        throw new IllegalArgumentException("every element of a frozen array must be frozen");
      }
    }
    return new FrozenArray(FrozenElements.of(elements));
  }

  /**
   * {@return {@code node} frozen} See {@link #freeze(JsonNode)}.
   *
   * @param node an object tree
   */
  public static ObjectNode freezeObject(ObjectNode node) {
    return (ObjectNode) freeze(node);
  }

  /**
   * {@return whether {@code node} is a frozen container or an (always immutable) value node}
   *
   * @param node any tree
   */
  public static boolean isFrozen(JsonNode node) {
    return !node.isContainerNode() || node instanceof FrozenObject || node instanceof FrozenArray;
  }

  /**
   * Follows a dotted path of object fields ({@code "spec.template.spec"}). Returns a {@link MissingNode} if
   * any segment is absent or not an object.
   *
   * @param root the tree to start from
   * @param dottedPath field names joined by dots
   * @return the node at the path, or a missing node
   */
  public static JsonNode at(JsonNode root, String dottedPath) {
    JsonNode node = root;
    int start = 0;
    while (start <= dottedPath.length()) {
      int dot = dottedPath.indexOf('.', start);
      String field = dot < 0 ? dottedPath.substring(start) : dottedPath.substring(start, dot);
      node = node.path(field);
      if (node.isMissingNode() || dot < 0) {
        return node;
      }
      start = dot + 1;
    }
    return node;
  }

  /**
   * {@return {@code node} as compact JSON, fields in tree order}
   *
   * @param node any tree
   */
  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@return {@code node} as indented JSON, fields in tree order}
   *
   * @param node any tree
   */
  public static String writePretty(JsonNode node) {
    try {
      return PRETTY.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses JSON text into a mutable tree.
   *
   * @param text JSON
   * @return the tree, mutable
   * @throws IllegalArgumentException with the parser's message when {@code text} is not JSON
   */
  public static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Receives a member of one object with the member of the same name in another. */
  @FunctionalInterface
  public interface PairVisitor {
    /**
     * Visits one member.
     *
     * @param name the member's name
     * @param value its value in the object walked
     * @param other the value of the member of the same name in the other object, or null if it has none
     */
    void visit(String name, JsonNode value, @Nullable JsonNode other);
  }

  /**
   * Visits every member of {@code object}, in order, with the member of the same name in {@code other}: the
   * walk a diff makes. Between frozen objects no name is looked up: which member of {@code other} matches
   * which of {@code object} depends only on their two shapes, and is worked out once per pair of shapes
   * ({@link Shape#indicesIn}).
   *
   * @param object the object to walk
   * @param other the object to pair its members with
   * @param visitor receives each member
   */
  public static void forEachPaired(ObjectNode object, ObjectNode other, PairVisitor visitor) {
    if (object instanceof FrozenObject && other instanceof FrozenObject) {
      FrozenObject walked = (FrozenObject) object;
      FrozenObject paired = (FrozenObject) other;
      String[] names = walked.shape.names;
      JsonNode[] values = walked.values;
      JsonNode[] otherValues = paired.values;
      int[] indices = walked.shape.indicesIn(paired.shape);
      for (int i = 0; i < values.length; i++) {
        int at = indices[i];
        visitor.visit(names[i], values[i], at < 0 ? null : otherValues[at]);
      }
      return;
    }
    object.forEachEntry((name, value) -> visitor.visit(name, value, other.get(name)));
  }

  /** The shape of a frozen object (for tests). */
  static Shape shapeOf(ObjectNode frozen) {
    return ((FrozenObject) frozen).shape;
  }

}
