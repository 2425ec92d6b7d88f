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
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The cluster extension: every injected parameter of one test (and its {@code @BeforeEach}) belongs to the
 * same fresh cluster, whose clock is the injected virtual scheduler; a method's annotation overrides the
 * class's; {@code nodes} creates that many Ready Node objects without entries in the request log; nothing
 * leaks from one test to the next.
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
      ApiServer server, RequestLog requests, VirtualScheduler clock, Ticker ticker) {
    assertThat(cluster).isSameAs(fromBeforeEach);
    assertThat(backend.server()).isSameAs(cluster.server()).isSameAs(server);
    assertThat(((InMemoryBackend) spi).server()).isSameAs(server);
    assertThat(requests).isSameAs(cluster.requests());
    assertThat(ticker).isSameAs(clock);
    assertThat(server.ticker()).isSameAs(clock);
  }

  @Test
  void nodes_areReadyNodeObjects_notInTheRequestLog(Backend backend, RequestLog requests) {
    assertThat(requests.total()).isZero();
    var nodes = backend.list(ListRequest.all(GroupKind.of("", "Node"))).items();
    assertThat(nodes).extracting(Resource::name).containsExactly("node-1", "node-2", "node-3");
    assertThat(nodes).allMatch(node -> ReadyGates.conditionIsTrue(node, "Ready"));
    assertThat(nodes.get(0).status().path("capacity").path("pods").asText()).isEqualTo("110");
  }

  @Test
  void theClock_isVirtual_andMovesOnlyWhenRun(VirtualScheduler clock, InMemoryCluster cluster) {
    Resource created = cluster.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"default"}}""");
    assertThat(created.metadata().path("creationTimestamp").asText()).isEqualTo("2025-01-01T00:00:00Z");
    clock.runFor(Duration.ofMinutes(90));
    Resource later = cluster.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b","namespace":"default"}}""");
    assertThat(later.metadata().path("creationTimestamp").asText()).isEqualTo("2025-01-01T01:30:00Z");
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
    InMemoryCluster twin = ClusterExtension.create(new ClusterExtension.Settings(1, 7)).cluster();
    ResourceKey node = ResourceKey.cluster("", "Node", "node-1");
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
