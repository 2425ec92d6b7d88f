package dev.converge.k8s;

import dev.converge.api.GroupKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The backend's meters, in the registry the embedding passes in (no static registry):
 *
 * <ul>
 *   <li>{@code converge.k8s.requests} (counter; tags {@code verb}, {@code kind}, {@code outcome}): every
 *       request, {@code outcome} being {@code success} or the failure's kind ({@code conflict}, {@code
 *       not_found}, {@code unavailable}, …);
 *   <li>{@code converge.k8s.request.duration} (timer; tags {@code verb}, {@code kind}): request latency to
 *       the last byte of the answer (for watches, to the answer's headers);
 *   <li>{@code converge.k8s.watch.restarts} (counter; tag {@code kind}): watches reopened after the server
 *       or the network ended them;
 *   <li>{@code converge.k8s.apply.fallbacks} (counter; tag {@code kind}): applies carried out by get and
 *       create/update because the server has no server-side apply.
 * </ul>
 */
final class BackendMetrics {
  static final String REQUESTS = "converge.k8s.requests";
  static final String DURATION = "converge.k8s.request.duration";
  static final String WATCH_RESTARTS = "converge.k8s.watch.restarts";
  static final String APPLY_FALLBACKS = "converge.k8s.apply.fallbacks";

  private final MeterRegistry registry;

  BackendMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void request(HttpVerb verb, GroupKind kind, String outcome, long nanos) {
    String kindTag = kind.toString();
    Counter.builder(REQUESTS)
        .description("Kubernetes API requests made by the backend")
        .tag("verb", verb.tag())
        .tag("kind", kindTag)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
    Timer.builder(DURATION)
        .description("Latency of Kubernetes API requests")
        .tag("verb", verb.tag())
        .tag("kind", kindTag)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void watchRestart(GroupKind kind) {
    Counter.builder(WATCH_RESTARTS).tag("kind", kind.toString()).register(registry).increment();
  }

  void applyFallback(GroupKind kind) {
    Counter.builder(APPLY_FALLBACKS).tag("kind", kind.toString()).register(registry).increment();
  }

  /** The outcome tag of a failure: its type in snake case ({@code AlreadyExists} → {@code already_exists}). */
  static String outcome(Throwable failure) {
    String name = failure.getClass().getSimpleName();
    StringBuilder out = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        out.append('_');
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString();
  }
}
