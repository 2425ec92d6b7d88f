package dev.converge.inmemory.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceTypes;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.sim.load.IdentityLoad;
import dev.converge.inmemory.sim.load.LoadConfig;
import dev.converge.inmemory.sim.load.LoadModel;
import dev.converge.inmemory.sim.runtime.Randoms;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import dev.converge.inmemory.sim.runtime.Trace;
import dev.converge.inmemory.sim.load.LoadReport;
import dev.converge.inmemory.sim.load.ProxyLoad;
import dev.converge.inmemory.sim.workload.RequestSpec.Scope;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Workload pods become clients once Running and stop when they stop: periodic requests on their period,
 * watches opened once, reads {@code via} a proxy counted apart from the API server (or as unavailable when no
 * proxy pod runs).
 */
class WorkloadDriverTest {
  private static final String AGENT = "system:serviceaccount:telemetry:collector";
  private static final ResourceTypes TYPES = ResourceTypes.builtins();

  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final InMemoryCluster cluster = InMemoryCluster.create(scheduler, 3);
  private final ApiServer server = cluster.server();

  private final WorkloadProfileSpec proxy = new WorkloadProfileSpec("telemetry", "collector-proxy",
      LabelSelector.equal("app", "collector-proxy"), null, ImmutableList.of(),
      ImmutableList.of(type("Pod"), type("Node")));
  private final WorkloadProfileSpec collector = new WorkloadProfileSpec("telemetry", "collector",
      LabelSelector.equal("app", "collector"), null, ImmutableList.of(
          new RequestSpec(Verb.LIST, type("Pod"), Scope.NODE, Duration.ofSeconds(60), "collector-proxy"),
          new RequestSpec(Verb.GET, type("Node"), Scope.NODE, Duration.ofMinutes(5), null),
          new RequestSpec(Verb.WATCH, type("Pod"), Scope.NODE, null, null)),
      ImmutableList.of());

  @Test
  void runningPods_requestOnTheirPeriod_andReadThroughTheProxy() {
    setUp(true);
    SimContext context = context();
    LoadModel load = LoadModel.install(context, LoadConfig.defaults());
    WorkloadDriver driver = WorkloadDriver.install(context, load, ImmutableList.of(proxy, collector));
    scheduler.runUntil(Duration.ofMinutes(10).toNanos());

    assertThat(driver.running()).containsExactly(Map.entry("telemetry/collector", 3), Map.entry("telemetry/collector-proxy", 1));
    LoadReport report = load.report();
    // Three running agents (the pending one is not driven): each lists via the proxy once a minute, gets its
    // node every 5 minutes and keeps one watch on its node's pods; the proxy keeps two watches. The server ends
    // each watch 5 to 10 minutes after it opened and it is opened again: two WATCH requests each in 10 minutes.
    assertThat(report.proxied()).containsExactly(new ProxyLoad("telemetry/collector-proxy", AGENT, 30, 3.0,
        com.google.common.collect.ImmutableSortedMap.of("list", 30L), 0));
    IdentityLoad agent = report.identity(AGENT).orElseThrow();
    assertThat(agent.byResource()).containsExactly(Map.entry("get nodes", 6L), Map.entry("watch pods", 6L));
    // One row for the service account the agents share, counting each running pod's client.
    assertThat(agent.clients()).isEqualTo(3);
    assertThat(agent.errors()).isZero();
    assertThat(report.identity("system:serviceaccount:telemetry:collector-proxy").orElseThrow().byResource())
        .containsExactly(Map.entry("watch nodes", 2L), Map.entry("watch pods", 2L));
    assertThat(server.watchCount()).isEqualTo(5);
  }

  @Test
  void podsThatStopRunning_stopTheirRequests_andCloseTheirWatches() {
    setUp(true);
    SimContext context = context();
    LoadModel load = LoadModel.install(context, LoadConfig.defaults());
    WorkloadDriver driver = WorkloadDriver.install(context, load, ImmutableList.of(proxy, collector));
    scheduler.runUntil(Duration.ofMinutes(1).toNanos());
    server.delete(Identity.admin(), type("Pod").key("telemetry", "agent-1"),
        dev.converge.inmemory.server.DeleteParams.defaults().withGracePeriod(0));
    scheduler.runUntil(Duration.ofMinutes(2).toNanos());
    assertThat(driver.running()).containsEntry("telemetry/collector", 2);
    assertThat(server.watchCount()).isEqualTo(4);
  }

  @Test
  void aCrashOfThePodsContainer_stopsItsClient_andTheRestartIsANewClient_thatWatchesAgain() {
    setUp(true);
    SimContext context = context();
    LoadModel load = LoadModel.install(context, LoadConfig.defaults());
    WorkloadDriver driver = WorkloadDriver.install(context, load, ImmutableList.of(proxy, collector));
    scheduler.runUntil(Duration.ofMinutes(1).toNanos());
    containerState("agent-1", "main", "{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}");
    scheduler.runUntil(Duration.ofMinutes(2).toNanos());
    // While it waits out its back-off the process is gone: no client, its watch closed.
    assertThat(driver.running()).containsEntry("telemetry/collector", 2);
    assertThat(server.watchCount()).isEqualTo(4);
    long watchesBefore = load.report().identity(AGENT).orElseThrow().byResource().get("watch pods");

    containerState("agent-1", "main", "{\"running\":{\"startedAt\":\"2026-01-01T00:02:00Z\"}}");
    scheduler.runUntil(Duration.ofMinutes(3).toNanos());
    assertThat(driver.running()).containsEntry("telemetry/collector", 3);
    assertThat(server.watchCount()).isEqualTo(5);
    assertThat(load.report().identity(AGENT).orElseThrow().byResource().get("watch pods")).isEqualTo(watchesBefore + 1);
  }

