package dev.converge.api;

import java.time.Instant;

/** The wall clock. Drivers inject it; the pure modules never reach for it themselves. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long nanoTime() {
    return System.nanoTime(); // allowed: the one wall-clock source, injected by real-time drivers
  }

  @Override
  public Instant now() {
    return Instant.now(); // allowed: the one wall-clock source, injected by real-time drivers
  }
}
