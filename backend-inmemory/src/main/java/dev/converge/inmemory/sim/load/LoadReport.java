package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * The API-server load of a run: totals, one row per identity (busiest first), the SLO classes, what each
 * priority level did, and the requests that proxies answered instead of the API server.
 *
 * @param startNanos when accounting started (virtual time)
 * @param endNanos when the report was taken
 * @param bucketNanos the width of the rate buckets
 * @param requestsTotal requests the API server answered, rejections included
 * @param rejectedTotal requests answered 429
 * @param identities per identity, by requests descending then name
 * @param slos per SLO class, in {@link SloClass} order
 * @param slosOverTime per SLO class, in {@link SloClass} order, its p99 in each rate bucket
 * @param levels per priority level
 * @param proxied requests answered by proxies, by proxy then identity
 * @param watchEventsTotal events the API server sent to watches, BOOKMARKs included
 */
public record LoadReport(long startNanos, long endNanos, long bucketNanos, long requestsTotal, long rejectedTotal,
    ImmutableList<IdentityLoad> identities, ImmutableList<SloResult> slos, ImmutableList<SloSeries> slosOverTime,
    ImmutableList<LevelStats> levels,
    ImmutableList<ProxyLoad> proxied, long watchEventsTotal) {

  /** How many rate buckets the accounted time spans (the last one possibly partial). */
  public int buckets() {
    return (int) ((endNanos - startNanos + bucketNanos - 1) / bucketNanos);
  }

  /** The accounted time in minutes. */
  public double minutes() {
    return (endNanos - startNanos) / 60e9;
  }

  /** Watch events sent per minute. */
  public double watchEventsPerMinute() {
    return watchEventsTotal / Math.max(minutes(), 1e-9);
  }

  /** The SLO classes whose p99 exceeded their threshold. */
  public ImmutableList<SloResult> breaches() {
    return slos.stream().filter(SloResult::breached).collect(ImmutableList.toImmutableList());
  }

  /** The row of {@code identity} ({@code system:node:*} for kubelets). */
  public Optional<IdentityLoad> identity(String identity) {
    return identities.stream().filter(row -> row.identity().equals(identity)).findFirst();
  }

  /** The result of {@code slo}. */
  public SloResult slo(SloClass slo) {
    return slos.get(slo.ordinal());
  }

  /** Requests answered by proxies. */
  public long proxiedTotal() {
    return proxied.stream().mapToLong(ProxyLoad::requests).sum();
  }
}
