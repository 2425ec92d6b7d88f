package dev.converge.inmemory.batch;

import java.util.BitSet;

/**
 * Lists of Indexed Job completion indexes, as {@code status.completedIndexes}, {@code status.failedIndexes} and a
 * success policy's {@code succeededIndexes} write them ({@code orderedIntervals} in {@code
 * pkg/controller/job/indexed_job_utils.go}): ascending intervals, a run of three or more written {@code a-b}
 * ({@code "1,3-5,7"}; two consecutive indexes {@code "1,2"}). The controller reads them leniently ({@link
 * #parse}); the API server checks them strictly, with its messages ({@link #count}).
 */
public final class IndexIntervals {
  private IndexIntervals() {}

  /**
   * {@code parseIndexesFromString}: the indexes below {@code completions} that {@code text} lists; an interval
   * that cannot be read is skipped, and one starting at {@code completions} or above ends the list.
   */
  public static BitSet parse(String text, int completions) {
    BitSet out = new BitSet();
    if (text.isEmpty()) {
      return out;
    }
    for (String part : text.split(",")) {
      int dash = part.indexOf('-');
      try {
        int first = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1));
        if (first >= completions) {
          break;
        }
        if (first >= 0 && first <= last) {
          out.set(first, Math.min(last, completions - 1) + 1);
        }
      } catch (NumberFormatException e) {
        // the controller skips what it cannot read
      }
    }
    return out;
  }

  /** {@code orderedIntervals.String}. */
  public static String format(BitSet indexes) {
    StringBuilder out = new StringBuilder();
    int start = indexes.nextSetBit(0);
    while (start >= 0) {
      int end = indexes.nextClearBit(start) - 1;
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(start);
      if (end == start + 1) {
        out.append(',').append(end);
      } else if (end > start + 1) {
        out.append('-').append(end);
      }
      start = indexes.nextSetBit(end + 1);
    }
    return out.toString();
  }

  /**
   * {@code validateIndexesFormat}: how many indexes {@code text} lists, which must be ascending intervals
   * {@code a} or {@code a-b} (a &lt; b) below {@code completions}.
   */
  public static long count(String text, int completions) {
    if (text.isEmpty()) {
      return 0;
    }
    long total = 0;
    long previous = -1;
    for (String fragment : text.split(",", -1)) {
      String[] limits = fragment.split("-", -1);
      if (limits.length > 2) {
        throw new IllegalArgumentException("the fragment \"" + fragment
            + "\" violates the requirement that an index interval can have at most two parts separated by '-'");
      }
      long first = index(limits[0], completions);
      if (first <= previous) {
        throw new IllegalArgumentException("non-increasing order, previous: " + previous + ", current: " + first);
      }
      long last = first;
      if (limits.length == 2) {
        last = index(limits[1], completions);
        if (last <= first) {
          throw new IllegalArgumentException("non-increasing order, previous: " + first + ", current: " + last);
        }
      }
      total += last - first + 1;
      previous = last;
    }
    return total;
  }

  private static long index(String text, int completions) {
    long value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot convert string to integer for index: \"" + text + "\"");
    }
    if (value >= completions) {
      throw new IllegalArgumentException("too large index: \"" + text + "\"");
    }
    if (value < 0) {
      throw new IllegalArgumentException("cannot convert string to integer for index: \"" + text + "\"");
    }
    return value;
  }
}
