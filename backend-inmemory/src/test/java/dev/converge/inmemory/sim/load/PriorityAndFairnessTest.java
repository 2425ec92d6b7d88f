package dev.converge.inmemory.sim.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.load.FlowSchema.Distinguisher;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import java.time.Duration;
import java.util.List;
import dev.converge.inmemory.accounting.ApiServerMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Priority and fairness on the virtual clock, on one small level where every request takes exactly one
 * second to serve, so that each wait can be checked by hand:
 *
 * <ul>
 *   <li>requests take free seats at once, wait in their flow's queues otherwise, and are rejected with 429
 *       (latency 0) when every seat is taken and their queue is full, then sent again after Retry-After;
 *   <li>fair queuing serves a light flow before the backlog of a heavy one;
 *   <li>a request that waited the wait limit is rejected then, with that wait as its latency;
 *   <li>synchronous callers take seats without queuing; {@code system:masters} takes none.
 * </ul>
 */
class PriorityAndFairnessTest {
  private static final Identity ALICE = Identity.user("alice");
  private static final Identity BOB = Identity.user("bob");
  private final LoadFixture f = new LoadFixture();
  private final SimContext context = f.context(ThrottleFactory.unlimited());

  @Test
  void metrics_countRequestsRejectionsAndSimulatedLatency_inTheEmbeddingsRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LoadModel load = install(2, 8, 2, 2);
    for (int i = 1; i <= 7; i++) {
      f.server.create(Identity.admin(), LoadFixture.configMap("default", "c" + i));
    }
    ApiServerMetrics.bind(f.server, registry);
    SimClient alice = context.client("test", ALICE);
    for (int i = 1; i <= 7; i++) {
      get(alice, "c" + i);
    }
    f.scheduler.runUntilIdle();
    assertThat(load.report().rejectedTotal()).isEqualTo(1);
    // The scenario above: seven GETs answered 200 and one 429 (the seventh, sent again a second later).
    assertThat(registry.get(ApiServerMetrics.REQUESTS).tags("identity", "alice", "verb", "get", "resource", "configmaps",
        "code", "200").counter().count()).isEqualTo(7.0);
    assertThat(registry.get(ApiServerMetrics.REQUESTS).tags("identity", "alice", "code", "429").counter().count()).isEqualTo(1.0);
    assertThat(registry.get(ApiServerMetrics.REJECTIONS).tags("identity", "alice", "verb", "get", "reason", "throttled")
        .counter().count()).isEqualTo(1.0);
    Timer latency = registry.get(ApiServerMetrics.LATENCY).tags("identity", "alice", "verb", "get").timer();
    // Queue wait and service as the load model simulated them: 1, 1, 2, 2, 3, 3 and 3 s; the 429 was answered at once.
    assertThat(latency.count()).isEqualTo(8);
    assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(15_000.0);
    assertThat(latency.max(TimeUnit.MILLISECONDS)).isEqualTo(3_000.0);
  }

  @Test
  void requests_takeFreeSeats_waitInTheirQueues_andAreRejectedWhenTheQueueIsFull_thenSentAgain() {
    LoadModel load = install(2, 8, 2, 2);
    for (int i = 1; i <= 7; i++) {
      f.server.create(Identity.admin(), LoadFixture.configMap("default", "c" + i));
    }
    SimClient alice = context.client("test", ALICE);
    for (int i = 1; i <= 7; i++) {
      get(alice, "c" + i);
    }
    f.scheduler.runUntilIdle();
    // Two seats; the flow's hand of two queues holds two requests each; the seventh finds both full and is
    // answered 429 at once. Sent again 1 s later (Retry-After), it waits behind c5 and c6.
    assertThat(f.transcript).containsExactly(
        "1000ms c1 200 latency=1000ms",
        "1000ms c2 200 latency=1000ms",
        "2000ms c3 200 latency=2000ms",
        "2000ms c4 200 latency=2000ms",
        "3000ms c5 200 latency=3000ms",
        "3000ms c6 200 latency=3000ms",
        "4000ms c7 200 latency=3000ms attempts=2");
    assertThat(load.report().rejectedTotal()).isEqualTo(1);
    // The rejection is charted in its minute, on alice's row: 8 requests (7 and the retry), 1 of them 429.
    IdentityLoad row = load.report().identity("alice").orElseThrow();
    assertThat(row.perBucket()).containsExactly(8L);
    assertThat(row.rejectedPerBucket()).containsExactly(1L);
  }

  @Test
  void fairQueuing_servesALightFlowBeforeTheBacklogOfAHeavyOne() {
    LoadModel load = install(1, 8, 1, 50);
    for (int i = 1; i <= 4; i++) {
      f.server.create(Identity.admin(), LoadFixture.configMap("default", "a" + i));
    }
    f.server.create(Identity.admin(), LoadFixture.configMap("default", "b1"));
    for (int i = 1; i <= 4; i++) {
      get(context.client("test", ALICE), "a" + i);
    }
    get(context.client("test", BOB), "b1");
    f.scheduler.runUntilIdle();
    assertThat(f.transcript).containsExactly(
        "1000ms a1 200 latency=1000ms",
        "2000ms b1 200 latency=2000ms",
        "3000ms a2 200 latency=3000ms",
        "4000ms a3 200 latency=4000ms",
        "5000ms a4 200 latency=5000ms");
  }

  @Test
  void aRequestThatWaitedTheWaitLimit_isRejectedThen_andSentAgain() {
    LoadModel load = install(1, 8, 1, 50);
    for (int i = 1; i <= 17; i++) {
      f.server.create(Identity.admin(), LoadFixture.configMap("default", "c" + i));
    }
    for (int i = 1; i <= 17; i++) {
      get(context.client("test", ALICE), "c" + i);
    }
    f.scheduler.runUntilIdle();
    // One at a time: c15 starts after 14 s of waiting; c16 and c17 reach the 15 s limit first, are answered
    // 429 then, and are sent again 1 s later.
    assertThat(f.transcript).startsWith("1000ms c1 200 latency=1000ms");
    assertThat(f.transcript).endsWith("15000ms c15 200 latency=15000ms", "17000ms c16 200 latency=1000ms attempts=2",
        "18000ms c17 200 latency=2000ms attempts=2");
    assertThat(load.report().levels().get(0).timedOut()).isEqualTo(2);
  }

  @Test
  void a429IsSentAgainAfterItsRetryAfter_byTheClient() {
    LoadModel load = install(1, 8, 1, 1);
    f.server.create(Identity.admin(), LoadFixture.configMap("default", "c"));
    SimClient alice = context.client("test", ALICE);
    for (int i = 0; i < 3; i++) {
      get(alice, "c");
    }
    f.scheduler.runUntilIdle();
    // The third finds the seat taken and the queue full: 429, sent again 1 s later, when it is queued behind
    // none and served at 2 s (the second ran from 1 s to 2 s).
    assertThat(f.transcript).containsExactly(
        "1000ms c 200 latency=1000ms",
        "2000ms c 200 latency=2000ms",
        "3000ms c 200 latency=2000ms attempts=2");
    assertThat(alice.sent()).isEqualTo(4);
    assertThat(load.report().rejectedTotal()).isEqualTo(1);
  }

  @Test
  void synchronousCallers_takeSeatsWithoutWaiting_andMastersTakeNone() {
    LoadModel load = install(1, 8, 1, 50);
    f.server.create(Identity.admin(), LoadFixture.configMap("default", "c"));
    ResourceKey key = ResourceKey.namespaced("", "ConfigMap", "default", "c");
    f.server.get(Identity.admin(), key);
    get(context.client("test", ALICE), "c");
    f.server.get(BOB, key);
    f.scheduler.runUntilIdle();
    // alice got the seat at 0 (admin holds none); bob's synchronous get ran at once beside her, taking a
    // second seat the level does not have: a synchronous caller cannot be held back.
    assertThat(f.transcript).containsExactly("1000ms c 200 latency=1000ms");
    List<RequestRecord> records = f.server.requests().records();
    assertThat(records).extracting(RequestRecord::identity, RequestRecord::latencyNanos)
        .containsSubsequence(
            org.assertj.core.groups.Tuple.tuple("system:admin", 1_000_000_000L),
            org.assertj.core.groups.Tuple.tuple("alice", 1_000_000_000L),
            org.assertj.core.groups.Tuple.tuple("bob", 1_000_000_000L));
    assertThat(records.get(records.size() - 1).attributes()).containsEntry("apf.level", "test");
    assertThat(load.report().levels().get(0).peakSeatsInUse()).isEqualTo(2);
  }

  private void get(SimClient client, String name) {
    client.send(ApiCall.get(ResourceKey.namespaced("", "ConfigMap", "default", name)), response -> f.transcript.add(
        f.now() + " " + name + " " + (response.ok() ? 200 : response.error().code()) + " latency="
            + LoadFixture.ms(response.latencyNanos()) + (response.attempts() > 1 ? " attempts=" + response.attempts() : "")));
  }

  /** An exempt level for system:masters and one level of {@code seats} seats and these queues; every request takes 1 s. */
  private LoadModel install(int seats, int queues, int handSize, int queueLength) {
    ApfConfig apf = new ApfConfig(seats,
        ImmutableList.of(PriorityLevel.exempt("exempt"), PriorityLevel.queuing("test", 1, queues, handSize, queueLength)),
        ImmutableList.of(new FlowSchema("exempt", "exempt", 1, Distinguisher.NONE,
            ImmutableList.of(FlowSchema.Subject.group(Identity.MASTERS)), ImmutableList.of(FlowSchema.Rule.everything())),
            new FlowSchema("everyone", "test", 1000, Distinguisher.BY_USER,
            ImmutableList.of(FlowSchema.Subject.group(Identity.AUTHENTICATED)),
            ImmutableList.of(FlowSchema.Rule.everything()))),
        100, 100, Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofMillis(3));
    Duration second = Duration.ofSeconds(1);
    LatencyModel latency = new LatencyModel(second, second, Duration.ZERO, second, Duration.ZERO, Duration.ZERO);
    return LoadModel.install(context, new LoadConfig(apf, latency, Duration.ofMinutes(1), true));
  }
}
