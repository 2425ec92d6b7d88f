package dev.converge.core.loop;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The loop's meters: {@code converge.reconcile} (timer by kind and outcome) and its share of {@code converge.retries}. */
final class LoopMetrics {
  private final MeterRegistry registry;
  private final String kind;

  LoopMetrics(MeterRegistry registry, String kind) {
    this.registry = registry;
    this.kind = kind;
  }

  /** One pass of {@code nanos} (ticker time: zero in a simulation unless the scheduler advanced). */
  void pass(String outcome, long nanos) {
    Timer.builder("converge.reconcile")
        .description("Reconcile passes, by primary kind and outcome")
        .tag("kind", kind)
        .tag("outcome", outcome)
        .register(registry)
        .record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  void retry(String reason) {
    Counter.builder("converge.retries")
        .description("Requests repeated after a retryable failure, and primaries requeued after a failed pass")
        .tag("component", "loop")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
