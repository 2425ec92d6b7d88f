package dev.converge.inmemory.store;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * A kind's recent changes, oldest first, in a ring that grows by doubling. Each change's revision is kept in an
 * array beside it: dropping the oldest change as a new one arrives, and finding where a watch resumes, read
 * revisions only and no change object (the oldest changes of a busy kind are long out of cache). Revisions
 * increase along the log, as the store's one counter hands them out.
 */
final class ChangeLog {
  private Change[] changes = new Change[16];
  private long[] revisions = new long[16];
  /** When each change was committed (nanoseconds of the server's ticker). */
  private long[] nanos = new long[16];
  /** The slot of the oldest change. */
  private int head;
  private int size;

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void addLast(Change change, long committedNanos) {
    if (size == changes.length) {
      grow();
    }
    int slot = (head + size) & (changes.length - 1);
    changes[slot] = change;
    revisions[slot] = change.revision();
    nanos[slot] = committedNanos;
    size++;
  }

  /** Drops the oldest change; returns its revision. */
  long removeFirst() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    long revision = revisions[head];
    changes[head] = null;
    head = (head + 1) & (changes.length - 1);
    size--;
    return revision;
  }

  long firstRevision() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    return revisions[head];
  }

  /** When the oldest change was committed. */
  long firstNanos() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    return nanos[head];
  }

  long lastRevision() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    return revisions[(head + size - 1) & (changes.length - 1)];
  }

  /** How many changes are after {@code revision}. */
  int countAfter(long revision) {
    return size - firstAfter(revision);
  }

  /** The changes after {@code revision}, oldest first. */
  List<Change> after(long revision) {
    int first = firstAfter(revision);
    List<Change> out = new ArrayList<>(size - first);
    for (int i = first; i < size; i++) {
      out.add(changes[(head + i) & (changes.length - 1)]);
    }
    return out;
  }

  /** Visits the changes after {@code revision}, newest first. */
  void forEachAfterNewestFirst(long revision, Consumer<Change> action) {
    int first = firstAfter(revision);
    for (int i = size - 1; i >= first; i--) {
      action.accept(changes[(head + i) & (changes.length - 1)]);
    }
  }

  /** The position (0 = oldest) of the first change whose revision is above {@code revision}; size if none. */
  private int firstAfter(long revision) {
    int mask = changes.length - 1;
    int low = 0;
    int high = size;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (revisions[(head + mid) & mask] <= revision) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  private void grow() {
    Change[] moved = new Change[changes.length * 2];
    long[] movedRevisions = new long[moved.length];
    long[] movedNanos = new long[moved.length];
    for (int i = 0; i < size; i++) {
      int slot = (head + i) & (changes.length - 1);
      moved[i] = changes[slot];
      movedRevisions[i] = revisions[slot];
      movedNanos[i] = nanos[slot];
    }
    changes = moved;
    revisions = movedRevisions;
    nanos = movedNanos;
    head = 0;
  }
}
