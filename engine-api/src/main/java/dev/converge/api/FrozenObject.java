package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * An object node whose children cannot change, held compactly ({@link FrozenFields}). The lookups and walks
 * that trees are read with most are answered from the shape and value array directly, one hop shorter than
 * through the member map that the rest of {@link ObjectNode} uses.
 */
final class FrozenObject extends ObjectNode implements Frozen {
  private static final long serialVersionUID = 1L;

  final transient Shape shape;
  final transient JsonNode[] values;
  /**
   * {@link ObjectNode#hashCode()}'s value (the member map's hash), computed when first asked for (0 until
   * then): a write that freezes an edited copy of a large object would otherwise read every member it did not
   * change, each a cache miss when the object is cold. A race computes the same value twice.
   */
  private transient int hash;

  FrozenObject(FrozenFields children) {
    super(Json.nodes(), children);
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

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = hashOf(shape.names, values);
      hash = h;
    }
    return h;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (other == this) {
      return true;
    }
    if (other instanceof FrozenObject && other.hashCode() != hashCode()) {
      return false;
    }
    return super.equals(other);
  }

  @Override
  public boolean hasMembers(String @Nullable [] names, JsonNode @Nullable [] members) {
    if (names == null || members == null || members.length != values.length) {
      return false;
    }
    String[] own = shape.names;
    for (int i = 0; i < values.length; i++) {
      if (own[i] != names[i] && !own[i].equals(names[i]) || !Interned.same(values[i], members[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@link ObjectNode#hashCode()} of an object with these members: its member map's hash. */
  static int hashOf(String[] names, JsonNode[] values) {
    int h = 0;
    for (int i = 0; i < values.length; i++) {
      h += names[i].hashCode() ^ values[i].hashCode();
    }
    return h;
  }
}
