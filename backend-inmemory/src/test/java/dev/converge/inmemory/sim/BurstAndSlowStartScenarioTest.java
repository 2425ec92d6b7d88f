package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.dsStatus;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.RequestInterceptor;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet controller's burst limit and slow start, seen in the request log of a 600-node roll-out: with
 * every request taking 1 ms and no client-side throttling, the creates of one sync come in batches of 1, 2, 4,
 * … one millisecond apart, at most 250 per sync; the next sync waits until the informer has seen them all
 * (expectations).
 */
class BurstAndSlowStartScenarioTest {

  /** Every request takes 1 ms: a stand-in for the load model's latency, to separate the batches in time. */
  private static final RequestInterceptor ONE_MS = new RequestInterceptor() {
    @Override
    public <T> T intercept(dev.converge.inmemory.server.RequestContext request, Chain<T> next) {
      request.setLatencyNanos(1_000_000);
      return next.proceed();
    }
  };

  @Test
  void creates_comeInSlowStartBatches_atMost250PerSync() {
    Simulation sim = Simulation.builder().seed(3).kubelet(fixedKubelet()).pool(NodePool.plain(600))
        .throttles(ThrottleFactory.unlimited()).interceptor(ONE_MS).build().start();
    sim.runFor(Duration.ofSeconds(5));
    sim.cluster().requests().clear();
    sim.create(daemonSet("agent", "", ""));
    sim.runUntil(() -> dsStatus(sim, "agent").path("numberAvailable").asInt() == 600, Duration.ofMinutes(5));

    // Creates of pods by kube-controller-manager, grouped by the millisecond they were served in.
    Map<Long, Integer> byMillisecond = new TreeMap<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals("system:kube-controller-manager") && r.verb().equals("create")
          && r.resource().equals("pods")) {
        byMillisecond.merge(r.startNanos() / 1_000_000, 1, Integer::sum);
      }
    }
    List<Integer> batches = new ArrayList<>(byMillisecond.values());
    // Three syncs: 250 (1, 2, 4, …, 64, 123), 250 again, then the last 100 (1, 2, 4, 8, 16, 32, 37). One create's
    // first generated name was taken (as generateName's five random characters can be); the API server drew
    // another, so the controller saw no 409 and made no extra create.
    assertThat(batches).containsExactly(1, 2, 4, 8, 16, 32, 64, 123, 1, 2, 4, 8, 16, 32, 64, 123,
        1, 2, 4, 8, 16, 32, 37);
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-controller-manager")
        && r.verb().equals("create") && r.resource().equals("pods") && r.code() != 201)).isZero();
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(600);
  }

  @Test
  void controllerManagerQps_boundsTheRollout() {
    // 300 creates at the DaemonSet controller's 20 qps (burst 30), shared with its own status writes and
    // Events: at least (300 − 30) / 20 = 13.5 s of creates.
    Simulation sim = Simulation.builder().seed(3).kubelet(fixedKubelet()).pool(NodePool.plain(300)).build().start();
    sim.runFor(Duration.ofSeconds(5));
    sim.create(daemonSet("agent", "", ""));
    long start = sim.clock().nanoTime();
    sim.runUntil(() -> dsStatus(sim, "agent").path("numberAvailable").asInt() == 300, Duration.ofMinutes(5));
    double seconds = (sim.clock().nanoTime() - start) / 1e9;

    assertThat(seconds).isGreaterThanOrEqualTo(13.5);
    // The last create waits for its token behind the controller's status writes and its SuccessfulCreate
    // Events (25 before the spam filter holds them back); its pod then needs the 4.04 s of scheduling, pull,
    // start and watch delays. The node controller's RegisteredNode Events for the 300 nodes take tokens from
    // the node controller's bucket, not from this one.
    assertThat(sim.clock().nanoTime() - start).isEqualTo(18_510_000_000L);
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-controller-manager")
        && r.verb().equals("create") && !r.resource().equals("events"))).isEqualTo(301);
  }
}
