package dev.converge.inmemory;

import dev.converge.api.Ticker;
import java.time.Duration;
import java.time.Instant;

/** A ticker that moves only when told: starts at 2026-01-01T00:00:00Z. */
final class TestTicker implements Ticker {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private long nanos;

  @Override
  public long nanoTime() {
    return nanos;
  }

  @Override
  public Instant now() {
    return START.plusNanos(nanos);
  }

  void advance(Duration duration) {
    nanos += duration.toNanos();
  }
}
