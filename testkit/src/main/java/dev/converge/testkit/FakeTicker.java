package dev.converge.testkit;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.api.Ticker;
import java.time.Duration;
import java.time.Instant;

/**
 * A {@link Ticker} that moves only when a test says so, as Guava's {@code FakeTicker}: components that take a
 * ticker can be stepped through time without sleeping. It starts at {@link #DEFAULT_START} (nanoTime 0).
 *
 * <p>Thread-safe, so a threaded component may read it while the test advances it; for a whole simulation use
 * the engine's {@code VirtualScheduler}, which is a ticker that also runs what is due.
 */
public final class FakeTicker implements Ticker {
  /** Where {@link #now()} starts: a fixed instant, so timestamps written in tests are reproducible. */
  public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

  private final Instant start;
  private long nanos;

  /** A ticker at {@link #DEFAULT_START}. */
  public FakeTicker() {
    this(DEFAULT_START);
  }

  /** A ticker whose {@link #now()} is {@code start} at nanoTime 0. */
  public FakeTicker(Instant start) {
    this.start = start;
  }

  @Override
  public synchronized long nanoTime() {
    return nanos;
  }

  @Override
  public synchronized Instant now() {
    return start.plusNanos(nanos);
  }

  /** Moves time forward by {@code duration}; returns this ticker. */
  public synchronized FakeTicker advance(Duration duration) {
    checkArgument(!duration.isNegative(), "time does not run backwards: %s", duration);
    nanos += duration.toNanos();
    return this;
  }

  /** Moves time forward by {@code millis} milliseconds. */
  public FakeTicker advanceMillis(long millis) {
    return advance(Duration.ofMillis(millis));
  }

  /** Time elapsed since the start. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nanos);
  }

  @Override
  public String toString() {
    return "FakeTicker[" + now() + "]";
  }
}
