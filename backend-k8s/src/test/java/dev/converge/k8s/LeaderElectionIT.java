package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lease leader election against fabric8's CRUD mock server, with short durations (lease 3 s, renew 1 s, retry
 * 200 ms): one leader at a time, hand-over when the leader closes (it releases the Lease), take-over after a
 * lease duration when the holder stops renewing without releasing.
 */
class LeaderElectionIT {
  private static final Duration LEASE = Duration.ofSeconds(3);

  private Fabric8CrudServer server;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> transcript = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = new Fabric8CrudServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private LeaderElection candidate(String identity) {
    LeaderElectionSettings settings = LeaderElectionSettings.of("ns", "converge-leader", identity)
        .withDurations(LEASE, Duration.ofSeconds(1), Duration.ofMillis(200));
    return new LeaderElection(server.client(), settings,
        () -> transcript.add(identity + " start"), () -> transcript.add(identity + " stop"), registry);
  }

  private static long awaitMillis(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > timeout.toNanos()) {
        throw new AssertionError("condition not met within " + timeout);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  @Test
  void oneLeaderAtATime_andTheFollowerTakesOverWhenTheLeaderCloses() throws Exception {
    LeaderElection a = candidate("a").start();
    awaitMillis(a::isLeader, Duration.ofSeconds(10));
    LeaderElection b = candidate("b").start();

    TimeUnit.MILLISECONDS.sleep(1_000); // five retry periods: b keeps trying and must not lead
    assertThat(b.isLeader()).isFalse();
    assertThat(registry.get("converge.k8s.leader").tag("identity", "a").gauge().value()).isEqualTo(1.0);
    assertThat(registry.get("converge.k8s.leader").tag("identity", "b").gauge().value()).isEqualTo(0.0);

    a.close();
    long takeOver = awaitMillis(b::isLeader, Duration.ofSeconds(10));
    b.close();

    assertThat(takeOver).isLessThan(LEASE.toMillis());
    assertThat(transcript).containsExactly("a start", "a stop", "b start", "b stop");
  }

  @Test
  void aHolderThatStopsRenewing_isReplacedAfterTheLeaseExpires() throws Exception {
    String now = Instant.now().truncatedTo(ChronoUnit.MICROS).toString();
    try (KubernetesBackend backend = new KubernetesBackend(server.client(), KubernetesBackendOptions.defaults(), registry)) {
      backend.create(Resource.of(Wire.parse("{\"apiVersion\":\"coordination.k8s.io/v1\",\"kind\":\"Lease\","
          + "\"metadata\":{\"name\":\"converge-leader\",\"namespace\":\"ns\"},\"spec\":{\"holderIdentity\":\"ghost\","
          + "\"leaseDurationSeconds\":3,\"acquireTime\":\"" + now + "\",\"renewTime\":\"" + now + "\",\"leaseTransitions\":0}}")));

      LeaderElection b = candidate("b").start();
      long takeOver = awaitMillis(b::isLeader, Duration.ofSeconds(15));
      String holder = backend.get(ResourceKey.parse("coordination.k8s.io/Lease/ns/converge-leader")).orElseThrow()
          .spec().path("holderIdentity").asText();
      b.close();

      // Not before the lease expires; the upper bound leaves room for a loaded CI machine (2 shared cores).
      assertThat(takeOver).isBetween(LEASE.toMillis() - 500, 2 * LEASE.toMillis() + 1_000);
      assertThat(holder).isEqualTo("b");
      assertThat(transcript).containsExactly("b start", "b stop");
    }
  }
}
