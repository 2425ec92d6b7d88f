package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.accounting.Scope;
import dev.converge.inmemory.faults.FaultInjector;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.Verb;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Request accounting (identity, verb, resource, scope, scanned, returned, code, interceptor attributes) and
 * seeded fault injection (the same seed fails the same requests; faults can stop).
 */
class FaultsAndAccountingTest {
  private static final GroupKind CONFIG_MAP = GroupKind.of("", "ConfigMap");

  @Test
  void everyRequest_isRecordedWithScopeScannedReturnedAndCode() {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 31);
    ApiServer server = cluster.server();
    Identity agent = Identity.serviceAccount("default", "agent");
    server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    server.create(ADMIN, Fixtures.configMap("kube-system", "b", "1"));
    server.get(ADMIN, Fixtures.cm("default", "a"));
    server.list(ADMIN, ListRequest.all(CONFIG_MAP).inNamespace("default"));
    server.list(ADMIN, ListRequest.all(CONFIG_MAP));
    assertThatThrownBy(() -> server.get(agent, Fixtures.cm("default", "a"))).isInstanceOf(BackendException.Forbidden.class);
    assertThatThrownBy(() -> server.get(ADMIN, Fixtures.cm("default", "zzz"))).isInstanceOf(BackendException.NotFound.class);

    List<String> lines = new ArrayList<>();
    for (RequestRecord r : cluster.requests().records()) {
      lines.add(r.identity() + " " + r.verb() + " " + r.resource() + " " + r.namespace() + " " + r.scope()
          + " scanned=" + r.scanned() + " returned=" + r.returned() + " " + r.code());
    }
    assertThat(lines).containsExactly(
        "system:admin create configmaps default RESOURCE scanned=0 returned=0 201",
        "system:admin create configmaps kube-system RESOURCE scanned=0 returned=0 201",
        "system:admin get configmaps default RESOURCE scanned=1 returned=1 200",
        // with the kube-root-ca.crt of each of the four namespaces
        "system:admin list configmaps default NAMESPACE scanned=2 returned=2 200",
        "system:admin list configmaps  CLUSTER scanned=6 returned=6 200",
        "system:serviceaccount:default:agent get configmaps default RESOURCE scanned=0 returned=0 403",
        "system:admin get configmaps default RESOURCE scanned=1 returned=0 404");
    assertThat(cluster.requests().count("system:admin", "list")).isEqualTo(2);
    assertThat(cluster.requests().mutatingTotal()).isEqualTo(2);
    assertThat(cluster.requests().countsByIdentityAndVerb().get("system:admin").keySet())
        .containsExactly("create", "get", "list");
    assertThat(cluster.requests().records().get(0).scope()).isEqualTo(Scope.RESOURCE);
  }

  @Test
  void apply_answers201WhenItCreates_and200WhenItUpdates() {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 31);
    cluster.requests().clear();
    dev.converge.api.Resource map = dev.converge.api.Resource.of(dev.converge.api.Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"default\"},\"data\":{\"k\":\"1\"}}"));
    cluster.server().apply(ADMIN, map, "test", false);
    cluster.server().apply(ADMIN, map.edit(t -> t.withObjectProperty("data").put("k", "2")), "test", false);

    assertThat(cluster.requests().records()).extracting(RequestRecord::code).containsExactly(201, 200);
  }

  @Test
  void interceptor_canRecordLatencyAndAttributes() {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 31, b -> b.interceptor(
        new dev.converge.inmemory.server.RequestInterceptor() {
          @Override
          public <T> T intercept(dev.converge.inmemory.server.RequestContext request, Chain<T> next) {
            request.attribute("priorityLevel", "workload-low");
            request.setLatencyNanos(Duration.ofMillis(3).toNanos());
            return next.proceed();
          }
        }));
    cluster.requests().clear();
    cluster.server().get(ADMIN, dev.converge.api.ResourceKey.cluster("", "Namespace", "default"));
    RequestRecord record = cluster.requests().records().get(0);
    assertThat(record.latencyNanos()).isEqualTo(3_000_000L);
    assertThat(record.attributes()).containsEntry("priorityLevel", "workload-low");
  }

  private List<String> outcomes(long seed) {
    FaultInjector faults = FaultInjector.builder(seed).errors(0.2).throttling(0.1, Verb.CREATE).conflicts(0.3).build();
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 1, b -> b.interceptor(faults));
    List<String> outcomes = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      try {
        cluster.server().create(ADMIN, Fixtures.configMap("default", "c" + i, "1"));
        outcomes.add("ok");
      } catch (BackendException e) {
        outcomes.add(Integer.toString(e.code()));
      }
    }
    return outcomes;
  }

  @Test
  void faults_areReproducibleWithASeed() {
    List<String> first = outcomes(99);
    assertThat(outcomes(99)).isEqualTo(first);
    assertThat(outcomes(100)).isNotEqualTo(first);
    assertThat(first).contains("500", "429", "ok").doesNotContain("409");
  }

  @Test
  void throttling_carriesRetryAfter_andFaultsStopWhenDisabled() {
    FaultInjector faults = FaultInjector.builder(5).throttling(1.0).retryAfter(Duration.ofSeconds(7)).build();
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 1, b -> b.interceptor(faults));
    assertThatThrownBy(() -> cluster.server().create(ADMIN, Fixtures.configMap("default", "c", "1")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> {
          assertThat(e.code()).isEqualTo(429);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
          assertThat(e.getMessage()).isEqualTo("Too many requests, please try again later.");
        });
    faults.setEnabled(false);
    assertThat(cluster.server().create(ADMIN, Fixtures.configMap("default", "c", "1")).name()).isEqualTo("c");
    assertThat(faults.injected()).isEqualTo(1);
  }

  @Test
  void watchDrops_closeTheWatchWithA500() {
    FaultInjector faults = FaultInjector.builder(5).watchDrops(1.0).build();
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 1, b -> b.watchFaults(faults));
    WatchTest.Transcript transcript = new WatchTest.Transcript();
    cluster.server().watch(ADMIN, WatchRequest.all(CONFIG_MAP).from(Long.toString(cluster.server().revision())), transcript);
    cluster.server().create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThat(transcript.events).isEmpty();
    assertThat(transcript.closed).isInstanceOf(BackendException.Unavailable.class);
    assertThat(transcript.closed.code()).isEqualTo(500);
  }
}
