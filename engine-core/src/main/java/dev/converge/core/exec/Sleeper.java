package dev.converge.core.exec;

import java.time.Duration;

/**
 * Waits in real time between retries of an unavailable server. Only the threaded driver gives the executor
 * one; without it (in simulation, in unit tests) an unavailable server fails the action as retryable and the
 * control loop requeues the primary, so nothing in the engine ever blocks on time.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Returns after {@code duration}, or earlier by throwing if the thread is interrupted (the driver is
   * stopping).
   */
  void sleep(Duration duration) throws InterruptedException;
}
