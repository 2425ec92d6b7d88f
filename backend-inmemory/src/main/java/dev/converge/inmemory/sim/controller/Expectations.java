package dev.converge.inmemory.sim.controller;

import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code controller.ControllerExpectations}: per controller key, how many creations and deletions the
 * controller has asked for but not yet seen in its informer. While any are outstanding the controller does not
 * manage pods again (it only updates status), so that it never acts on a cache that lags its own writes. A key
 * whose expectations were never set, or were set more than {@link #TIMEOUT} ago, is satisfied.
 */
final class Expectations {
  /** {@code ExpectationsTimeout}: 5 minutes. */
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static final class Entry {
    long add;
    long del;
    long setAt;
  }

  private final VirtualScheduler clock;
  private final Map<String, Entry> entries = new HashMap<>();

  Expectations(VirtualScheduler clock) {
    this.clock = clock;
  }

  /** {@code SetExpectations}. */
  void set(String key, long add, long del) {
    Entry entry = new Entry();
    entry.add = add;
    entry.del = del;
    entry.setAt = clock.nanoTime();
    entries.put(key, entry);
  }

  /** {@code CreationObserved}: one expected creation was seen (or failed). */
  void creationObserved(String key) {
    Entry entry = entries.get(key);
    if (entry != null) {
      entry.add--;
    }
  }

  /** {@code DeletionObserved}. */
  void deletionObserved(String key) {
    Entry entry = entries.get(key);
    if (entry != null) {
      entry.del--;
    }
  }

  /** {@code RaiseExpectations}: more creations and deletions on top of those set. */
  void raise(String key, long add, long del) {
    Entry entry = entries.get(key);
    if (entry != null) {
      entry.add += add;
      entry.del += del;
    }
  }

  /** {@code LowerExpectations}: creations and deletions that will not be attempted. */
  void lower(String key, long add, long del) {
    Entry entry = entries.get(key);
    if (entry != null) {
      entry.add -= add;
      entry.del -= del;
    }
  }

  /** {@code SatisfiedExpectations}. */
  boolean satisfied(String key) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return true;
    }
    if (entry.add <= 0 && entry.del <= 0) {
      return true;
    }
    return clock.nanoTime() - entry.setAt > TIMEOUT.toNanos();
  }

  /** {@code DeleteExpectations}. */
  void delete(String key) {
    entries.remove(key);
  }

  /** Outstanding creations (tests and diagnostics). */
  long pendingCreates(String key) {
    Entry entry = entries.get(key);
    return entry == null ? 0 : Math.max(0, entry.add);
  }
}
