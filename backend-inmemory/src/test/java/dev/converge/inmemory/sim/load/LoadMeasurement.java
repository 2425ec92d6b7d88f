package dev.converge.inmemory.sim.load;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.time.Duration;

/**
 * A quick, manual measurement (not a test): the cost the load model adds per request. {@code nodes} kubelets
 * renew their Lease every 10 s for a simulated hour (3.6 M updates at 10,000 nodes), once through {@link
 * SimClient}s (token bucket, priority and fairness, response on the virtual clock, accounting) and once as
 * direct server calls, in the same JVM.
 *
 * <p>Run: {@code java -Xmx2g -cp <test classpath> dev.converge.inmemory.sim.load.LoadMeasurement 10000 3}
 */
public final class LoadMeasurement {
  private LoadMeasurement() {}

  public static void main(String[] args) {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    for (int run = 0; run < runs; run++) {
      long direct = once(nodes, false);
      long modelled = once(nodes, true);
      System.out.printf("leases nodes=%d requests=%d direct_ms=%d load_model_ms=%d extra_ns_per_request=%d%n", nodes,
          nodes * 360L, direct / 1_000_000, modelled / 1_000_000, (modelled - direct) / (nodes * 360L));
    }
  }

  private static long once(int nodes, boolean model) {
    VirtualScheduler scheduler = new VirtualScheduler();
    InMemoryCluster cluster = InMemoryCluster.create(scheduler, 1);
    ApiServer server = cluster.server();
    server.requests().retainRecords(false);
    Resource[] leases = new Resource[nodes];
    Identity[] kubelets = new Identity[nodes];
    for (int i = 0; i < nodes; i++) {
      kubelets[i] = new Identity("system:node:n" + i, ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
      leases[i] = server.create(Identity.admin(), Resource.of(Json.parse("""
          {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"n%d","namespace":"kube-node-lease"},
           "spec":{"holderIdentity":"n%d","leaseDurationSeconds":40}}""".formatted(i, i))));
    }
    LoadModel load = model ? LoadModel.install(server, scheduler) : null;
    long start = System.nanoTime();
    for (int i = 0; i < nodes; i++) {
      int node = i;
      long phase = (long) i * 10_000_000_000L / nodes;
      renew(scheduler, server, load, kubelets, leases, node, phase);
    }
    scheduler.runUntil(Duration.ofHours(1).toNanos());
    return System.nanoTime() - start;
  }

  private static void renew(VirtualScheduler scheduler, ApiServer server, LoadModel load, Identity[] kubelets,
      Resource[] leases, int node, long at) {
    scheduler.scheduleAt(at, () -> {
      Resource next = leases[node].edit(tree -> tree.withObjectProperty("spec").put("renewTime", scheduler.now().toString()));
      if (load == null) {
        leases[node] = server.update(kubelets[node], next);
      } else {
        load.client(kubelets[node]).send(ApiCall.update(next), response -> {
          if (response.isOk()) {
            leases[node] = response.value();
          }
        });
      }
      renew(scheduler, server, load, kubelets, leases, node, at + 10_000_000_000L);
    });
  }
}
