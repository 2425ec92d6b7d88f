package dev.converge.core.exec;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How often the executor repeats a request before it gives the failure back to the control loop.
 *
 * @param conflictAttempts attempts of a write that meets a retryable 409 Conflict (the object changed since it
 *     was read): re-read and retry at once, as client-go's {@code retry.RetryOnConflict} does
 * @param unavailableAttempts attempts of a request that meets 429/5xx, when a {@link Sleeper} is given
 * @param initialBackoff the first wait after an unavailable server, doubled on each further attempt
 * @param maxBackoff the longest wait; a server's {@code Retry-After} can make a wait longer than this
 */
public record RetryPolicy(int conflictAttempts, int unavailableAttempts, Duration initialBackoff, Duration maxBackoff) {
  private static final RetryPolicy DEFAULTS = new RetryPolicy(5, 5, Duration.ofMillis(100), Duration.ofSeconds(10));

  public RetryPolicy {
    checkArgument(conflictAttempts >= 1 && unavailableAttempts >= 1, "attempts must be at least 1");
    checkArgument(!initialBackoff.isNegative() && maxBackoff.compareTo(initialBackoff) >= 0,
        "backoffs must satisfy 0 <= initial <= max");
  }

  /** 5 attempts on conflict, 5 on unavailability with backoff 100 ms doubling to 10 s. */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** No repeats at all: every failure goes straight back to the control loop. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, 1, Duration.ZERO, Duration.ZERO);
  }

  /** The wait before attempt {@code retry + 1} ({@code retry} ≥ 1), ignoring any server hint. */
  public Duration backoff(int retry) {
    long nanos = initialBackoff.toNanos();
    for (int i = 1; i < retry && nanos < maxBackoff.toNanos(); i++) {
      nanos *= 2;
    }
    return Duration.ofNanos(Math.min(nanos, maxBackoff.toNanos()));
  }
}
