package dev.converge.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.accounting.ApiServerMetrics;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiServerMetrics} on a cluster without a load model: every answered request is counted by identity,
 * verb, resource and code; a 403 is a rejection with reason {@code forbidden}; kubelets share the identity
 * {@code system:node:*}; latency is the server ticker's time from arrival to answer (0 on a clock that does not
 * move during a request); nothing is published to a registry that was not passed in. (Throttled requests and
 * simulated latency: {@code PriorityAndFairnessTest}.)
 */
class ApiServerMetricsTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 3);
  private final ApiServer server = cluster.server();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void requests_areCountedByIdentityVerbResourceAndCode_and403IsAForbiddenRejection() {
    ApiServerMetrics.bind(server, registry);
    server.create(Fixtures.ADMIN, Fixtures.configMap("default", "a", "1"));
    Fixtures.get(server, Fixtures.cm("default", "a"));
    assertThatThrownBy(() -> server.get(Fixtures.ADMIN, Fixtures.cm("default", "missing")))
        .isInstanceOf(BackendException.NotFound.class);
    Identity bob = Identity.user("bob");
    assertThatThrownBy(() -> server.get(bob, Fixtures.cm("default", "a"))).isInstanceOf(BackendException.Forbidden.class);

    assertThat(count(ApiServerMetrics.REQUESTS, "identity", "system:admin", "verb", "create", "resource", "configmaps",
        "code", "201")).isEqualTo(1.0);
    assertThat(count(ApiServerMetrics.REQUESTS, "identity", "system:admin", "verb", "get", "code", "200")).isEqualTo(1.0);
    assertThat(count(ApiServerMetrics.REQUESTS, "identity", "system:admin", "verb", "get", "code", "404")).isEqualTo(1.0);
    assertThat(count(ApiServerMetrics.REQUESTS, "identity", "bob", "verb", "get", "code", "403")).isEqualTo(1.0);
    assertThat(registry.get(ApiServerMetrics.REJECTIONS).counters()).hasSize(1);
    assertThat(count(ApiServerMetrics.REJECTIONS, "identity", "bob", "verb", "get", "reason", "forbidden")).isEqualTo(1.0);
    assertThat(registry.get(ApiServerMetrics.LATENCY).tags("identity", "system:admin", "verb", "get").timer().count())
        .isEqualTo(2);
    assertThat(registry.get(ApiServerMetrics.LATENCY).tags("identity", "system:admin", "verb", "get").timer()
        .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isZero();
  }

  @Test
  void kubelets_shareOneIdentityTag() {
    ApiServerMetrics.bind(server, registry);
    for (String node : List.of("n1", "n2", "n3")) {
      Identity kubelet = new Identity("system:node:" + node, ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
      try {
        server.get(kubelet, Fixtures.cm("default", "x"));
      } catch (BackendException e) {
        // 403 or 404: either way one answered request
      }
    }
    List<String> identities = registry.get(ApiServerMetrics.REQUESTS).counters().stream()
        .map(counter -> counter.getId().getTag("identity")).distinct().toList();
    assertThat(identities).containsExactly("system:node:*");
    assertThat(registry.get(ApiServerMetrics.REQUESTS).counters().stream().mapToDouble(c -> c.count()).sum()).isEqualTo(3.0);
  }

  @Test
  void nothingIsPublished_beforeBinding() {
    server.create(Fixtures.ADMIN, Fixtures.configMap("default", "a", "1"));
    ApiServerMetrics.bind(server, registry);
    assertThat(registry.getMeters()).extracting(Meter::getId).isEmpty();
  }

  private double count(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  @Test
  void watchEvents_areCountedByWatchingIdentityAndResource_fromTheInitialEventsOn() {
    server.create(Fixtures.ADMIN, Fixtures.configMap("default", "before", "1"));
    ApiServerMetrics.bind(server, registry);
    // A kubelet's name (this cluster has no binding for the system:nodes group, so it is a master here).
    Identity kubelet = new Identity("system:node:n1", ImmutableList.of(Identity.MASTERS, Identity.AUTHENTICATED));
    server.watch(Fixtures.ADMIN, dev.converge.api.backend.WatchRequest.all(GroupKind.of("", "ConfigMap"))
        .inNamespace("default"), event -> { });
    server.watch(kubelet, dev.converge.api.backend.WatchRequest.all(GroupKind.of("", "ConfigMap"))
        .inNamespace("default").withFields(dev.converge.api.FieldSelector.equal("metadata.name", "after")), event -> { });
    server.create(Fixtures.ADMIN, Fixtures.configMap("default", "after", "1"));

    // The admin's watch: before and the namespace's kube-root-ca.crt (initial ADDED), then after.
    assertThat(count(ApiServerMetrics.WATCH_EVENTS, "identity", "system:admin", "resource", "configmaps")).isEqualTo(3.0);
    assertThat(count(ApiServerMetrics.WATCH_EVENTS, "identity", "system:node:*", "resource", "configmaps")).isEqualTo(1.0);
  }
}
