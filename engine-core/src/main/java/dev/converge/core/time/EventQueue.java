package dev.converge.core.time;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The pending events of a {@link VirtualScheduler}, ordered by (time, seq): a calendar in front of a small heap.
 *
 * <p>A large simulation keeps tens of thousands of events pending (a Lease renewal per node ten seconds ahead,
 * a status report, an agent's next request), yet runs them in time order, and a heap of all of them spends a
 * cache miss at each of its levels on every insertion and removal. Here only the events of the next tick of
 * {@value #TICK_NANOS} ns (about 67 ms of virtual time) live in the heap ({@code near}); the later ones wait in
 * a ring of {@value #SLOTS} ticks, about 69 s, in a list per tick ({@code O(1)} to add); events further ahead
 * wait in a second heap ({@code far}). When the near heap runs dry, the next tick's list moves into it, and
 * events of the far heap move into the ring as it turns. Every event in the near heap is earlier than every
 * event elsewhere (their ticks are smaller), so the near heap's head is the earliest event: the order is
 * exactly a single heap's, which {@code VirtualSchedulerTest} checks against a sort.
 *
 * @param <E> the events
 */
final class EventQueue<E extends EventQueue.Entry> {
  /** log2 of a tick's length in nanoseconds. */
  private static final int TICK_SHIFT = 26;
  static final long TICK_NANOS = 1L << TICK_SHIFT;
  /** Ticks in the ring (a power of two). */
  static final int SLOTS = 1024;

  /** What the queue orders: a time, a sequence number that breaks ties, and the link of a tick's list. */
  abstract static class Entry {
    final long time;
    final long seq;
    @Nullable Entry nextInTick;

    Entry(long time, long seq) {
      this.time = time;
      this.seq = seq;
    }
  }

  /** Events of ticks before {@link #tick}. */
  private final Heap near = new Heap();
  /** Events of ticks from {@code tick + SLOTS} on. */
  private final Heap far = new Heap();
  /** The events of each tick from {@link #tick} to {@code tick + SLOTS - 1}, by tick modulo {@link #SLOTS}. */
  private final @Nullable Entry[] ring = new Entry[SLOTS];
  private int inRing;
  /** The first tick whose events are not in the near heap. */
  private long tick;

  void add(E event) {
    long at = event.time >>> TICK_SHIFT;
    if (at < tick) {
      near.add(event);
    } else if (at - tick < SLOTS) {
      int slot = (int) (at & (SLOTS - 1));
      event.nextInTick = ring[slot];
      ring[slot] = event;
      inRing++;
    } else {
      far.add(event);
    }
  }

  /** {@return the earliest event, or null} */
  @SuppressWarnings("unchecked")
  @Nullable E peek() {
    if (near.size == 0 && !advance()) {
      return null;
    }
    return (E) near.items[0];
  }

  /** Removes the earliest event (the one {@link #peek} returned). */
  void poll() {
    if (near.size == 0 && !advance()) {
      return;
    }
    near.poll();
  }

  /** Moves the next non-empty tick into the near heap; false when no event is pending. */
  private boolean advance() {
    while (near.size == 0) {
      if (inRing == 0) {
        if (far.size == 0) {
          return false;
        }
        // Nothing in the next SLOTS ticks: the ring jumps to the far heap's earliest tick.
        tick = far.items[0].time >>> TICK_SHIFT;
        fillRingFromFar();
      }
      int slot = (int) (tick & (SLOTS - 1));
      Entry event = ring[slot];
      ring[slot] = null;
      while (event != null) {
        Entry next = event.nextInTick;
        event.nextInTick = null;
        near.add(event);
        inRing--;
        event = next;
      }
      tick++;
      fillRingFromFar();
    }
    return true;
  }

  /** Moves the far heap's events that now fall within the ring's ticks into the ring. */
  private void fillRingFromFar() {
    while (far.size > 0 && (far.items[0].time >>> TICK_SHIFT) - tick < SLOTS) {
      Entry event = far.items[0];
      far.poll();
      int slot = (int) ((event.time >>> TICK_SHIFT) & (SLOTS - 1));
      event.nextInTick = ring[slot];
      ring[slot] = event;
      inRing++;
    }
  }

  /**
   * A four-ary min-heap of events ordered by (time, seq), with the keys in primitive arrays beside the events:
   * sifting compares longs in two dense arrays instead of following a pointer to each event. Four children per
   * node halve the depth of a binary heap, and a node's four children's times lie side by side.
   */
  private static final class Heap {
    long[] times = new long[64];
    long[] seqs = new long[64];
    Entry[] items = new Entry[64];
    int size;

    void add(Entry event) {
      if (size == items.length) {
        int capacity = size * 2;
        times = Arrays.copyOf(times, capacity);
        seqs = Arrays.copyOf(seqs, capacity);
        items = Arrays.copyOf(items, capacity);
      }
      long time = event.time;
      long seq = event.seq;
      int i = size++;
      while (i > 0) {
        int parent = (i - 1) >>> 2;
        long parentTime = times[parent];
        if (parentTime < time || (parentTime == time && seqs[parent] < seq)) {
          break;
        }
        move(parent, i);
        i = parent;
      }
      place(i, time, seq, event);
    }

    void poll() {
      if (size == 0) {
        return;
      }
      int last = --size;
      long time = times[last];
      long seq = seqs[last];
      Entry event = items[last];
      items[last] = null;
      if (last == 0) {
        return;
      }
      int i = 0;
      while (true) {
        int first = 4 * i + 1;
        if (first >= last) {
          break;
        }
        int child = first;
        int end = Math.min(first + 4, last);
        for (int other = first + 1; other < end; other++) {
          if (times[other] < times[child] || (times[other] == times[child] && seqs[other] < seqs[child])) {
            child = other;
          }
        }
        long childTime = times[child];
        if (time < childTime || (time == childTime && seq < seqs[child])) {
          break;
        }
        move(child, i);
        i = child;
      }
      place(i, time, seq, event);
    }

    /** Moves the entry at {@code from} to slot {@code to}, as a sift step does. */
    private void move(int from, int to) {
      times[to] = times[from];
      seqs[to] = seqs[from];
      items[to] = items[from];
    }

    private void place(int i, long time, long seq, Entry event) {
      times[i] = time;
      seqs[i] = seq;
      items[i] = event;
    }
  }
}