  @Test
  void theRequestsComeFromTheProfilesContainer_orThePodsDefaultContainer() {
    setUp(true);
    WorkloadProfileSpec sidecar = new WorkloadProfileSpec("telemetry", "collector", LabelSelector.equal("app",
        "collector"), null, collector.requests(), ImmutableList.of(), "sidecar");
    SimContext context = context();
    LoadModel load = LoadModel.install(context, LoadConfig.defaults());
    WorkloadDriver driver = WorkloadDriver.install(context, load, ImmutableList.of(proxy, sidecar));
    // The pods' statuses name only "main": no sidecar runs anywhere yet.
    containerState("agent-1", "main", "{\"running\":{}}");
    assertThat(driver.running()).containsEntry("telemetry/collector", 2);
    containerState("agent-1", "sidecar", "{\"running\":{}}");
    assertThat(driver.running()).containsEntry("telemetry/collector", 3);

    // Without a container named, kubectl's default: the annotation, else the first container.
    WorkloadDriver byDefault = WorkloadDriver.install(context, load, ImmutableList.of(collector));
    assertThat(byDefault.running()).containsEntry("telemetry/collector", 3);
    Resource pod = server.cache().get(dev.converge.api.GroupKind.of("", "Pod"), "telemetry", "agent-1");
    server.update(Identity.admin(), pod.edit(tree -> tree.with("metadata").with("annotations")
        .put(WorkloadProfileSpec.DEFAULT_CONTAINER, "sidecar")));
    containerState("agent-1", "sidecar", "{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}");
    assertThat(byDefault.running()).containsEntry("telemetry/collector", 2);
  }

  /** Sets the state of one container in the pod's status, keeping the others, as a kubelet reports it. */
  private void containerState(String pod, String container, String state) {
    Resource current = server.cache().get(dev.converge.api.GroupKind.of("", "Pod"), "telemetry", pod);
    server.updateStatus(Identity.admin(), current.edit(tree -> {
      com.fasterxml.jackson.databind.node.ArrayNode statuses = tree.with("status").withArray("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        if (statuses.get(i).path("name").asText().equals(container)) {
          statuses.remove(i);
        }
      }
      statuses.addObject().put("name", container).set("state", Json.parse(state));
    }));
  }

  @Test
  void readsViaAProxyWithoutRunningPods_areCountedUnavailable() {
    setUp(false);
    SimContext context = context();
    LoadModel load = LoadModel.install(context, LoadConfig.defaults());
    WorkloadDriver.install(context, load, ImmutableList.of(proxy, collector));
    scheduler.runUntil(Duration.ofMinutes(2).toNanos());
    assertThat(load.report().proxied()).singleElement()
        .satisfies(row -> assertThat(row.unavailable()).isEqualTo(row.requests()).isEqualTo(6));
  }

  /** The simulation's context over this test's scheduler and server, seed 42, Kubernetes' client limits. */
  private SimContext context() {
    return new SimContext(scheduler, server, new Randoms(42), new Trace(scheduler), ThrottleFactory.kubernetesDefaults());
  }

  /** Nodes n1..n3; agents 1..3 running on them, agent-4 pending; the proxy running when asked; RBAC open. */
  private void setUp(boolean proxyRunning) {
    server.create(Identity.admin(), parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"everyone"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:authenticated"}]}"""));
    server.create(Identity.admin(), parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"telemetry\"}}"));
    for (String account : new String[] {"collector", "collector-proxy"}) {
      server.create(Identity.admin(), parse("{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\""
          + account + "\",\"namespace\":\"telemetry\"}}"));
    }
    for (int i = 1; i <= 3; i++) {
      server.create(Identity.admin(), parse("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n" + i + "\"}}"));
      pod("agent-" + i, "collector", "collector", "n" + i, true);
    }
    pod("agent-4", "collector", "collector", "n1", false);
    pod("proxy-0", "collector-proxy", "collector-proxy", "n2", proxyRunning);
  }

  private void pod(String name, String app, String account, String node, boolean running) {
    Resource created = server.create(Identity.admin(), parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"telemetry","labels":{"app":"%s"}},
         "spec":{"nodeName":"%s","serviceAccountName":"%s","containers":[{"name":"main","image":"agent:1"}]}}"""
        .formatted(name, app, node, account)));
    if (running) {
      server.updateStatus(Identity.admin(), created.edit(tree -> tree.putObject("status").put("phase", "Running")));
    }
  }

  private static Resource parse(String json) {
    return Resource.of(Json.parse(json));
  }

  private static dev.converge.api.ResourceType type(String kind) {
    return TYPES.find(dev.converge.api.GroupKind.of("", kind)).orElseThrow();
  }
}
