package dev.converge.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.ListRequest;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.testkit.KubeObjects;
import dev.converge.inmemory.sim.Simulation;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The cluster extension: every injected parameter of one test (and its {@code @BeforeEach}) belongs to the
 * same fresh cluster, whose clock is the injected virtual scheduler; a method's annotation overrides the
 * class's; {@code @SimulatedCluster(nodes)} hands over a simulation whose nodes are all Ready, with the request log
 * cleared, where a Deployment rolls out as the clock runs; nothing leaks from one test to the next.
 */
@SimulatedCluster(nodes = 3, seed = 7)
class ClusterExtensionTest {
  private InMemoryCluster fromBeforeEach;

  @BeforeEach
  void remember(InMemoryCluster cluster) {
    this.fromBeforeEach = cluster;
  }

  @Test
  void everyParameter_belongsToTheSameCluster(InMemoryCluster cluster, InMemoryBackend backend, Backend spi,
      ApiServer server, RequestLog requests, VirtualScheduler clock, Ticker ticker, Simulation sim) {
    assertThat(cluster).isSameAs(fromBeforeEach).isSameAs(sim.cluster());
    assertThat(clock).isSameAs(sim.clock());
    assertThat(backend.server()).isSameAs(cluster.server()).isSameAs(server);
    assertThat(((InMemoryBackend) spi).server()).isSameAs(server);
    assertThat(requests).isSameAs(cluster.requests());
    assertThat(ticker).isSameAs(clock);
    assertThat(server.ticker()).isSameAs(clock);
  }

  @Test
  void nodes_areSimulated_andHandedOverReady_withTheRequestLogCleared(Backend backend, RequestLog requests,
      VirtualScheduler clock) {
    assertThat(requests.total()).isZero();
    var nodes = backend.list(ListRequest.all(GroupKind.of("", "Node"))).items();
    assertThat(nodes).extracting(Resource::name).containsExactly("node-0", "node-1", "node-2");
    assertThat(nodes).allMatch(node -> ReadyGates.conditionIsTrue(node, "Ready"));
    assertThat(nodes.get(0).status().path("capacity").path("pods").asText()).isEqualTo("110");
    // From then on the components' requests are recorded as the clock runs: the kubelets renew their Leases.
    clock.runFor(Duration.ofSeconds(30));
    assertThat(requests.records()).anyMatch(r -> r.identity().equals("system:node:node-0") && r.verb().equals("update")
        && r.resource().equals("leases"));
  }

  @Test
  void aDeployment_rollsOutOnTheSimulatedNodes_asTheClockRuns(Simulation sim, Backend backend) {
    backend.create(KubeObjects.deployment("default", "web", "nginx:1.27", 2, "default"));
    ResourceKey web = ResourceKey.namespaced("apps", "Deployment", "default", "web");
    assertThat(backend.get(web).orElseThrow().status().path("availableReplicas").asInt()).isZero();

    assertThat(sim.runUntil(() -> backend.get(web).orElseThrow().status().path("availableReplicas").asInt() == 2,
        Duration.ofMinutes(5))).isTrue();
    var pods = backend.list(ListRequest.all(GroupKind.of("", "Pod")).inNamespace("default")).items();
    assertThat(pods).hasSize(2).allMatch(pod -> pod.spec().path("nodeName").asText().startsWith("node-")
        && pod.status().path("phase").asText().equals("Running"));
  }

  @Test
  void theClock_isVirtual_andMovesOnlyWhenRun(VirtualScheduler clock, InMemoryCluster cluster) {
    Resource created = cluster.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}}""");
    Instant first = Instant.parse(created.metadata().path("creationTimestamp").asText());
    assertThat(first).isEqualTo(clock.now().truncatedTo(ChronoUnit.SECONDS));
    clock.runFor(Duration.ofMinutes(90));
    Resource later = cluster.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"default"}}""");
    assertThat(Instant.parse(later.metadata().path("creationTimestamp").asText())).isEqualTo(first.plus(Duration.ofMinutes(90)));
  }

  @Test
  @InMemoryClusterTest(seed = 7)
  void aPlainCluster_startsAtTheEpoch_andNothingRunsOnItsClock(VirtualScheduler clock, InMemoryCluster cluster) {
    Resource created = cluster.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}}""");
    assertThat(created.metadata().path("creationTimestamp").asText()).isEqualTo("2025-01-01T00:00:00Z");
    clock.runFor(Duration.ofMinutes(90));
    assertThat(cluster.requests().total()).isEqualTo(1);
  }

  @Test
  void writesOfOneTest_areNotSeenByTheNext_first(Backend backend) {
    assertThat(backend.get(ResourceKey.namespaced("", "ConfigMap", "default", "leak"))).isEmpty();
    backend.create(KubeObjects.configMap("default", "leak", "k", "1"));
  }

  @Test
  void writesOfOneTest_areNotSeenByTheNext_second(Backend backend) {
    assertThat(backend.get(ResourceKey.namespaced("", "ConfigMap", "default", "leak"))).isEmpty();
    backend.create(KubeObjects.configMap("default", "leak", "k", "1"));
  }

  @Test
  @InMemoryClusterTest(seed = 7)
  void methodAnnotation_overridesTheClasses(Backend backend) {
    assertThat(backend.list(ListRequest.all(GroupKind.of("", "Node"))).items()).isEmpty();
  }

  @Test
  @SimulatedCluster(nodes = 1, seed = 7)
  void theSameSeed_givesTheSameUids(InMemoryCluster cluster) {
    InMemoryCluster twin = ClusterExtension.create(new ClusterExtension.Settings(1, 7, true)).cluster();
    ResourceKey node = ResourceKey.cluster("", "Node", "node-0");
    assertThat(cluster.backend().get(node).orElseThrow().uid()).isEqualTo(twin.backend().get(node).orElseThrow().uid());
  }

  @Nested
  class Nested_tests {
    @Test
    void inheritTheEnclosingClassesSettings(Backend backend) {
      assertThat(backend.list(ListRequest.all(GroupKind.of("", "Node"))).items()).hasSize(3);
    }
  }
}
