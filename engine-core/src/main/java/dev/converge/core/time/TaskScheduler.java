package dev.converge.core.time;

import java.time.Duration;

/**
 * Runs a task after a delay. The virtual scheduler implements it in simulated time; the threaded driver over
 * a {@link java.util.concurrent.ScheduledExecutorService} in real time. Components that need "later" (watch
 * reconnects, resync) take one, so the same code runs under both.
 */
@FunctionalInterface
public interface TaskScheduler {

  /**
   * Runs {@code task} once, {@code delay} from now.
   *
   * @throws IllegalArgumentException if {@code delay} is negative
   */
  ScheduledTask schedule(Duration delay, Runnable task);
}
