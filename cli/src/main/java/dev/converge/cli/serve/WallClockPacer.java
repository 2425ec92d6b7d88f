package dev.converge.cli.serve;

import dev.converge.inmemory.sim.Simulation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * Moves a simulation's virtual clock with the wall clock: one thread runs the events due up to "now" in slices of
 * at most {@link #SLICE_NANOS} of virtual time, each under the API server's lock, so that HTTP requests
 * interleave with the simulation between events and never inside one. When the simulation falls behind (a
 * burst of work), it catches up slice by slice; it never runs ahead of the wall clock.
 *
 * <p>An event that throws stops the clock: the failure is kept ({@link #failure()}) and printed once on
 * standard error, and the server keeps answering requests about the cluster as it stood.
 */
final class WallClockPacer implements AutoCloseable {
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final Simulation sim;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile @Nullable Throwable failure;

  private WallClockPacer(Simulation sim) {
    this.sim = sim;
    this.thread = new Thread(this::run, "converge-serve-clock");
    this.thread.setDaemon(true);
  }

  static WallClockPacer start(Simulation sim) {
    WallClockPacer pacer = new WallClockPacer(sim);
    pacer.thread.start();
    return pacer;
  }

  private void run() {
    long wallStart = System.nanoTime();
    long virtualStart = sim.clock().nanoTime();
    try {
      while (!stopped) {
        long target = virtualStart + (System.nanoTime() - wallStart);
        sim.server().locked(() -> sim.clock().runUntil(Math.min(target, sim.clock().nanoTime() + SLICE_NANOS)));
        if (sim.clock().nanoTime() >= target) {
          LockSupport.parkNanos(IDLE_NANOS);
        } else {
          Thread.yield();
        }
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      System.err.println("converge: the simulation stopped: " + e);
    }
  }

  /** Why the clock stopped, or null while it runs (or after {@link #close}). */
  @Nullable Throwable failure() {
    return failure;
  }

  /** Stops the clock and waits for its thread. */
  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
