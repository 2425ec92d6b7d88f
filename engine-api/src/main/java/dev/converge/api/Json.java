package dev.converge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
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
    if (node instanceof FrozenObject || node instanceof FrozenArray) {
      return node;
    }
    if (node.isObject()) {
      String[] names = new String[node.size()];
      JsonNode[] values = new JsonNode[names.length];
      int i = 0;
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        names[i] = field.getKey();
        values[i++] = freeze(field.getValue());
      }
      return new FrozenObject(FrozenFields.of(names, values));
    }
    if (node.isArray()) {
      JsonNode[] elements = new JsonNode[node.size()];
      for (int i = 0; i < elements.length; i++) {
        elements[i] = freeze(node.get(i));
      }
      return new FrozenArray(elements.length == 0 ? FrozenElements.EMPTY : new FrozenElements(elements));
    }
    // Value nodes (text, numbers, booleans, null) are immutable already; missing nodes are singletons.
    return node;
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

  /** The shape of a frozen object (for tests). */
  static Shape shapeOf(ObjectNode frozen) {
    return ((FrozenObject) frozen).shape;
  }

  /**
   * An object node whose children cannot change, held compactly ({@link FrozenFields}). The lookups and walks
   * that trees are read with most are answered from the shape and value array directly, one hop shorter than
   * through the member map that the rest of {@link ObjectNode} uses.
   */
  private static final class FrozenObject extends ObjectNode {
    private static final long serialVersionUID = 1L;

    private final transient Shape shape;
    private final transient JsonNode[] values;

    FrozenObject(FrozenFields children) {
      super(NODES, children);
      this.shape = children.shape();
      this.values = children.valueArray();
    }

    @Override
    public @Nullable JsonNode get(String name) {
      return FrozenFields.find(shape, values, name);
    }

    @Override
    public JsonNode path(String name) {
      JsonNode value = FrozenFields.find(shape, values, name);
      return value == null ? MissingNode.getInstance() : value;
    }

    @Override
    public void forEachEntry(BiConsumer<? super String, ? super JsonNode> action) {
      FrozenFields.forEach(shape, values, action);
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public boolean isEmpty() {
      return values.length == 0;
    }
  }

  /** An array node whose elements cannot change, held in one array ({@link FrozenElements}), read from it directly. */
  private static final class FrozenArray extends ArrayNode {
    private static final long serialVersionUID = 1L;

    private final transient JsonNode[] elements;

    FrozenArray(FrozenElements children) {
      super(NODES, children);
      this.elements = children.elements();
    }

    @Override
    public @Nullable JsonNode get(int index) {
      return index >= 0 && index < elements.length ? elements[index] : null;
    }

    @Override
    public JsonNode path(int index) {
      return index >= 0 && index < elements.length ? elements[index] : MissingNode.getInstance();
    }

    @Override
    public int size() {
      return elements.length;
    }

    @Override
    public boolean isEmpty() {
      return elements.length == 0;
    }
  }
}
