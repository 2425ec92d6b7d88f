package dev.converge.inmemory.sim.load;

import java.util.Arrays;

/**
 * Latencies in nanoseconds, counted in log-linear buckets: 32 buckets per power of two, so a percentile is
 * within about 3 % of the exact value, is the same on every run, and costs one array slot per bucket whatever
 * the number of requests (HdrHistogram's layout, two significant bits fewer).
 */
final class LatencyHistogram {
  private static final int SUB_BITS = 5;
  private static final int SUB = 1 << SUB_BITS;

  private int[] counts = new int[0];
  private long total;
  private long max;

  void record(long nanos) {
    long value = Math.max(0, nanos);
    int index = index(value);
    if (index >= counts.length) {
      counts = Arrays.copyOf(counts, Math.max(index + 1, counts.length * 2));
    }
    counts[index]++;
    total++;
    max = Math.max(max, value);
  }

  void addAll(LatencyHistogram other) {
    if (other.counts.length > counts.length) {
      counts = Arrays.copyOf(counts, other.counts.length);
    }
    for (int i = 0; i < other.counts.length; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
    max = Math.max(max, other.max);
  }

  long count() {
    return total;
  }

  /**
   * The {@code q} quantile (0 < q ≤ 1): the upper bound of the bucket holding the value of rank {@code
   * ceil(q × count)}, never above the largest value recorded; 0 when nothing was recorded.
   */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }

  static int index(long value) {
    if (value < SUB) {
      return (int) value;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(value);
    int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB - 1);
    return (exponent - SUB_BITS + 1) * SUB + sub;
  }

  static long upperBound(int index) {
    if (index < SUB) {
      return index;
    }
    int exponent = index / SUB + SUB_BITS - 1;
    int sub = index % SUB;
    return ((long) (SUB + sub + 1) << (exponent - SUB_BITS)) - 1;
  }
}
