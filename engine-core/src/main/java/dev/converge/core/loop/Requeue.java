package dev.converge.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * What a pass asks of the work queue, as controller-runtime's {@code Result}/error: nothing ({@link #none()}:
 * forget the key's backoff; events bring it back), a fixed wait ({@link #after}: forget, then {@code
 * AddAfter}), or a failure's backoff ({@link #backoff}: {@code AddRateLimited}, but no sooner than the
 * server's hint).
 *
 * @param kind which of the three
 * @param delay the wait for {@link Kind#AFTER}, the minimum for {@link Kind#BACKOFF}, zero for {@link Kind#NONE}
 */
public record Requeue(Kind kind, Duration delay) {
  private static final Requeue NONE = new Requeue(Kind.NONE, Duration.ZERO);

  /** The three requests a pass can make of the queue. */
  public enum Kind {
    NONE,
    AFTER,
    BACKOFF
  }

  public Requeue {
    checkArgument(!delay.isNegative(), "delay must not be negative: %s", delay);
    checkArgument(kind != Kind.NONE || delay.isZero(), "NONE has no delay");
  }

  /** Done: forget the key's failures; only an event or a resync brings it back. */
  public static Requeue none() {
    return NONE;
  }

  /** Progress that needs another look after {@code delay} (a gate not met yet); not a failure. */
  public static Requeue after(Duration delay) {
    return new Requeue(Kind.AFTER, delay);
  }

  /** A failure: retry with the rate limiter's backoff, and not before {@code atLeast}. */
  public static Requeue backoff(Duration atLeast) {
    return new Requeue(Kind.BACKOFF, atLeast);
  }

  @Override
  public String toString() {
    switch (kind) {
      case NONE:
        return "none";
      case AFTER:
        return "after " + delay.toMillis() + "ms";
      default:
        return delay.isZero() ? "backoff" : "backoff (at least " + delay.toMillis() + "ms)";
    }
  }
}
