package dev.converge.api;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The member names of a frozen object, in order, shared by every frozen object with the same names: what
 * JavaScript engines call a hidden class. Kubernetes trees repeat a few hundred shapes millions of times
 * (every env entry is {@code {name, value}}, every container port {@code {name, containerPort, protocol}}),
 * so sharing the name array keeps it in cache while a walk or lookup runs over many objects, and a
 * 10,000-pod cluster stores one copy of each pod's shapes instead of 10,000.
 *
 * <p>Shapes are interned in a small, bounded, lock-free table. When the table fills it starts over empty,
 * as Jackson's {@code InternCache} does: objects keep the shapes they have, and only sharing with objects
 * frozen later is lost. Objects with many members, whose names are typically data (ConfigMap keys, large
 * label sets), are not interned at all.
 */
final class Shape {
  /** Up to this many members, a lookup scans the names; above, it probes {@link #slots}. */
  static final int SCAN = 8;
  /** Objects with more members than this get a shape of their own. */
  static final int MAX_INTERNED = 16;
  private static final int TABLE = 1 << 13;
  /** Entries before the table starts over; half its slots, so probe sequences stay short. */
  private static final int LIMIT = TABLE / 2;

  static final Shape EMPTY = new Shape(new String[0], 0);

  private static volatile Table table = new Table();

  final String[] names;
  /** Each name's hash, for the scan of a small shape: it compares ints instead of reading every name. */
  private final int[] hashes;
  /** Index + 1 of the member whose name hashes to each slot (0: free); a power of two long; null when small. */
  final int @Nullable [] slots;
  private final int hash;
  /** The last {@link #pairing} computed, against one other shape; objects of one shape meet few others. */
  private volatile @Nullable Pairing pairing;

  private Shape(String[] names, int hash) {
    this.names = names;
    this.hashes = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      hashes[i] = names[i].hashCode();
    }
    this.slots = names.length > SCAN ? index(names) : null;
    this.hash = hash;
  }

  /**
   * {@return the shape for {@code names}, shared when one with equal names is interned}
   *
   * @param names distinct member names, in order; the array is taken over (never modified afterwards) when
   *     no interned shape matches
   */
  static Shape of(String[] names) {
    if (names.length == 0) {
      return EMPTY;
    }
    int hash = hash(names);
    if (names.length > MAX_INTERNED) {
      return new Shape(names, hash);
    }
    Table current = table;
    AtomicReferenceArray<Shape> slots = current.slots;
    int mask = slots.length() - 1;
    for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
      Shape candidate = slots.get(slot);
      if (candidate == null) {
        Shape created = new Shape(names, hash);
        if (current.size.get() >= LIMIT) {
          // Full: start over. A racing thread may do the same; either table is correct.
          table = new Table();
          return created;
        }
        if (slots.compareAndSet(slot, null, created)) {
          current.size.incrementAndGet();
          return created;
        }
        candidate = slots.get(slot);
      }
      if (candidate != null && candidate.hash == hash && sameNames(candidate.names, names)) {
        return candidate;
      }
    }
  }

  /**
   * {@return for each of these names, its index among {@code other}'s names, or -1} The answer is the same
   * for every pair of objects with these two shapes, so the last one is kept: a walk over two trees of the
   * same kinds meets the same pair of shapes again and again and looks no name up after the first time.
   * Racing threads may each compute it; either answer is right.
   */
  int[] indicesIn(Shape other) {
    Pairing last = pairing;
    if (last != null && last.other == other) {
      return last.indices;
    }
    int[] indices = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      indices[i] = other.indexOf(names[i]);
    }
    pairing = new Pairing(other, indices);
    return indices;
  }

  /** The index of {@code name} among the names, or -1. */
  int indexOf(String name) {
    String[] own = names;
    int[] table = slots;
    int hash = name.hashCode();
    if (table == null) {
      // Names from Jackson's parser and Java literals are interned, so a matching hash is usually the very name.
      int[] known = hashes;
      for (int i = 0; i < known.length; i++) {
        if (known[i] == hash && (own[i] == name || own[i].equals(name))) {
          return i;
        }
      }
      return -1;
    }
    int mask = table.length - 1;
    for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
      int at = table[slot];
      if (at == 0) {
        return -1;
      }
      String candidate = own[at - 1];
      if (candidate == name || candidate.hashCode() == hash && candidate.equals(name)) {
        return at - 1;
      }
    }
  }

  /** Whether the shape table holds this very shape (for tests). */
  static boolean isInterned(Shape shape) {
    AtomicReferenceArray<Shape> slots = table.slots;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) == shape) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameNames(String[] a, String[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i] != b[i] && !a[i].equals(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static int hash(String[] names) {
    int h = names.length;
    for (String name : names) {
      h = h * 31 + name.hashCode();
    }
    return h;
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

  static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }

  @Override
  public String toString() {
    return Arrays.toString(names);
  }

  private static final class Pairing {
    final Shape other;
    final int[] indices;

    Pairing(Shape other, int[] indices) {
      this.other = other;
      this.indices = indices;
    }
  }

  private static final class Table {
    final AtomicReferenceArray<Shape> slots = new AtomicReferenceArray<>(TABLE);
    final AtomicInteger size = new AtomicInteger();
  }
}
