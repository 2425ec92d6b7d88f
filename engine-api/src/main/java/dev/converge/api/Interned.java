package dev.converge.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.jspecify.annotations.Nullable;

/**
 * Small frozen subtrees shared by content, as a functional language's hash-consing does: freezing a tree
 * replaces each short text or number, and each container of at most {@link #MAX_WEIGHT} nodes, by an equal
 * one frozen before when one is known. Kubernetes trees repeat their small parts endlessly (every container's
 * {@code imagePullPolicy}, {@code protocol: TCP}, {@code apiVersion: apps/v1}, a probe, a label set), and an
 * informer's copy of an object repeats most of what the operator renders for it.
 *
 * <p>Sharing pays twice. Memory: equal parts are stored once. Time: code that compares trees (the planner's
 * diff, the server's no-op check) meets the same instance on both sides and stops at once, and what it must
 * still read is more often in cache.
 *
 * <p>Equality is checked one level deep: members that are containers by identity (they were shared first,
 * so equal ones are usually one instance), values by {@code equals}. A miss only costs sharing, never
 * correctness: the node is kept as it is.
 *
 * <p>Two bounded tables hold the known nodes. {@code recent} takes every node not known yet and
 * starts over empty when half full, so it forgets quickly. A node found there {@value #PROMOTE} times is
 * common and moves to {@code common}, which keeps it for as long as it is used: when {@code common} is half
 * full, the next one starts with the nodes found at least {@value #KEEP} times since it was made (an aging
 * rule like a page cache's) and the rest are dropped. Values repeated only within one object (its name in
 * its labels, selector and pod template) never reach {@code common}, so common values such as {@code
 * apps/v1} keep one instance for the life of the process even when no object of that group was frozen for a
 * long time; that is what makes a desired tree and a live tree frozen hours apart share them. Together the
 * tables hold at most {@value #SLOTS} nodes of at most {@value #MAX_WEIGHT} nodes each: they never keep a
 * large tree alive.
 */
final class Interned {
  /** Longer texts (file contents, certificates, scripts) are rarely repeated and are kept as they are. */
  static final int MAX_TEXT = 64;
  /** Containers with more nodes than this, themselves included, are kept as they are. */
  static final int MAX_WEIGHT = 32;
  private static final int BITS = 13;
  /** Slots per table; each holds at most half as many nodes. */
  static final int SLOTS = 1 << BITS;
  /** Finds of a recent node that make it common. */
  static final int PROMOTE = 8;
  /** Finds a common node needs while its table fills to be kept in the next one. */
  static final int KEEP = 8;

  /** Nodes found often, kept while they are used. */
  private static volatile Table common = new Table();
  /** Nodes met recently. */
  private static volatile Table recent = new Table();

  private Interned() {}

  /** {@return the shared value node equal to {@code value}, or {@code value} itself} */
  static JsonNode value(JsonNode value) {
    if (!(value instanceof TextNode && value.textValue().length() <= MAX_TEXT || value instanceof NumericNode)) {
      return value;
    }
    int hash = value.hashCode();
    JsonNode known = find(value, null, null, hash);
    if (known != null) {
      return known;
    }
    add(value, hash);
    return value;
  }

  /**
   * {@return the shared container with these members, or null} Looked up before the container is made, so
   * that finding one costs no allocation.
   *
   * @param names an object's member names, or null for an array
   * @param members the object's values or the array's elements, each frozen
   * @param key the container's key in the tables ({@link #objectKey} or {@link #arrayKey})
   */
  static @Nullable JsonNode container(String @Nullable [] names, JsonNode[] members, int key) {
    return find(null, names, members, key);
  }

  /** {@return an object's key in the tables: the sum of {@link #mix} over each member's name and value hashes} */
  static int objectKey(String[] names, JsonNode[] values) {
    int key = 0;
    for (int i = 0; i < values.length; i++) {
      key += mix(names[i].hashCode() * 31 + values[i].hashCode());
    }
    return key;
  }

  /** {@return an array's key in the tables: {@link #mix} of its hash} */
  static int arrayKey(JsonNode[] elements) {
    return mix(FrozenArray.hashOf(elements));
  }

