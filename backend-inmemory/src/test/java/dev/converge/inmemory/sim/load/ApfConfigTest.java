package dev.converge.inmemory.sim.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.GroupKind;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.RequestInfo;
import dev.converge.inmemory.server.Verb;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes' default priority-and-fairness configuration: 600 seats divided by shares (ceil), the per-level
 * cap on a LIST's seats, and which schema and level each kind of client lands in.
 */
class ApfConfigTest {
  private final ApfConfig config = ApfConfig.kubernetesDefaults();
  private final LoadFixture f = new LoadFixture();
  private final PriorityAndFairness apf = new PriorityAndFairness(config, f.server, f.scheduler, LatencyModel.defaults(),
      new ObjectCounts());

  @Test
  void seats_areSixHundredTimesSharesOverTwoHundredFortyFive_roundedUp() {
    Map<String, Integer> seats = new LinkedHashMap<>();
    config.levels().forEach(level -> seats.put(level.name(), config.seatsOf(level)));
    assertThat(seats).containsExactly(
        Map.entry("exempt", 0), Map.entry("system", 74), Map.entry("node-high", 98), Map.entry("leader-election", 25),
        Map.entry("workload-high", 98), Map.entry("workload-low", 245), Map.entry("global-default", 49),
        Map.entry("catch-all", 13));
  }

  @Test
  void listSeats_areCappedAtFifteenPercentOrSeatsOverHandSize() {
    Map<String, Integer> caps = new LinkedHashMap<>();
    config.levels().forEach(level -> caps.put(level.name(), config.maxSeatsOf(level)));
    // workload-low: min(ceil(0.15 × 245) = 37, 245 / 6 = 40) = 37; catch-all rejects, so only the global cap.
    assertThat(caps).containsExactly(
        Map.entry("exempt", 100), Map.entry("system", 12), Map.entry("node-high", 15), Map.entry("leader-election", 4),
        Map.entry("workload-high", 15), Map.entry("workload-low", 37), Map.entry("global-default", 8),
        Map.entry("catch-all", 100));
    assertThat(config.withMaxListSeats(10).maxSeatsOf(config.levels().get(5))).isEqualTo(10);
  }

  @Test
  void classify_sendsEachKindOfClientToItsLevel() {
    Identity node = new Identity("system:node:n1", com.google.common.collect.ImmutableList.of("system:nodes", Identity.AUTHENTICATED));
    Identity kcm = Identity.user("system:kube-controller-manager");
    Identity agent = Identity.serviceAccount("telemetry", "collector");
    Identity gc = Identity.serviceAccount("kube-system", "generic-garbage-collector");
    assertThat(route(node, Verb.UPDATE, "Lease", "kube-node-lease")).isEqualTo("system-node-high/node-high");
    assertThat(route(node, Verb.PATCH, "Node", "")).isEqualTo("system-node-high/node-high");
    assertThat(route(node, Verb.LIST, "Pod", "")).isEqualTo("system-nodes/system");
    assertThat(route(kcm, Verb.CREATE, "Pod", "telemetry")).isEqualTo("kube-controller-manager/workload-high");
    assertThat(route(kcm, Verb.UPDATE, "Lease", "kube-system")).isEqualTo("system-leader-election/leader-election");
    assertThat(route(agent, Verb.LIST, "Pod", "")).isEqualTo("service-accounts/workload-low");
    assertThat(route(gc, Verb.DELETE, "Pod", "telemetry")).isEqualTo("kube-system-service-accounts/workload-high");
    assertThat(route(Identity.user("alice"), Verb.GET, "ConfigMap", "default")).isEqualTo("global-default/global-default");
    assertThat(route(Identity.admin(), Verb.DELETE, "Node", "")).isEqualTo("exempt/exempt");
  }

  @Test
  void flows_areOnePerUserForServiceAccounts_andOnePerNamespaceForControllerManager() {
    RequestInfo agentA = info(Identity.serviceAccount("telemetry", "collector"), Verb.LIST, "Pod", "");
    RequestInfo kcmInA = info(Identity.user("system:kube-controller-manager"), Verb.CREATE, "Pod", "a");
    assertThat(apf.classify(agentA).flowOf(agentA)).isEqualTo("system:serviceaccount:telemetry:collector");
    assertThat(apf.classify(kcmInA).flowOf(kcmInA)).isEqualTo("a");
  }

  private String route(Identity who, Verb verb, String kind, String namespace) {
    FlowSchema schema = apf.classify(info(who, verb, kind, namespace));
    return schema.name() + "/" + schema.level();
  }

  private static RequestInfo info(Identity who, Verb verb, String kind, String namespace) {
    GroupKind groupKind = kind.equals("Lease") ? GroupKind.of("coordination.k8s.io", kind) : GroupKind.of("", kind);
    ResourceType type = ResourceTypes.builtins().find(groupKind).orElseThrow();
    return new RequestInfo(who, verb, type, "", namespace, verb == Verb.LIST || verb == Verb.CREATE ? "" : "x");
  }
}
