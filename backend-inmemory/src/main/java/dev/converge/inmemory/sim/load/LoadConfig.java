package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.inmemory.server.Identity;
import java.time.Duration;
import java.util.function.Function;

/**
 * How a {@link LoadModel} limits and measures: priority and fairness, service times, client-side limits
 * per identity, client retries, the width of the rate buckets, and whether the server keeps every request
 * record (a long simulation should not: the counts and histograms are kept either way).
 *
 * @param apf the priority-and-fairness configuration
 * @param latency the service-time model
 * @param limits the client-side limit of each identity (default {@link ClientLimit#defaultFor})
 * @param maxRetries how often a client resends a request answered 429 with {@code Retry-After} (client-go's
 *     {@code maxRetries}, 10)
 * @param bucket the width of the buckets of the rates over time (one minute)
 * @param retainRecords whether the server's request log keeps every record
 */
public record LoadConfig(ApfConfig apf, LatencyModel latency, Function<Identity, ClientLimit> limits, int maxRetries,
    Duration bucket, boolean retainRecords) {

  public LoadConfig {
    checkArgument(maxRetries >= 0, "maxRetries must not be negative");
    checkArgument(bucket.toNanos() > 0, "bucket must be positive");
  }

  /** Kubernetes' defaults everywhere; one-minute buckets; records not retained. */
  public static LoadConfig defaults() {
    return new LoadConfig(ApfConfig.kubernetesDefaults(), LatencyModel.defaults(), ClientLimit::defaultFor, 10,
        Duration.ofMinutes(1), false);
  }

  public LoadConfig withApf(ApfConfig value) {
    return new LoadConfig(value, latency, limits, maxRetries, bucket, retainRecords);
  }

  public LoadConfig withLatency(LatencyModel value) {
    return new LoadConfig(apf, value, limits, maxRetries, bucket, retainRecords);
  }

  public LoadConfig withLimits(Function<Identity, ClientLimit> value) {
    return new LoadConfig(apf, latency, value, maxRetries, bucket, retainRecords);
  }

  public LoadConfig withRetainRecords(boolean value) {
    return new LoadConfig(apf, latency, limits, maxRetries, bucket, value);
  }
}
