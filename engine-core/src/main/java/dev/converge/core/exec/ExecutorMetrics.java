package dev.converge.core.exec;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * The executor's meters: {@code converge.actions} by verb and outcome, {@code converge.retries} by reason.
 * Micrometer caches meters by name and tags, so looking one up per event is cheap and needs no map here.
 */
final class ExecutorMetrics {
  private final MeterRegistry registry;

  ExecutorMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void action(String verb, ActionStatus status) {
    Counter.builder("converge.actions")
        .description("Plan actions executed, by verb and outcome")
        .tag("verb", verb)
        .tag("outcome", status.name().toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  void retry(String reason) {
    Counter.builder("converge.retries")
        .description("Requests repeated after a retryable failure, and primaries requeued after a failed pass")
        .tag("component", "executor")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }
}
