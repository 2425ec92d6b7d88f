package dev.converge.core.cache;

import dev.converge.api.GroupKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The watch cache's meters, tagged by kind: {@value #SIZE} (objects held), {@value #RELISTS} (lists after the
 * first, after a {@code 410 Gone}) and {@value #WATCH_RESTARTS} (watches opened again after one ended or could
 * not be opened).
 */
final class CacheMetrics {
  static final String SIZE = "converge.cache.size";
  static final String RELISTS = "converge.cache.relists";
  static final String WATCH_RESTARTS = "converge.cache.watch.restarts";

  private final Counter relists;
  private final Counter watchRestarts;

  CacheMetrics(MeterRegistry registry, GroupKind kind, KindStore store) {
    String tag = kind.toString();
    Gauge.builder(SIZE, store, KindStore::size)
        .description("Objects held by the engine's watch cache, by kind")
        .tag("kind", tag)
        .register(registry);
    this.relists = Counter.builder(RELISTS)
        .description("Lists made after the first one, because a watch expired (410 Gone)")
        .tag("kind", tag)
        .register(registry);
    this.watchRestarts = Counter.builder(WATCH_RESTARTS)
        .description("Watches opened again after one ended or could not be opened")
        .tag("kind", tag)
        .register(registry);
  }

  void relist() {
    relists.increment();
  }

  void watchRestart() {
    watchRestarts.increment();
  }
}
