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
 * The members of a frozen object node: names and values side by side in two arrays, in insertion order, and
 * nothing else. A {@link java.util.LinkedHashMap} spends an entry object, a bucket table and two links per
 * member; here a small object (the usual case in Kubernetes trees: a container has about ten fields, a
 * {@code metadata} four) is two short arrays scanned in order, and a large one adds an open-addressing table
 * of indices. Walking and looking members up is what the planner and the server do most with these trees,
 * so keeping them on few cache lines matters more than asymptotics.
 *
 * <p>Field names from Jackson's parser and from Java literals are interned, so a lookup usually succeeds on
 * identity; other strings are compared by their cached hash first. Every mutator throws
 * {@link UnsupportedOperationException}, as the unmodifiable map it replaces did.
 */
final class FrozenFields extends AbstractMap<String, JsonNode> {
  /** Up to this many members, a lookup scans the names; above, it probes {@link #slots}. */
  private static final int SCAN = 8;
  private static final String[] NO_NAMES = {};
  private static final JsonNode[] NO_VALUES = {};
  static final FrozenFields EMPTY = new FrozenFields(NO_NAMES, NO_VALUES);

  private final String[] names;
  private final JsonNode[] values;
  /** Index + 1 of the member whose name hashes to each slot (0: free); a power of two long; null when small. */
  private final int @Nullable [] slots;

  /** Takes the arrays over; names must be distinct and values frozen. */
  FrozenFields(String[] names, JsonNode[] values) {
    this.names = names;
    this.values = values;
    this.slots = names.length > SCAN ? index(names) : null;
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
    return new FrozenFields(names, values);
  }

  private static int[] index(String[] names) {
    int[] table = new int[Integer.highestOneBit(names.length * 2 - 1) << 1];
    int mask = table.length - 1;
    for (int i = 0; i < names.length; i++) {
      int slot = spread(names[i].hashCode()) & mask;
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = i + 1;
    }
    return table;
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  @Override
  public @Nullable JsonNode get(@Nullable Object key) {
    if (!(key instanceof String)) {
      return null;
    }
    String name = (String) key;
    int hash = name.hashCode();
    int[] table = slots;
    if (table == null) {
      String[] own = names;
      for (int i = 0; i < own.length; i++) {
        String candidate = own[i];
        if (candidate == name || candidate.hashCode() == hash && candidate.equals(name)) {
          return values[i];
        }
      }
      return null;
    }
    int mask = table.length - 1;
    for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
      int at = table[slot];
      if (at == 0) {
        return null;
      }
      String candidate = names[at - 1];
      if (candidate == name || candidate.hashCode() == hash && candidate.equals(name)) {
        return values[at - 1];
      }
    }
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return get(key) != null;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public boolean isEmpty() {
    return names.length == 0;
  }

  @Override
  public void forEach(BiConsumer<? super String, ? super JsonNode> action) {
    for (int i = 0; i < names.length; i++) {
      action.accept(names[i], values[i]);
    }
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
            return next < names.length;
          }

          @Override
          public Map.Entry<String, JsonNode> next() {
            if (next >= names.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new AbstractMap.SimpleImmutableEntry<>(names[i], values[i]);
          }
        };
      }

      @Override
      public int size() {
        return names.length;
      }
    };
  }
}
