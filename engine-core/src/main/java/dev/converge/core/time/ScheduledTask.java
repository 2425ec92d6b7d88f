package dev.converge.core.time;

/** A task handed to a {@link TaskScheduler}. Cancelling it before it runs means it never runs. */
public interface ScheduledTask {

  /** Prevents the task from running if it has not started; harmless if it has run or was cancelled. */
  void cancel();

  /** Whether {@link #cancel()} was called before the task ran. */
  boolean isCancelled();
}
