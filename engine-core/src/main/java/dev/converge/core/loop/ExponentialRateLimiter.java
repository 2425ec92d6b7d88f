package dev.converge.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Per-item exponential backoff, as client-go's {@code ItemExponentialFailureRateLimiter}. */
final class ExponentialRateLimiter<T> implements RateLimiter<T> {
  private final long baseNanos;
  private final long maxNanos;
  private final Map<T, Integer> failures = new HashMap<>();

  ExponentialRateLimiter(Duration base, Duration max) {
    checkArgument(base.toNanos() > 0, "base delay must be positive: %s", base);
    checkArgument(max.compareTo(base) >= 0, "max delay %s is shorter than base delay %s", max, base);
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
  }

  @Override
  public synchronized Duration when(T item) {
    int exponent = failures.getOrDefault(item, 0);
    failures.put(item, exponent + 1);
    // client-go computes base * 2^exp in floating point and returns max on overflow; shifting past the
    // point where the result exceeds max gives the same answer without floating point.
    if (exponent >= 62 || baseNanos > (maxNanos >> exponent)) {
      return Duration.ofNanos(maxNanos);
    }
    return Duration.ofNanos(Math.min(baseNanos << exponent, maxNanos));
  }

  @Override
  public synchronized void forget(T item) {
    failures.remove(item);
  }

  @Override
  public synchronized int numRequeues(T item) {
    return failures.getOrDefault(item, 0);
  }
}
