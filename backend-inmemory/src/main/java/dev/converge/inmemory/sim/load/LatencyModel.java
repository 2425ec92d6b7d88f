package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * How long the server takes to serve a request once it has its seats: a base time per kind of verb, plus a
 * time per object it looks at (filtering the watch cache) and per object it returns (encoding). The defaults
 * are orders of magnitude for a kube-apiserver serving from its watch cache with etcd writes — a GET in about
 * a millisecond, a write in ten, a LIST of 150,000 pods in seconds — chosen for this model, not measured; a
 * run that needs other figures passes its own.
 *
 * @param read the base time of a GET
 * @param list the base time of a LIST
 * @param watch the base time of opening a WATCH (its initial events are counted as returned objects)
 * @param write the base time of a create, update, patch or delete (admission, an etcd round trip)
 * @param perScanned the time per object looked at
 * @param perReturned the time per object returned
 */
public record LatencyModel(Duration read, Duration list, Duration watch, Duration write, Duration perScanned,
    Duration perReturned) {

  public LatencyModel {
    for (Duration d : new Duration[] {read, list, watch, write, perScanned, perReturned}) {
      checkArgument(!d.isNegative(), "latencies must not be negative: %s", d);
    }
  }

  /** GET 1 ms, LIST 2 ms, WATCH 1 ms, writes 10 ms; 2 µs per object scanned, 20 µs per object returned. */
  public static LatencyModel defaults() {
    return new LatencyModel(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(1), Duration.ofMillis(10),
        Duration.ofNanos(2_000), Duration.ofNanos(20_000));
  }

  /** The service time of a request with {@code verb} that scanned and returned these many objects. */
  public long serviceNanos(String verb, int scanned, int returned) {
    long base;
    switch (verb) {
      case "get":
        base = read.toNanos();
        break;
      case "list":
        base = list.toNanos();
        break;
      case "watch":
        base = watch.toNanos();
        break;
      default:
        base = write.toNanos();
    }
    return base + scanned * perScanned.toNanos() + returned * perReturned.toNanos();
  }
}
