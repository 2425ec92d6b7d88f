package dev.converge.core.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Kahn's algorithm over a DAG of {@code n} nodes numbered in key order, where each step takes, among the ready
 * nodes, those of the lowest rank (ties inside a step by number, that is by key). This follows the kind
 * order whenever the hard edges allow and can never contradict them: a node is only ever taken once all its
 * prerequisites are in earlier steps.
 */
final class Layering {
  /**
   * The outcome.
   *
   * @param steps the node numbers of each step, ascending
   * @param stepOf the step of each node
   * @param heldBy for each node that was ready before its step (so the kind order held it back), the first
   *     node of the step before its own; -1 otherwise
   * @param remaining the nodes that could not be placed because of a cycle (all false when there is none)
   */
  record Result(List<int[]> steps, int[] stepOf, int[] heldBy, boolean[] remaining) {
    boolean cyclic() {
      for (boolean r : remaining) {
        if (r) {
          return true;
        }
      }
      return false;
    }
  }

  private Layering() {}

  /**
   * Layers the graph.
   *
   * @param preds the distinct prerequisites of each node
   * @param rank the kind rank of each node, from 0 to {@code maxRank}
   */
  static Result layer(int[][] preds, int[] rank, int maxRank) {
    int n = preds.length;
    int[][] succs = successors(preds);
    int[] waiting = new int[n];
    int[] readySince = new int[n];
    IntBuffer[] buckets = new IntBuffer[maxRank + 1];
    for (int r = 0; r <= maxRank; r++) {
      buckets[r] = new IntBuffer();
    }
    for (int i = 0; i < n; i++) {
      waiting[i] = preds[i].length;
      if (waiting[i] == 0) {
        buckets[rank[i]].add(i);
      }
    }
    int[] stepOf = new int[n];
    Arrays.fill(stepOf, -1);
    int[] heldBy = new int[n];
    Arrays.fill(heldBy, -1);
    List<int[]> steps = new ArrayList<>();
    int placed = 0;
    while (true) {
      int r = 0;
      while (r <= maxRank && buckets[r].size() == 0) {
        r++;
      }
      if (r > maxRank) {
        break;
      }
      int[] step = buckets[r].drain();
      Arrays.sort(step);
      int index = steps.size();
      int previousFirst = index == 0 ? -1 : steps.get(index - 1)[0];
      for (int node : step) {
        stepOf[node] = index;
        if (readySince[node] < index) {
          heldBy[node] = previousFirst;
        }
      }
      steps.add(step);
      placed += step.length;
      for (int node : step) {
        for (int succ : succs[node]) {
          if (--waiting[succ] == 0) {
            readySince[succ] = index + 1;
            buckets[rank[succ]].add(succ);
          }
        }
      }
    }
    boolean[] remaining = new boolean[n];
    if (placed < n) {
      for (int i = 0; i < n; i++) {
        remaining[i] = stepOf[i] < 0;
      }
    }
    return new Result(steps, stepOf, heldBy, remaining);
  }

  /** The nodes on or behind a cycle (Kahn's leftovers), or null when the graph is acyclic. Linear time. */
  static boolean @Nullable [] unplaceable(int[][] preds) {
    int n = preds.length;
    int[][] succs = successors(preds);
    int[] waiting = new int[n];
    int[] queue = new int[n];
    int tail = 0;
    for (int i = 0; i < n; i++) {
      waiting[i] = preds[i].length;
      if (waiting[i] == 0) {
        queue[tail++] = i;
      }
    }
    for (int head = 0; head < tail; head++) {
      for (int succ : succs[queue[head]]) {
        if (--waiting[succ] == 0) {
          queue[tail++] = succ;
        }
      }
    }
    if (tail == n) {
      return null;
    }
    boolean[] remaining = new boolean[n];
    for (int i = 0; i < n; i++) {
      remaining[i] = waiting[i] > 0;
    }
    return remaining;
  }

  /**
   * One cycle among {@code remaining} nodes, as nodes {@code c0 → c1 → … → c0} where each is a prerequisite
   * of the next; it starts from the lowest remaining node and follows its lowest remaining prerequisite, so
   * the answer is deterministic.
   */
  static int[] cycle(int[][] preds, boolean[] remaining) {
    int start = 0;
    while (!remaining[start]) {
      start++;
    }
    int[] seenAt = new int[preds.length];
    Arrays.fill(seenAt, -1);
    IntBuffer walk = new IntBuffer();
    int node = start;
    while (seenAt[node] < 0) {
      seenAt[node] = walk.size();
      walk.add(node);
      int next = -1;
      for (int p : preds[node]) {
        if (remaining[p] && (next < 0 || p < next)) {
          next = p;
        }
      }
      node = next;
    }
    // walk[k + 1] is a prerequisite of walk[k]; the cycle is walk[seenAt[node]..], read backwards.
    int[] path = walk.drain();
    int from = seenAt[node];
    int[] cycle = new int[path.length - from];
    for (int k = 0; k < cycle.length; k++) {
      cycle[k] = path[path.length - 1 - k];
    }
    return cycle;
  }

  private static int[][] successors(int[][] preds) {
    int n = preds.length;
    int[] counts = new int[n];
    for (int[] ps : preds) {
      for (int p : ps) {
        counts[p]++;
      }
    }
    int[][] succs = new int[n][];
    for (int i = 0; i < n; i++) {
      succs[i] = counts[i] == 0 ? EMPTY : new int[counts[i]];
      counts[i] = 0;
    }
    for (int i = 0; i < n; i++) {
      for (int p : preds[i]) {
        succs[p][counts[p]++] = i;
      }
    }
    return succs;
  }

  static final int[] EMPTY = new int[0];

  /** A growable list of ints. */
  static final class IntBuffer {
    private int[] values = new int[8];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    boolean contains(int value) {
      for (int i = 0; i < size; i++) {
        if (values[i] == value) {
          return true;
        }
      }
      return false;
    }

    int size() {
      return size;
    }

    /** Removes the last value. */
    void drop() {
      size--;
    }

    int get(int i) {
      return values[i];
    }

    void clear() {
      size = 0;
    }

    int[] toArray() {
      return size == 0 ? EMPTY : Arrays.copyOf(values, size);
    }

    /** The contents, and the buffer emptied. */
    int[] drain() {
      int[] result = toArray();
      size = 0;
      return result;
    }
  }
}
