package dev.converge.guides.website;

import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.core.drive.PassListener;
import dev.converge.core.drive.ThreadedDriver;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.loop.ControlLoop;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Website operator as a process runs it: the {@link ControlLoop} around {@link WebsiteReconciler}, driven
 * in real time by a {@link ThreadedDriver} (worker threads, watches on the Websites and everything they own,
 * a periodic resync), against whatever {@link Backend} it is given — a real cluster in production
 * ({@link WebsiteOperatorMain}), the in-memory cluster in tests.
 */
public final class WebsiteOperator implements AutoCloseable {
  /** The field manager of the operator's applies, as {@code managedFields} show it. */
  public static final String FIELD_MANAGER = "website-operator";

  private final Backend backend;
  private final ThreadedDriver driver;

  /**
   * An operator on {@code backend}, not started.
   *
   * @param backend the cluster, acting as the operator's identity
   * @param registry where the loop, the executor and the work queue publish their meters
   * @param listeners told about every pass (a test waits on them; a process may log them)
   */
  public WebsiteOperator(Backend backend, MeterRegistry registry, PassListener... listeners) {
    this.backend = backend;
    // guide: begin wiring
    PlanExecutor executor = PlanExecutor.builder(backend)
        .applyOptions(ApplyOptions.manager(FIELD_MANAGER).forced())
        .sleeper(ThreadedDriver.realTimeSleeper()) // waits between retries of a busy server, in real time
        .meterRegistry(registry)
        .build();
    ControlLoop<Website> loop = ControlLoop.builder(backend, new WebsiteReconciler(), Ticker.system())
        .executor(executor)
        .meterRegistry(registry)
        .build();
    ThreadedDriver.Builder driver = ThreadedDriver.builder(loop)
        .workers(2)                             // two Websites reconciled at once, never one Website twice
        .resyncPeriod(Duration.ofMinutes(10));  // every Website looked at again, events or not
    for (PassListener listener : listeners) {
      driver.listener(listener);
    }
    this.driver = driver.build();
    // guide: end wiring
  }

  /** Applies the Website CRD, so that the API serves the kind before the operator watches it. */
  public void installCrd() {
    backend.apply(WebsiteCrd.definition(), ApplyOptions.manager(FIELD_MANAGER).forced());
  }

  /**
   * Opens the watches and starts the workers; every existing Website is reconciled first.
   *
   * @throws TimeoutException if the driver is not running within 30 seconds
   */
  public void start() throws TimeoutException {
    driver.startAsync().awaitRunning(30, TimeUnit.SECONDS);
  }

  /** Closes the watches and lets passes in flight finish (up to the driver's shutdown timeout). */
  @Override
  public void close() {
    driver.stopAsync().awaitTerminated();
  }
}