  /**
   * Murmur3's finaliser: every bit of the result depends on every bit of {@code hash}. {@link JsonNode}'s
   * own object hash adds up its members' hashes, in which similar values (two timestamps a microsecond apart,
   * node names {@code node-1} and {@code node-2}) differ by a little, so the differences of two objects' members
   * can cancel out; mixed member by member, they do not.
   */
  static int mix(int hash) {
    int h = hash;
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  /** Makes {@code node}, which no lookup found, known under {@code hash} (its key for a container). */
  static void add(JsonNode node, int hash) {
    Table lately = recent;
    if (!lately.add(node, hash)) {
      // Full: start over. A racing thread may do the same; either table is correct.
      recent = new Table();
    }
  }

  /** Whether a table holds this very node (for tests). */
  static boolean isShared(JsonNode node) {
    return common.holds(node) || recent.holds(node);
  }

  /** Whether the table of common nodes holds this very node (for tests). */
  static boolean isCommon(JsonNode node) {
    return common.holds(node);
  }

  private static @Nullable JsonNode find(@Nullable JsonNode value, String @Nullable [] names,
      JsonNode @Nullable [] members, int hash) {
    Table often = common;
    int slot = often.slotOf(value, names, members, hash);
    if (slot >= 0) {
      return often.slots[slot];
    }
    Table lately = recent;
    slot = lately.slotOf(value, names, members, hash);
    if (slot < 0) {
      return null;
    }
    JsonNode known = lately.slots[slot];
    if (lately.used[slot] == PROMOTE && !often.add(known, hash)) {
      Table next = often.survivors();
      next.add(known, hash);
      common = next;
    }
    return known;
  }

  /** Whether a known node is {@code value}'s equal, or the container with these members. */
  private static boolean matches(JsonNode candidate, @Nullable JsonNode value, String @Nullable [] names,
      JsonNode @Nullable [] members) {
    if (value != null) {
      return candidate == value || candidate.getClass() == value.getClass() && candidate.equals(value);
    }
    return candidate instanceof Frozen && ((Frozen) candidate).hasMembers(names, members);
  }

  /** Members of containers by identity, values by {@code equals}. */
  static boolean same(JsonNode a, JsonNode b) {
    return a == b || a.getClass() == b.getClass() && !(a instanceof Frozen) && a.equals(b);
  }

  /**
   * An open-addressing table of nodes that grows to half its slots, with a count of finds per slot
   * (saturating at 127).
   *
   * <p>Not synchronised, on purpose: it is a cache, and every race only loses sharing. Two threads adding
   * at once may overwrite one another's node or miscount the size; a probe gives up after {@link #PROBES}
   * slots, so even a table that a miscount let fill up cannot loop. A node read from a slot another thread
   * wrote is safe to use: frozen nodes are immutable, reachable only through final fields, which the Java
   * memory model publishes with the object.
   */
  private static final class Table {
    /** Slots a lookup or an add tries; at half load a linear probe rarely needs more than three. */
    private static final int PROBES = 32;

    final JsonNode[] slots = new JsonNode[SLOTS];
    /** Each slot's node's hash, so that a probe compares hashes without reading the nodes. */
    final int[] hashes = new int[SLOTS];
    final byte[] used = new byte[SLOTS];
    int size;

    /**
     * The first slot to probe for {@code hash}: Fibonacci hashing, because the hashes of similar nodes differ
     * in their low bits only (two timestamps a microsecond apart, and so the objects holding them), and
     * consecutive slots would pile them into one long probe sequence.
     */
    private static int home(int hash) {
      return (hash * 0x9E3779B9) >>> (Integer.SIZE - BITS);
    }

    /** The slot of the node that {@link #matches}, counting the find; -1 if there is none. */
    int slotOf(@Nullable JsonNode value, String @Nullable [] names, JsonNode @Nullable [] members, int hash) {
      int mask = SLOTS - 1;
      int slot = home(hash);
      for (int probe = 0; probe < PROBES; probe++, slot = (slot + 1) & mask) {
        JsonNode candidate = slots[slot];
        if (candidate == null) {
          return -1;
        }
        if (hashes[slot] == hash && matches(candidate, value, names, members)) {
          if (used[slot] < Byte.MAX_VALUE) {
            used[slot]++;
          }
          return slot;
        }
      }
      return -1;
    }

    boolean holds(JsonNode node) {
      for (JsonNode slot : slots) {
        if (slot == node) {
          return true;
        }
      }
      return false;
    }

    /** Adds {@code node}; false, adding nothing, when the table is half full. */
    boolean add(JsonNode node, int hash) {
      if (size >= SLOTS / 2) {
        return false;
      }
      int mask = SLOTS - 1;
      int slot = home(hash);
      for (int probe = 0; probe < PROBES; probe++, slot = (slot + 1) & mask) {
        if (slots[slot] == null) {
          hashes[slot] = hash;
          slots[slot] = node;
          size++;
          return true;
        }
      }
      return false;
    }

    /**
     * A new table with the nodes found most since this one was made, at least {@link #KEEP} times each and
     * filling at most a quarter of it (so that it does not fill again at once), their counts reset.
     */
    Table survivors() {
      int[] counts = new int[Byte.MAX_VALUE + 1];
      for (int slot = 0; slot < SLOTS; slot++) {
        counts[used[slot]]++;
      }
      int room = SLOTS / 4;
      int threshold = Byte.MAX_VALUE;
      int kept = counts[threshold];
      while (threshold > KEEP && kept + counts[threshold - 1] <= room) {
        kept += counts[--threshold];
      }
      Table next = new Table();
      for (int slot = 0; slot < SLOTS && next.size < room; slot++) {
        JsonNode node = slots[slot];
        if (node != null && used[slot] >= threshold) {
          next.add(node, hashes[slot]);
        }
      }
      return next;
    }
  }
}
