package dev.converge.testkit.contract;

import dev.converge.api.Ticker;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * {@link BackendFixture#awaitTrue} for backends over the network, whose controllers and watch deliveries run
 * on their own time: checks the condition every {@code interval} until it holds or {@code timeout} passes.
 * It sleeps on the wall clock, so fixtures that use it belong in {@code *IT} tests (failsafe), never in a
 * {@code *Test}; the in-memory fixture settles instead.
 */
public final class Polling {
  private Polling() {}

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} if it does not within {@code timeout}
   */
  public static void awaitTrue(String what, BooleanSupplier condition, Duration timeout, Duration interval) {
    Ticker clock = Ticker.system();
    long deadline = clock.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (clock.nanoTime() - deadline >= 0) {
        throw new AssertionError("expected " + what + " within " + timeout + ", but it does not hold");
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
