package dev.converge.inmemory.sim.node;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A delay drawn uniformly between two bounds (both inclusive of the lower, exclusive of the upper, in
 * nanoseconds); equal bounds make it fixed.
 *
 * @param min the shortest delay
 * @param max the longest delay
 */
public record DelayRange(Duration min, Duration max) {
  public DelayRange {
    checkArgument(!min.isNegative() && min.compareTo(max) <= 0, "need 0 <= min <= max: %s, %s", min, max);
  }

  public static DelayRange fixed(Duration value) {
    return new DelayRange(value, value);
  }

  public static DelayRange between(Duration min, Duration max) {
    return new DelayRange(min, max);
  }

  /** One draw, in nanoseconds. */
  public long sampleNanos(SplittableRandom random) {
    long lo = min.toNanos();
    long hi = max.toNanos();
    return lo == hi ? lo : lo + random.nextLong(hi - lo);
  }
}
