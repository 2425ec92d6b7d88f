package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The members of a frozen object node: a {@link Shape} (the names, in insertion order, shared with every
 * frozen object that has the same ones) and the values in an array beside it, nothing else. A {@link
 * java.util.LinkedHashMap} spends an entry object, a bucket table and two links per member; here a small
 * object (the usual case in Kubernetes trees: a container has about ten fields, a {@code metadata} four) is
 * one value array and a name array that thousands of objects share, and a large one adds an open-addressing
 * table of indices to its shape. Walking and looking members up is what the planner and the server do most
 * with these trees, so keeping them on few cache lines matters more than asymptotics.
 *
 * <p>Field names from Jackson's parser and from Java literals are interned, so a lookup usually succeeds on
 * identity; other strings are compared by their cached hash first. Every mutator throws
 * {@link UnsupportedOperationException}, as the unmodifiable map it replaces did.
 */
final class FrozenFields extends AbstractMap<String, JsonNode> {
  static final FrozenFields EMPTY = new FrozenFields(Shape.EMPTY, new JsonNode[0]);

  /** The member names, shared with every frozen object that has the same ones. */
  private final Shape shape;
  private final JsonNode[] values;

  private FrozenFields(Shape shape, JsonNode[] values) {
    this.shape = shape;
    this.values = values;
  }

  /** Takes the arrays over; names must be distinct and values frozen. */
  static FrozenFields of(String[] names, JsonNode[] values) {
    return names.length == 0 ? EMPTY : new FrozenFields(Shape.of(names), values);
  }

  /** Takes {@code values} over: one frozen value per name of {@code shape}. */
  static FrozenFields of(Shape shape, JsonNode[] values) {
    return values.length == 0 ? EMPTY : new FrozenFields(shape, values);
  }

  static FrozenFields of(Map<String, JsonNode> members) {
    if (members.isEmpty()) {
      return EMPTY;
    }
    String[] names = new String[members.size()];
    JsonNode[] values = new JsonNode[names.length];
    int i = 0;
    for (Map.Entry<String, JsonNode> member : members.entrySet()) {
      names[i] = member.getKey();
      values[i++] = member.getValue();
    }
    return of(names, values);
  }

  /** The shape of these members. */
  Shape shape() {
    return shape;
  }

  /** The values, in the shape's order; the array itself, not to be modified. */
  JsonNode[] valueArray() {
    return values;
  }

  /** The value of member {@code name} of the object with this shape and these values, or null. */
  static @Nullable JsonNode find(Shape shape, JsonNode[] values, String name) {
    int at = shape.indexOf(name);
    return at < 0 ? null : values[at];
  }

  /** Visits the members of the object with this shape and these values, in order. */
  static void forEach(Shape shape, JsonNode[] values, BiConsumer<? super String, ? super JsonNode> action) {
    String[] names = shape.names;
    for (int i = 0; i < values.length; i++) {
      action.accept(names[i], values[i]);
    }
  }

  @Override
  public @Nullable JsonNode get(@Nullable Object key) {
    return key instanceof String ? find(shape, values, (String) key) : null;
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return get(key) != null;
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
  public void forEach(BiConsumer<? super String, ? super JsonNode> action) {
    forEach(shape, values, action);
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < values.length;
          }

          @Override
          public Map.Entry<String, JsonNode> next() {
            if (next >= values.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(shape.names[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return values.length;
      }
    };
  }
}
