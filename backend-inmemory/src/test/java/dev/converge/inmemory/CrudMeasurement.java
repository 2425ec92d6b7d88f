package dev.converge.inmemory;

import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A quick, manual measurement (not a test, not a benchmark): the issue-3 CRUD workload through the Backend
 * SPI on the in-memory backend — n ConfigMaps and n Deployments applied, read, listed, updated and deleted.
 * The real side-by-side benchmark against fabric8 lives in the benchmarks module.
 *
 * <p>Run: {@code java -cp <classpath> dev.converge.inmemory.CrudMeasurement 2000 15}
 */
public final class CrudMeasurement {
  private CrudMeasurement() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    long[] millis = new long[runs];
    for (int run = 0; run < runs; run++) {
      millis[run] = once(n) / 1_000_000;
    }
    System.out.println("last run, ns per request: create=" + PHASES[0] / (2L * n) + " get=" + PHASES[1] / (2L * n)
        + " list(all " + 2 * n + ")=" + PHASES[2] / 2 + " update=" + PHASES[3] / (2L * n) + " delete=" + PHASES[4] / (2L * n));
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    System.out.println("inmemory-crud n=" + n + " runs=" + Arrays.toString(millis) + " median_ms=" + sorted[runs / 2]
        + " per_request_us=" + String.format("%.2f", sorted[runs / 2] * 1000.0 / (n * 2 * 4 + 2)));
  }

  private static final long[] PHASES = new long[5];

  private static long once(int n) {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 1);
    cluster.requests().retainRecords(false);
    InMemoryBackend backend = cluster.backend();
    List<Resource> objects = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      objects.add(Fixtures.configMap("default", "cm-" + i, "v"));
      objects.add(Fixtures.deployment("default", "web-" + i, "nginx:1.27"));
    }
    long start = System.nanoTime();
    List<Resource> stored = new ArrayList<>(objects.size());
    for (Resource object : objects) {
      stored.add(create(cluster, backend, object));
    }
    long created = System.nanoTime();
    for (Resource object : stored) {
      backend.get(object.key());
    }
    long got = System.nanoTime();
    backend.list(ListRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("default"));
    backend.list(ListRequest.all(GroupKind.of("apps", "Deployment")).inNamespace("default"));
    long listed = System.nanoTime();
    for (Resource object : stored) {
      backend.update(object.withLabel("updated", "true"));
    }
    long updated = System.nanoTime();
    for (Resource object : stored) {
      backend.delete(object.key(), DeleteOptions.of(Propagation.BACKGROUND));
    }
    long deleted = System.nanoTime();
    PHASES[0] = created - start;
    PHASES[1] = got - created;
    PHASES[2] = listed - got;
    PHASES[3] = updated - listed;
    PHASES[4] = deleted - updated;
    return deleted - start;
  }

  private static Resource create(InMemoryCluster cluster, InMemoryBackend backend, Resource object) {
    if (System.getProperty("viaApply") != null) {
      return backend.apply(object, ApplyOptions.defaults());
    }
    return cluster.server().create(backend.identity(), object);
  }
}
