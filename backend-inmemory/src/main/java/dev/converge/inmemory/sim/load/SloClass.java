package dev.converge.inmemory.sim.load;

import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.accounting.Scope;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Kubernetes' API call latency SLOs (sig-scalability, per cluster-day, p99): mutating calls on one object
 * within 1 s; reads within 1 s for one object, 5 s for a namespace, 30 s for the whole cluster. Watches are
 * long-running and outside them.
 */
public enum SloClass {
  MUTATING("mutating", Duration.ofSeconds(1)),
  READ_RESOURCE("read-resource", Duration.ofSeconds(1)),
  READ_NAMESPACE("read-namespace", Duration.ofSeconds(5)),
  READ_CLUSTER("read-cluster", Duration.ofSeconds(30));

  private final String label;
  private final Duration threshold;

  SloClass(String label, Duration threshold) {
    this.label = label;
    this.threshold = threshold;
  }

  /** {@code mutating}, {@code read-resource}, … as reports print them. */
  public String label() {
    return label;
  }

  /** The p99 latency the class must stay within. */
  public Duration threshold() {
    return threshold;
  }

  /** The class {@code record} counts in, or null for watches and collection deletes. */
  public static @Nullable SloClass of(RequestRecord record) {
    switch (record.verb()) {
      case "watch":
      case "deletecollection":
        return null;
      case "get":
      case "list":
        return record.scope() == Scope.RESOURCE ? READ_RESOURCE
            : record.scope() == Scope.NAMESPACE ? READ_NAMESPACE : READ_CLUSTER;
      default:
        return record.mutating() ? MUTATING : null;
    }
  }
}
