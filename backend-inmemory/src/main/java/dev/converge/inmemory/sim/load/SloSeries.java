package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableList;

/**
 * One SLO class over time: in each rate bucket (from the start of the run), how many requests counted and
 * their p99 latency. The SLO itself is judged over the whole run ({@link SloResult}); the series shows when
 * latency rose, e.g. during a rollout's burst of LISTs.
 *
 * @param slo the class
 * @param requestsPerBucket requests counted per bucket (rejections and watches left out); trailing buckets
 *     without any left out
 * @param p99NanosPerBucket their p99 latency per bucket, 0 where a bucket counted none
 */
public record SloSeries(SloClass slo, ImmutableList<Long> requestsPerBucket, ImmutableList<Long> p99NanosPerBucket) {}
