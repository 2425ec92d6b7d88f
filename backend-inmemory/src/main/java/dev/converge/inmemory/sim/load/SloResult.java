package dev.converge.inmemory.sim.load;

/**
 * One SLO class over a run: how many requests counted, their p99 latency, and whether it exceeded the class's
 * threshold.
 *
 * @param slo the class
 * @param requests requests counted (rejections and watches left out)
 * @param p99Nanos their p99 latency
 * @param breached whether {@code p99Nanos} exceeds {@code slo.threshold()}
 */
public record SloResult(SloClass slo, long requests, long p99Nanos, boolean breached) {}
