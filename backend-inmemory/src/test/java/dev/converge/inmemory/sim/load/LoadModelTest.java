package dev.converge.inmemory.sim.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The load model with Kubernetes' defaults: LIST seats follow the objects the server walks (the node index
 * included), requests reach it after the client's throttle (kube-controller-manager's 20 qps / burst 30), and
 * the report counts
 * per identity, verb, resource and minute, folds kubelets into one row, and flags SLO breaches.
 */
class LoadModelTest {
  private static final GroupKind POD = GroupKind.of("", "Pod");
  private static final Identity AGENT = Identity.serviceAccount("telemetry", "collector");
  private final LoadFixture f = new LoadFixture();
  private final SimContext context = f.context(ThrottleFactory.kubernetesDefaults());

  @Test
  void listSeats_followTheObjectsTheServerWalks_indexIncluded() {
    for (int i = 0; i < 1000; i++) {
      f.server.create(Identity.admin(), LoadFixture.pod("default", "p" + i, i < 250 ? "n1" : "n2"));
    }
    LoadModel load = LoadModel.install(context, LoadConfig.defaults().withRetainRecords(true));
    SimClient agent = context.client("workload", AGENT);
    agent.send(ApiCall.list(ListRequest.all(POD)));
    agent.send(ApiCall.list(ListRequest.all(POD).withFields(FieldSelector.equal("spec.nodeName", "n1"))));
    agent.send(ApiCall.list(ListRequest.all(POD).withFields(FieldSelector.equal("metadata.name", "p1"))));
    f.scheduler.runUntilIdle();
    List<RequestRecord> lists = f.server.requests().records().stream().filter(r -> r.verb().equals("list")).toList();
    // 1000 pods: 10 seats; 250 on n1 through the index: 3 seats; one by name: 1 seat (not written).
    assertThat(lists).extracting(r -> r.attributes().get("apf.seats"), RequestRecord::scanned)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("10", 1000), org.assertj.core.groups.Tuple.tuple("3", 250),
            org.assertj.core.groups.Tuple.tuple(null, 1000));
    assertThat(lists).allSatisfy(r -> assertThat(r.attributes()).containsEntry("apf.level", "workload-low"));
  }

  /**
   * One identity's requests alternate between flow schemas by resource, namespace and verb: the
   * classification each identity caches for its last request shape is never taken for another shape.
   */
  @Test
  void classification_followsEachRequestsShape_notTheIdentitysLastOne() {
    f.server.create(Identity.admin(), LoadFixture.configMap("kube-system", "lock"));
    f.server.create(Identity.admin(), LoadFixture.configMap("default", "settings"));
    LoadModel.install(context, LoadConfig.defaults().withRetainRecords(true));
    Identity kcm = Identity.user("system:kube-controller-manager");
    SimClient client = context.client("test", kcm);
    for (int i = 0; i < 2; i++) {
      client.send(ApiCall.get(ResourceKey.namespaced("", "ConfigMap", "kube-system", "lock")));
      client.send(ApiCall.get(ResourceKey.namespaced("", "ConfigMap", "default", "settings")));
      client.send(ApiCall.get(ResourceKey.namespaced("", "ConfigMap", "kube-system", "lock")));
      client.send(ApiCall.list(ListRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("kube-system")));
      client.send(ApiCall.get(ResourceKey.namespaced("", "Secret", "kube-system", "lock")));
    }
    f.scheduler.runUntilIdle();
    // Leader election (get of a configmap in kube-system) against the controller manager's own schema
    // (another namespace, another verb, another resource), twice over.
    List<String> levels = f.server.requests().records().stream().filter(r -> r.identity().equals(kcm.name()))
        .map(r -> r.attributes().get("apf.level")).toList();
    List<String> round = List.of("leader-election", "workload-high", "leader-election", "workload-high", "workload-high");
    assertThat(levels).containsExactlyElementsOf(ImmutableList.<String>builder().addAll(round).addAll(round).build());
  }

  @Test
  void theClientThrottleComesFirst_requestsReachTheServerAtTwentyQpsAfterABurstOfThirty() {
    LoadModel.install(context, LoadConfig.defaults().withRetainRecords(true));
    Identity kcm = Identity.user("system:kube-controller-manager");
    SimClient client = context.client(ThrottleFactory.CONTROLLER_MANAGER, kcm);
    for (int i = 0; i < 100; i++) {
      client.send(ApiCall.create(LoadFixture.configMap("default", "c" + i)));
    }
    f.scheduler.runUntilIdle();
    List<Long> starts = f.server.requests().records().stream().filter(r -> r.identity().equals(kcm.name()))
        .map(RequestRecord::startNanos).toList();
    assertThat(starts).hasSize(100);
    assertThat(starts.subList(0, 30)).containsOnly(0L);
    assertThat(starts.get(30)).isEqualTo(50_000_000L);
    assertThat(starts.get(99)).isEqualTo(3_500_000_000L);
  }

  @Test
  void report_countsPerIdentityAndMinute_foldsKubelets_andFlagsBreaches() {
    Duration slowList = Duration.ofSeconds(40);
    LatencyModel latency = new LatencyModel(Duration.ofMillis(1), slowList, Duration.ZERO, Duration.ofMillis(10),
        Duration.ZERO, Duration.ZERO);
    LoadModel load = LoadModel.install(context, LoadConfig.defaults().withLatency(latency));
    for (int minute = 0; minute < 3; minute++) {
      f.scheduler.scheduleAt(minute * 60_000_000_000L,
          () -> context.client("workload", AGENT).send(ApiCall.list(ListRequest.all(POD))));
    }
    Identity n1 = new Identity("system:node:n1", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
    Identity n2 = new Identity("system:node:n2", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
    context.client(ThrottleFactory.KUBELET, n1).send(ApiCall.create(LoadFixture.configMap("default", "from-n1")));
    context.client(ThrottleFactory.KUBELET, n2).send(ApiCall.create(LoadFixture.configMap("default", "from-n2")));
    f.scheduler.runUntil(180_000_000_000L);

    LoadReport report = load.report();
    assertThat(report.minutes()).isEqualTo(3.0);
    assertThat(report.requestsTotal()).isEqualTo(5);
    IdentityLoad agent = report.identity("system:serviceaccount:telemetry:collector").orElseThrow();
    assertThat(agent.requests()).isEqualTo(3);
    assertThat(agent.perMinute()).isEqualTo(1.0);
    assertThat(agent.byResource()).containsExactly(java.util.Map.entry("list pods", 3L));
    assertThat(agent.perBucket()).containsExactly(1L, 1L, 1L);
    assertThat(agent.p99Nanos()).isEqualTo(40_000_000_000L);
    IdentityLoad nodes = report.identity(LoadAccounting.NODES_ROW).orElseThrow();
    assertThat(nodes.clients()).isEqualTo(2);
    assertThat(nodes.byVerb()).containsExactly(java.util.Map.entry("create", 2L));
    assertThat(report.breaches()).extracting(SloResult::slo).containsExactly(SloClass.READ_CLUSTER);
    assertThat(report.slo(SloClass.MUTATING)).isEqualTo(new SloResult(SloClass.MUTATING, 2, 10_000_000L, false));
    assertThat(agent.rejectedPerBucket()).isEmpty();
  }

  @Test
  void report_chartsEachSloClassP99PerBucket() {
    Duration slowList = Duration.ofSeconds(40);
    LatencyModel latency = new LatencyModel(Duration.ofMillis(1), slowList, Duration.ZERO, Duration.ofMillis(10),
        Duration.ZERO, Duration.ZERO);
    LoadModel load = LoadModel.install(context, LoadConfig.defaults().withLatency(latency));
    // Cluster-wide LISTs in minutes 0 and 2, none in minute 1; one create in minute 0.
    for (int minute : new int[] {0, 2}) {
      f.scheduler.scheduleAt(minute * 60_000_000_000L,
          () -> context.client("workload", AGENT).send(ApiCall.list(ListRequest.all(POD))));
    }
    context.client("workload", AGENT).send(ApiCall.create(LoadFixture.configMap("default", "one")));
    f.scheduler.runUntil(180_000_000_000L);

    LoadReport report = load.report();
    assertThat(report.buckets()).isEqualTo(3);
    assertThat(report.slosOverTime()).extracting(SloSeries::slo).containsExactly(SloClass.values());
    SloSeries cluster = report.slosOverTime().get(SloClass.READ_CLUSTER.ordinal());
    assertThat(cluster.requestsPerBucket()).containsExactly(1L, 0L, 1L);
    assertThat(cluster.p99NanosPerBucket()).containsExactly(40_000_000_000L, 0L, 40_000_000_000L);
    SloSeries mutating = report.slosOverTime().get(SloClass.MUTATING.ordinal());
    assertThat(mutating.requestsPerBucket()).containsExactly(1L);
    assertThat(mutating.p99NanosPerBucket()).containsExactly(10_000_000L);
    assertThat(report.slosOverTime().get(SloClass.READ_RESOURCE.ordinal()).requestsPerBucket()).isEmpty();
  }

  /**
   * Watch events are counted for the identity that watches, by resource, as they are queued: the synthetic
   * ADDED events of a watch without a version, the changes its selector lets through (a kubelet's watch of its
   * node's pods sees none of the other node's) and BOOKMARKs; kubelets' events fold into their row.
   */
  @Test
  void report_countsTheEventsSentToEachIdentitysWatches_byResource() {
    f.server.create(Identity.admin(), LoadFixture.pod("default", "before", "n1"));
    LoadModel load = LoadModel.install(context);
    Identity n1 = new Identity("system:node:n1", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
    Identity n2 = new Identity("system:node:n2", ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
    WatchListener ignore = event -> { };
    context.client(ThrottleFactory.KUBELET, n1).send(ApiCall.watch(WatchRequest.all(POD)
        .withFields(FieldSelector.equal("spec.nodeName", "n1")), ignore));
    context.client(ThrottleFactory.KUBELET, n2).send(ApiCall.watch(WatchRequest.all(POD)
        .withFields(FieldSelector.equal("spec.nodeName", "n2")), ignore));
    SimClient agent = context.client("workload", AGENT);
    agent.send(ApiCall.watch(new WatchRequest(POD, null, LabelSelector.everything(), FieldSelector.everything(), null, true),
        ignore));
    agent.send(ApiCall.watch(WatchRequest.all(GroupKind.of("", "ConfigMap")), ignore));
    f.scheduler.runUntilIdle();
    f.server.create(Identity.admin(), LoadFixture.pod("default", "a", "n1"));
    f.server.create(Identity.admin(), LoadFixture.pod("default", "b", "n2"));
    f.server.delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "a"),
        dev.converge.inmemory.server.DeleteParams.defaults());
    // A minute on, the next request brings the bookmark the agent's pod watch asked for.
    f.scheduler.runUntil(60_000_000_000L);
    f.server.create(Identity.admin(), LoadFixture.configMap("default", "later"));
    f.scheduler.runUntilIdle();

    LoadReport report = load.report();
    IdentityLoad nodes = report.identity(LoadAccounting.NODES_ROW).orElseThrow();
    // n1: ADDED before (initial), ADDED a, a deleted (graceful: MODIFIED); n2: ADDED b.
    assertThat(nodes.watchEvents()).isEqualTo(4);
    assertThat(nodes.watchEventsByResource()).containsExactly(java.util.Map.entry("pods", 4L));
    IdentityLoad agentLoad = report.identity(AGENT.name()).orElseThrow();
    // pods: before, a, b, a deleted and one BOOKMARK; configmaps: the kube-root-ca.crt of each of the four
    // namespaces a cluster starts with (initial ADDED events), then later.
    assertThat(agentLoad.watchEventsByResource()).containsExactly(java.util.Map.entry("configmaps", 5L),
        java.util.Map.entry("pods", 5L));
    assertThat(agentLoad.watchBookmarks()).isEqualTo(1);
    assertThat(agentLoad.watchEventsPerMinute()).isEqualTo(10.0);
    assertThat(report.watchEventsTotal()).isEqualTo(14);
  }
}
