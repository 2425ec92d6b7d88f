package dev.converge.inmemory.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The members of a mutable object node that a write copies from a frozen one ({@link Trees#shallowCopy}): names
 * and values in two arrays, in insertion order, with exactly a {@link java.util.LinkedHashMap}'s ordering — a
 * put of a present name keeps its place, a new name goes last, a removal closes the gap — so a tree built on it
 * lists its fields as one built on a linked hash map would. Objects in Kubernetes trees are small; a lookup scans
 * the names (identity first: field names are mostly interned), which for a handful of members is cheaper than
 * hashing, and a copy costs two array copies instead of an entry object, a bucket and two links per member.
 */
final class EditableFields extends AbstractMap<String, JsonNode> {
  private String[] names;
  private JsonNode[] values;
  private int size;
  private int modifications;

  EditableFields(int capacity) {
    names = new String[Math.max(4, capacity)];
    values = new JsonNode[names.length];
  }

  /** Appends a member whose name is not present (copying from an object, whose names are distinct). */
  void append(String name, JsonNode value) {
    if (size == names.length) {
      grow();
    }
    names[size] = name;
    values[size++] = value;
    modifications++;
  }

  private void grow() {
    names = Arrays.copyOf(names, names.length * 2);
    values = Arrays.copyOf(values, names.length);
  }

  private int indexOf(@Nullable Object key) {
    if (!(key instanceof String name)) {
      return -1;
    }
    String[] own = names;
    for (int i = 0; i < size; i++) {
      if (own[i] == name) {
        return i;
      }
    }
    int hash = name.hashCode();
    for (int i = 0; i < size; i++) {
      String candidate = own[i];
      if (candidate.hashCode() == hash && candidate.equals(name)) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public @Nullable JsonNode get(@Nullable Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public @Nullable JsonNode put(String key, JsonNode value) {
    Objects.requireNonNull(key, "key");
    int i = indexOf(key);
    if (i >= 0) {
      JsonNode old = values[i];
      values[i] = value;
      return old;
    }
    append(key, value);
    return null;
  }

  @Override
  public @Nullable JsonNode remove(@Nullable Object key) {
    int i = indexOf(key);
    if (i < 0) {
      return null;
    }
    JsonNode old = values[i];
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    int moved = size - i - 1;
    System.arraycopy(names, i + 1, names, i, moved);
    System.arraycopy(values, i + 1, values, i, moved);
    size--;
    names[size] = null;
    values[size] = null;
    modifications++;
  }

  @Override
  public void clear() {
    Arrays.fill(names, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    modifications++;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Set<Map.Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<String, JsonNode>> iterator() {
        return new Iterator<>() {
          private int next;
          private int last = -1;
          private int expected = modifications;

          @Override
          public boolean hasNext() {
            return next < size;
          }

          @Override
          public Map.Entry<String, JsonNode> next() {
            if (expected != modifications) {
              throw new ConcurrentModificationException();
            }
            if (next >= size) {
              throw new NoSuchElementException();
            }
            last = next++;
            return new Member(last, names[last]);
          }

          @Override
          public void remove() {
            if (last < 0) {
              throw new IllegalStateException();
            }
            if (expected != modifications) {
              throw new ConcurrentModificationException();
            }
            removeAt(last);
            next = last;
            last = -1;
            expected = modifications;
          }
        };
      }

      @Override
      public int size() {
        return size;
      }

      @Override
      public void clear() {
        EditableFields.this.clear();
      }
    };
  }

  /** One member, reading and writing through to the arrays (as a linked hash map's entry does). */
  private final class Member implements Map.Entry<String, JsonNode> {
    private final int index;
    private final String name;

    Member(int index, String name) {
      this.index = index;
      this.name = name;
    }

    @Override
    public String getKey() {
      return name;
    }

    @Override
    public JsonNode getValue() {
      return index < size && names[index] == name ? values[index] : EditableFields.this.get(name);
    }

    @Override
    public JsonNode setValue(JsonNode value) {
      int at = index < size && names[index] == name ? index : indexOf(name);
      if (at < 0) {
        throw new IllegalStateException("member " + name + " was removed");
      }
      JsonNode old = values[at];
      values[at] = value;
      return old;
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Map.Entry<?, ?> e && name.equals(e.getKey()) && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return name.hashCode() ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return name + "=" + getValue();
    }
  }
}
