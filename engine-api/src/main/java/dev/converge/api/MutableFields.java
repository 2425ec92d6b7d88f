package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The members of a mutable copy of a small object ({@link Json#mutableCopy}): an insertion-ordered map held in
 * two arrays, as a frozen object's are, rather than in a {@link LinkedHashMap}'s entry objects and bucket table.
 *
 * <p>A write edits copies of a few small objects on its path (a root, its {@code metadata}, a {@code spec})
 * and freezes them again at once. Copied from a frozen object, the names stay the frozen object's {@link Shape}
 * for as long as only values are replaced, so the copy costs one array and freezing it again looks no shape
 * up. Adding or removing a member copies the names and drops the shape. Past {@link Shape#MAX_INTERNED}
 * members, where scanning names would be slow, the map moves its members into a {@code LinkedHashMap} and
 * behaves exactly as one from then on.
 *
 * <p>Behaves as {@code LinkedHashMap} in insertion order: replacing a value keeps the member's place, and the
 * entry set's iterator supports {@code remove} and {@code Map.Entry#setValue} and fails fast on concurrent
 * modification. {@code MutableFieldsTest} runs it against a {@code LinkedHashMap} operation by operation.
 */
final class MutableFields extends AbstractMap<String, JsonNode> {
  /** Members kept in arrays; one more moves them to a {@link LinkedHashMap}. */
  static final int MAX_COMPACT = Shape.MAX_INTERNED;

  /** The names, {@code size} of them; while {@link #ownNames} is false, a shape's own array, not to be written. */
  private String[] names;
  private JsonNode[] values;
  private int size;
  private boolean ownNames;
  /** The shape whose names the first {@code size} names are, or null when not known. */
  private @Nullable Shape shape;
  /** Once non-null, holds every member; the arrays are no longer used. */
  private @Nullable LinkedHashMap<String, JsonNode> spilled;
  private int modCount;
  /**
   * Bit {@code i} set when member {@code i} was written since the copy was made. The others still hold the
   * frozen object's own values, frozen already: freezing takes them without reading them.
   */
  private int written;

  /**
   * Takes {@code values} over; its first {@code shape.names.length} elements are the members' values.
   *
   * @param frozen whether those values are a frozen object's (and need no freezing until written)
   */
  MutableFields(Shape shape, JsonNode[] values, boolean frozen) {
    this.names = shape.names;
    this.values = values;
    this.size = shape.names.length;
    this.shape = shape;
    this.written = frozen ? 0 : -1;
  }

  /** Whether the members are in the arrays (and {@link #shape()}/{@link #valueAt} describe them). */
  boolean compact() {
    return spilled == null;
  }

  /** The shape of the members, looked up (and kept) when an edit has dropped it; only while {@link #compact()}. */
  Shape shape() {
    Shape known = shape;
    if (known == null) {
      String[] own = names.length == size ? names : Arrays.copyOf(names, size);
      // The shape takes the array over: the next structural edit must copy it before writing.
      ownNames = false;
      names = own;
      known = Shape.of(own);
      if (known.names != own) {
        names = known.names;
      }
      shape = known;
    }
    return known;
  }

  /** Whether member {@code index} still holds the frozen value it was copied with; only while {@link #compact()}. */
  boolean unwritten(int index) {
    return (written & (1 << index)) == 0;
  }

  /** The value of member {@code index}, in the shape's order; only while {@link #compact()}. */
  JsonNode valueAt(int index) {
    return values[index];
  }

  private int indexOf(Object key) {
    if (!(key instanceof String)) {
      return -1;
    }
    String name = (String) key;
    Shape known = shape;
    if (known != null) {
      return known.indexOf(name);
    }
    for (int i = 0; i < size; i++) {
      if (names[i] == name) {
        return i;
      }
    }
    int hash = name.hashCode();
    for (int i = 0; i < size; i++) {
      if (names[i].hashCode() == hash && names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public int size() {
    LinkedHashMap<String, JsonNode> map = spilled;
    return map != null ? map.size() : size;
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public @Nullable JsonNode get(@Nullable Object key) {
    LinkedHashMap<String, JsonNode> map = spilled;
    if (map != null) {
      return map.get(key);
    }
    int at = indexOf(key);
    return at < 0 ? null : values[at];
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    LinkedHashMap<String, JsonNode> map = spilled;
    return map != null ? map.containsKey(key) : indexOf(key) >= 0;
  }

  @Override
  public @Nullable JsonNode put(String key, JsonNode value) {
    Objects.requireNonNull(key, "key");
    LinkedHashMap<String, JsonNode> map = spilled;
    if (map != null) {
      return map.put(key, value);
    }
    int at = indexOf(key);
    if (at >= 0) {
      JsonNode old = values[at];
      values[at] = value;
      written |= 1 << at;
      return old;
    }
    if (size == MAX_COMPACT) {
      spill().put(key, value);
      return null;
    }
    writableNames(size + 1);
    if (values.length <= size) {
      values = Arrays.copyOf(values, Math.min(MAX_COMPACT, Math.max(4, size * 2)));
    }
    names[size] = key;
    values[size] = value;
    written |= 1 << size;
    size++;
    return null;
  }

  @Override
  public @Nullable JsonNode remove(@Nullable Object key) {
    LinkedHashMap<String, JsonNode> map = spilled;
    if (map != null) {
      return map.remove(key);
    }
    int at = indexOf(key);
    if (at < 0) {
      return null;
    }
    JsonNode old = values[at];
    removeAt(at);
    return old;
  }

  @Override
  public void clear() {
    LinkedHashMap<String, JsonNode> map = spilled;
    if (map != null) {
      map.clear();
      return;
    }
    Arrays.fill(values, 0, size, null);
    names = Shape.EMPTY.names;
    ownNames = false;
    shape = Shape.EMPTY;
    size = 0;
    modCount++;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super JsonNode> action) {
    LinkedHashMap<String, JsonNode> map = spilled;
    if (map != null) {
      map.forEach(action);
      return;
    }
    int expected = modCount;
    for (int i = 0; i < size; i++) {
      action.accept(names[i], values[i]);
      if (modCount != expected) {
        throw new ConcurrentModificationException();
      }
    }
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    LinkedHashMap<String, JsonNode> map = spilled;
    return map != null ? map.entrySet() : new Entries();
  }

  @Override
  public int hashCode() {
    LinkedHashMap<String, JsonNode> map = spilled;
    if (map != null) {
      return map.hashCode();
    }
    int h = 0;
    for (int i = 0; i < size; i++) {
      h += names[i].hashCode() ^ Objects.hashCode(values[i]);
    }
    return h;
  }

  @Override
  public boolean equals(@Nullable Object other) {
    if (other == this) {
      return true;
    }
    if (spilled != null || !(other instanceof Map)) {
      return spilled != null && spilled.equals(other);
    }
    Map<?, ?> map = (Map<?, ?>) other;
    if (map.size() != size) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      Object theirs = map.get(names[i]);
      if (theirs == null ? values[i] != null || !map.containsKey(names[i]) : !theirs.equals(values[i])) {
        return false;
      }
    }
    return true;
  }

  /** Makes {@link #names} this map's own, with room for {@code capacity} names; the shape no longer applies. */
  private void writableNames(int capacity) {
    if (!ownNames || names.length < capacity) {
      names = Arrays.copyOf(names, Math.min(MAX_COMPACT, Math.max(capacity, Math.max(4, size * 2))));
      ownNames = true;
    }
    shape = null;
    modCount++;
  }

  private void removeAt(int at) {
    writableNames(size);
    int tail = size - at - 1;
    System.arraycopy(names, at + 1, names, at, tail);
    System.arraycopy(values, at + 1, values, at, tail);
    size--;
    names[size] = null;
    values[size] = null;
    // The members above the removed one move down a place, and so do their bits.
    int below = written & ((1 << at) - 1);
    written = below | ((written >>> 1) & ~((1 << at) - 1));
  }

  private LinkedHashMap<String, JsonNode> spill() {
    LinkedHashMap<String, JsonNode> map = new LinkedHashMap<>(size * 2 + 2);
    for (int i = 0; i < size; i++) {
      map.put(names[i], values[i]);
    }
    spilled = map;
    names = Shape.EMPTY.names;
    values = new JsonNode[0];
    size = 0;
    shape = null;
    modCount++;
    return map;
  }

  /** The entry set of the compact form: a view, as {@code LinkedHashMap}'s is. */
  private final class Entries extends AbstractSet<Map.Entry<String, JsonNode>> {
    @Override
    public int size() {
      return MutableFields.this.size();
    }

    @Override
    public Iterator<Map.Entry<String, JsonNode>> iterator() {
      if (spilled != null) {
        return spilled.entrySet().iterator();
      }
      return new Iterator<>() {
        private int next;
        private int last = -1;
        private int expected = modCount;

        @Override
        public boolean hasNext() {
          return next < size;
        }

        @Override
        public Map.Entry<String, JsonNode> next() {
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          if (next >= size) {
            throw new NoSuchElementException();
          }
          last = next++;
          return new Entry(names[last], values[last]);
        }

        @Override
        public void remove() {
          if (last < 0) {
            throw new IllegalStateException();
          }
          if (modCount != expected) {
            throw new ConcurrentModificationException();
          }
          removeAt(last);
          next = last;
          last = -1;
          expected = modCount;
        }
      };
    }
  }

  /** An entry whose {@code setValue} writes through to the map, as a {@code LinkedHashMap} entry's does. */
  private final class Entry extends AbstractMap.SimpleEntry<String, JsonNode> {
    private static final long serialVersionUID = 1L;

    Entry(String key, JsonNode value) {
      super(key, value);
    }

    @Override
    public JsonNode setValue(JsonNode value) {
      put(getKey(), value);
      return super.setValue(value);
    }
  }
}
