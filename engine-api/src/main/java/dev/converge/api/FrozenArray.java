package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.jspecify.annotations.Nullable;

/** An array node whose elements cannot change, held in one array ({@link FrozenElements}), read from it directly. */
final class FrozenArray extends ArrayNode implements Frozen {
  private static final long serialVersionUID = 1L;

  final transient JsonNode[] elements;
  /** {@link ArrayNode#hashCode()}'s value (the element list's hash), computed once. */
  private final transient int hash;

  FrozenArray(FrozenElements children) {
    super(Json.nodes(), children);
    this.elements = children.elements();
    this.hash = hashOf(elements);
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

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (other == this) {
      return true;
    }
    if (other instanceof FrozenArray && ((FrozenArray) other).hash != hash) {
      return false;
    }
    return super.equals(other);
  }

  @Override
  public boolean hasMembers(String @Nullable [] names, JsonNode @Nullable [] members) {
    if (names != null || members == null || members.length != elements.length) {
      return false;
    }
    for (int i = 0; i < elements.length; i++) {
      if (!Interned.same(elements[i], members[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@link ArrayNode#hashCode()} of an array with these elements: its element list's hash. */
  static int hashOf(JsonNode[] elements) {
    int h = 1;
    for (JsonNode element : elements) {
      h = 31 * h + element.hashCode();
    }
    return h;
  }
}
