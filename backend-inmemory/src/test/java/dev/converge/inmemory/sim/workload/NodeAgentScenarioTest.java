package dev.converge.inmemory.sim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.sim.load.LevelStats;
import dev.converge.inmemory.sim.load.LoadConfig;
import dev.converge.inmemory.sim.load.LoadModel;
import dev.converge.inmemory.sim.runtime.Randoms;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import dev.converge.inmemory.sim.runtime.Trace;
import dev.converge.inmemory.sim.load.LoadReport;
import dev.converge.inmemory.sim.load.SloClass;
import dev.converge.inmemory.sim.workload.RequestSpec.Scope;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The known failure, at the load model's level: one agent per node LISTing every pod of the cluster every 15
 * s (all agents one service account, so one flow of workload-low) overloads the API server at 5,000 nodes and
 * is harmless at 50; through a proxy that watches once, the API server sees three watches whatever the size.
 * Nodes and running agent pods are created directly (no kubelets, no controllers), so that only priority and
 * fairness, the latency model and the workload driver are at work; two simulated minutes, seed 42.
 */
class NodeAgentScenarioTest {
  private static final String AGENT = "system:serviceaccount:telemetry:collector";
  private static final ResourceTypes TYPES = ResourceTypes.builtins();

  @Test
  void fiveThousandAgentsListingAllPods_overloadTheApiServer() {
    LoadReport report = run(5000, false);
    // 5,000 pods walked per LIST: 37 seats (workload-low's cap) for 113 ms, so six at a time (222 of 245 seats):
    // 54 LISTs a second served against 333 sent. As in Kubernetes, the queue length limit only applies while
    // every seat is taken, and 23 seats stay free that no LIST fits: the queues grow until requests reach the
    // 15 s wait limit and are rejected (then sent again 1 s later, each agent with its own client).
    assertThat(report.rejectedTotal()).isEqualTo(105_981L);
    assertThat(report.identity(AGENT).orElseThrow().rejected()).isEqualTo(105_981L);
    assertThat(report.levels().get(4)).isEqualTo(new LevelStats("workload-low", 245, 37, 6432, 105_981, 105_981, 31_612, 222));
    assertThat(report.slo(SloClass.READ_CLUSTER).p99Nanos()).isEqualTo(15_112_019_706L);
  }

  @Test
  void fiftyAgentsListingAllPods_stayWithinEverySlo() {
    LoadReport report = run(50, false);
    assertThat(report.rejectedTotal()).isZero();
    assertThat(report.breaches()).isEmpty();
    assertThat(report.identity(AGENT).orElseThrow().requests()).isEqualTo(400);
    // 51 pods walked and returned: 2 ms + 51 × 2 µs + 51 × 20 µs.
    assertThat(report.slo(SloClass.READ_CLUSTER).p99Nanos()).isEqualTo(3_122_000L);
  }

  @Test
  void fiveThousandAgentsReadingThroughAProxy_putThreeWatchesOnTheApiServer() {
    LoadReport report = run(5000, true);
    assertThat(report.identity(AGENT)).isEmpty();
    assertThat(report.identity("system:serviceaccount:telemetry:collector-proxy").orElseThrow().byResource())
        .containsOnlyKeys("watch namespaces", "watch nodes", "watch pods");
    assertThat(report.proxiedTotal()).isEqualTo(40_000);
    assertThat(report.rejectedTotal()).isZero();
    assertThat(report.breaches()).isEmpty();
  }

  private static LoadReport run(int nodes, boolean viaProxy) {
    VirtualScheduler scheduler = new VirtualScheduler();
    InMemoryCluster cluster = InMemoryCluster.create(scheduler, 42);
    ApiServer server = cluster.server();
    server.requests().retainRecords(false);
    create(server, """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"readers"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:serviceaccounts"}]}""");
    create(server, """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"node-reader"},
         "rules":[{"apiGroups":[""],"resources":["nodes","namespaces","pods"],"verbs":["get","list","watch"]}]}""");
    create(server, """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"node-readers"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"node-reader"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:serviceaccounts"}]}""");
    create(server, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"telemetry\"}}");
    for (String account : new String[] {"collector", "collector-proxy"}) {
      create(server, "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"" + account
          + "\",\"namespace\":\"telemetry\"}}");
    }
    for (int i = 0; i < nodes; i++) {
      create(server, "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-" + i + "\"}}");
      running(server, "collector-" + i, "collector", "node-" + i);
    }
    running(server, "collector-proxy-0", "collector-proxy", "node-0");

    WorkloadProfileSpec proxy = new WorkloadProfileSpec("telemetry", "collector-proxy",
        LabelSelector.equal("app", "collector-proxy"), null, ImmutableList.of(),
        ImmutableList.of(type("Pod"), type("Node"), type("Namespace")));
    WorkloadProfileSpec agent = new WorkloadProfileSpec("telemetry", "collector", LabelSelector.equal("app", "collector"),
        null, ImmutableList.of(new RequestSpec(Verb.LIST, type("Pod"), Scope.CLUSTER, Duration.ofSeconds(15),
            viaProxy ? "collector-proxy" : null)), ImmutableList.of());
    SimContext context = new SimContext(scheduler, server, new Randoms(42), new Trace(scheduler),
        ThrottleFactory.kubernetesDefaults());
    LoadModel load = LoadModel.install(context, LoadConfig.defaults());
    WorkloadDriver.install(context, load, ImmutableList.of(proxy, agent));
    scheduler.runUntil(Duration.ofMinutes(2).toNanos());
    return load.report();
  }

  private static void running(ApiServer server, String name, String app, String node) {
    Resource pod = create(server, """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"telemetry","labels":{"app":"%s"}},
         "spec":{"nodeName":"%s","serviceAccountName":"%s","containers":[{"name":"main","image":"agent:1"}]}}"""
        .formatted(name, app, node, app));
    server.updateStatus(Identity.admin(), pod.edit(tree -> tree.putObject("status").put("phase", "Running")));
  }

  private static Resource create(ApiServer server, String json) {
    return server.create(Identity.admin(), Resource.of(Json.parse(json)));
  }

  private static ResourceType type(String kind) {
    return TYPES.find(GroupKind.of("", kind)).orElseThrow();
  }
}
