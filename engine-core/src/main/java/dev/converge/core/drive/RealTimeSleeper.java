package dev.converge.core.drive;

import dev.converge.api.Ticker;
import dev.converge.core.exec.Sleeper;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits in real time by parking the thread until the deadline on {@link Ticker#system()}, and gives up with
 * {@link InterruptedException} as soon as the thread is interrupted. Only the threaded driver hands it out.
 */
enum RealTimeSleeper implements Sleeper {
  INSTANCE;

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    Ticker clock = Ticker.system();
    long deadline = clock.nanoTime() + duration.toNanos();
    for (long left = duration.toNanos(); left > 0; left = deadline - clock.nanoTime()) {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted while waiting to retry");
      }
      LockSupport.parkNanos(this, left); // may return early (spuriously or on interrupt): the loop checks
    }
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while waiting to retry");
    }
  }
}
