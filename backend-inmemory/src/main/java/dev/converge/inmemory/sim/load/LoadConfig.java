package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How a {@link LoadModel} limits and measures on the server side: priority and fairness, service times, the
 * width of the rate buckets, and whether the server keeps every request record (a long simulation should
 * not: the counts and histograms are kept either way). Client-side limits are the simulation's {@code
 * ThrottleFactory}'s (Kubernetes' defaults).
 *
 * @param apf the priority-and-fairness configuration
 * @param latency the service-time model
 * @param bucket the width of the buckets of the rates over time (one minute)
 * @param retainRecords whether the server's request log keeps every record
 */
public record LoadConfig(ApfConfig apf, LatencyModel latency, Duration bucket, boolean retainRecords) {

  public LoadConfig {
    checkArgument(bucket.toNanos() > 0, "bucket must be positive");
  }

  /** Kubernetes' defaults; one-minute buckets; records not retained. */
  public static LoadConfig defaults() {
    return new LoadConfig(ApfConfig.kubernetesDefaults(), LatencyModel.defaults(), Duration.ofMinutes(1), false);
  }

  public LoadConfig withApf(ApfConfig value) {
    return new LoadConfig(value, latency, bucket, retainRecords);
  }

  public LoadConfig withLatency(LatencyModel value) {
    return new LoadConfig(apf, value, bucket, retainRecords);
  }

  public LoadConfig withRetainRecords(boolean value) {
    return new LoadConfig(apf, latency, bucket, value);
  }
}
