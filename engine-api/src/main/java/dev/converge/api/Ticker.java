package dev.converge.api;

import java.time.Instant;

/**
 * The one source of time for everything that needs it. Components take a ticker in their constructor and
 * never read the wall clock themselves, so a simulation can run them in virtual time and a test can step
 * them deterministically.
 */
public interface Ticker {

  /** {@return monotonic nanoseconds from an arbitrary origin; only differences are meaningful} */
  long nanoTime();

  /** {@return the current instant, for timestamps written into objects ({@code creationTimestamp}, conditions)} */
  Instant now();

  /**
   * {@return the real clock: {@link System#nanoTime()} and {@link Instant#now()}} For drivers, never for the
   * core.
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}
