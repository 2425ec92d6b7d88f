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
 *
 * <p>At a {@link #speed speed} other than 1 the virtual clock runs that many times as fast as the wall clock (or as
 * slow): a 5,000-node rollout paced by kube-controller-manager's 20 requests a second takes four simulated minutes,
 * and fifteen wall seconds at speed 16. Timestamps then drift from the wall clock by design.
 */
final class WallClockPacer implements AutoCloseable {
  private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  /** The fastest pace: beyond it a busy simulation could not keep up anyway. */
  static final double MAX_SPEED = 1000;

  /** Where the virtual clock should stand at a given wall time: {@code virtual + (wallNow - wall) * speed}. */
  record Anchor(long wallNanos, long virtualNanos, double speed) {
    long target(long wallNow) {
      return virtualNanos + (long) ((wallNow - wallNanos) * speed);
    }

    /** The same line from {@code wallNow} on, at {@code newSpeed}: the clock neither jumps nor goes back. */
    Anchor at(long wallNow, double newSpeed) {
      return new Anchor(wallNow, target(wallNow), newSpeed);
    }
  }

  private final Simulation sim;
  private volatile Anchor anchor;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile @Nullable Throwable failure;

  private WallClockPacer(Simulation sim) {
    this.sim = sim;
    this.anchor = new Anchor(System.nanoTime(), sim.clock().nanoTime(), 1);
    this.thread = new Thread(this::run, "converge-serve-clock");
    this.thread.setDaemon(true);
  }

  static WallClockPacer start(Simulation sim) {
    WallClockPacer pacer = new WallClockPacer(sim);
    pacer.thread.start();
    return pacer;
  }

  /**
   * From now on, {@code speed} virtual seconds per wall second.
   *
   * @throws IllegalArgumentException unless {@code 0 < speed <= 1000}
   */
  void speed(double speed) {
    if (!isValidSpeed(speed)) {
      throw new IllegalArgumentException("speed " + speed + " is not in (0, " + (long) MAX_SPEED + "]");
    }
    anchor = anchor.at(System.nanoTime(), speed);
  }

  /** Whether the pacer can run at {@code speed}: above 0 and at most {@link #MAX_SPEED}. */
  static boolean isValidSpeed(double speed) {
    return speed > 0 && speed <= MAX_SPEED;
  }

  private void run() {
    try {
      while (!stopped) {
        long target = anchor.target(System.nanoTime());
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
