package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/** The elements of a frozen array node, in one array; every mutator throws {@link UnsupportedOperationException}. */
final class FrozenElements extends AbstractList<JsonNode> implements RandomAccess {
  static final FrozenElements EMPTY = new FrozenElements(new JsonNode[0]);

  private final JsonNode[] elements;

  /** Takes the array over; elements must be frozen. */
  FrozenElements(JsonNode[] elements) {
    this.elements = elements;
  }

  static FrozenElements of(List<JsonNode> elements) {
    return elements.isEmpty() ? EMPTY : new FrozenElements(elements.toArray(new JsonNode[0]));
  }

  /** The elements; the array itself, not to be modified. */
  JsonNode[] elements() {
    return elements;
  }

  @Override
  public JsonNode get(int index) {
    return elements[index];
  }

  @Override
  public int size() {
    return elements.length;
  }
}
