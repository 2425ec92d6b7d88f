package dev.converge.inmemory.sim.runtime;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A token bucket in integer nanoseconds of credit ({@code golang.org/x/time/rate}'s {@code Reserve}): one token
 * is {@code 1/qps} seconds of credit, the bucket holds at most {@code burst} tokens and starts full; a
 * reservation always succeeds and may drive the credit below zero, the wait being the time until it is back at
 * zero. Integer arithmetic keeps a transcript of waits exact (at 20 qps the 31st immediate request waits
 * exactly 50 ms).
 */
final class TokenBucketThrottle implements ClientThrottle {
  private final long tokenNanos;
  private final long capacityNanos;
  private long creditNanos;
  private long last = Long.MIN_VALUE;

  TokenBucketThrottle(double qps, int burst) {
    checkArgument(qps > 0 && burst > 0, "qps and burst must be positive: %s, %s", (Object) qps, (Object) burst);
    this.tokenNanos = Math.round(1e9 / qps);
    this.capacityNanos = tokenNanos * burst;
    this.creditNanos = capacityNanos;
  }

  @Override
  public long reserve(long nowNanos) {
    if (last == Long.MIN_VALUE) {
      last = nowNanos;
    } else if (nowNanos > last) {
      creditNanos = Math.min(capacityNanos, creditNanos + (nowNanos - last));
      last = nowNanos;
    }
    creditNanos -= tokenNanos;
    return creditNanos >= 0 ? 0 : -creditNanos;
  }

  @Override
  public String toString() {
    return "TokenBucket[" + (1e9 / tokenNanos) + " qps, burst " + (capacityNanos / tokenNanos) + "]";
  }
}
