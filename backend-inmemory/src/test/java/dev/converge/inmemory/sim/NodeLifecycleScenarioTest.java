package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.NODE;
import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.deploymentPods;
import static dev.converge.inmemory.sim.SimTesting.dsStatus;
import static dev.converge.inmemory.sim.SimTesting.events;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.controller.KubeControllerManager;
import dev.converge.inmemory.sim.node.NodeChurn;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nodes over time: Lease renewals every 10 s with jitter; a silent kubelet makes its node Unknown after the
 * 50 s grace period (checked every 5 s), tainted {@code unreachable} (NoSchedule at once, NoExecute through the
 * eviction rate limiter), its pods not Ready; DaemonSet pods stay (they tolerate it), other pods are evicted
 * after their 300 s toleration and replaced elsewhere; a returning kubelet clears it all; churn adds and
 * removes nodes at the configured rates.
 */
class NodeLifecycleScenarioTest {

  private static String ready(Simulation sim, String node) {
    for (JsonNode c : SimTesting.get(sim, NODE, "", node).status().path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  private static List<String> taints(Simulation sim, String node) {
    List<String> out = new ArrayList<>();
    for (JsonNode t : SimTesting.get(sim, NODE, "", node).spec().path("taints")) {
      out.add(t.path("key").asText() + ":" + t.path("effect").asText());
    }
    return out;
  }

  @Test
  void leases_areRenewedEveryTenSeconds_withJitter_byTheNodesOwnIdentity() {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.runFor(Duration.ofMinutes(10));

    // 600 s / (10 s × (1 + up to 4 % jitter)): between 57 and 60 renewals each.
    assertThat(sim.nodes().kubelets()).allSatisfy(k -> assertThat(k.renewals()).isBetween(57L, 60L));
    assertThat(sim.nodes().kubelet("node-0").renewals()).isEqualTo(58);
    assertThat(sim.cluster().requests().count("system:node:node-0", "update")).isEqualTo(58);
    Resource lease = SimTesting.get(sim, dev.converge.api.GroupKind.of("coordination.k8s.io", "Lease"),
        "kube-node-lease", "node-0");
    assertThat(lease.spec().path("holderIdentity").asText()).isEqualTo("node-0");
    assertThat(lease.ownerReferences().get(0).kind()).isEqualTo("Node");
  }

  @Test
  void silentKubelet_nodeGoesUnknown_tainted_podsNotReady_thenRecovers() {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.create(daemonSet("agent", "", ""));
    sim.create(deployment("web", 3, "nginx:1.27"));
    sim.runFor(Duration.ofMinutes(1));
    List<String> webOnNode1 = deploymentPods(sim, "web").stream()
        .filter(p -> p.spec().path("nodeName").asText().equals("node-1")).map(Resource::name).toList();
    assertThat(webOnNode1).isNotEmpty();

    sim.nodes().fail("node-1");
    // The last renewal was at most 10.4 s before the failure: 35 s later it is within the 50 s grace period,
    // 70 s later past it and past the next 5 s monitor tick.
    sim.runFor(Duration.ofSeconds(35));
    assertThat(ready(sim, "node-1")).isEqualTo("True");
    sim.runFor(Duration.ofSeconds(35));

    assertThat(ready(sim, "node-1")).isEqualTo("Unknown");
    assertThat(sim.readyNodes()).isEqualTo(2);
    assertThat(taints(sim, "node-1")).containsExactlyInAnyOrder("node.kubernetes.io/unreachable:NoSchedule",
        "node.kubernetes.io/unreachable:NoExecute");
    Resource agentOnNode1 = podsOf(sim, "DaemonSet", "agent").stream()
        .filter(p -> p.spec().path("nodeName").asText().equals("node-1")).findFirst().orElseThrow();
    assertThat(SimTesting.isReady(agentOnNode1)).isFalse();
    // The DaemonSet's pod stays; the node no longer counts as one that should run it (untolerated
    // unreachable:NoSchedule), so its pod is misscheduled until the node recovers.
    assertThat(dsStatus(sim, "agent").path("desiredNumberScheduled").asInt()).isEqualTo(2);
    assertThat(dsStatus(sim, "agent").path("numberMisscheduled").asInt()).isEqualTo(1);
    assertThat(agentOnNode1.isBeingDeleted()).isFalse();

    // Ordinary pods tolerate unreachable for 300 s (DefaultTolerationSeconds), then they are evicted and
    // replaced on the healthy nodes; the evicted ones stay Terminating, their kubelet being gone.
    sim.runFor(Duration.ofMinutes(6));
    assertThat(sim.controllerManager().taintEviction().evictions()).isEqualTo(webOnNode1.size());
    assertThat(deploymentPods(sim, "web")).filteredOn(p -> !p.isBeingDeleted()).hasSize(3)
        .allMatch(p -> !p.spec().path("nodeName").asText().equals("node-1")).allMatch(SimTesting::isReady);
    // Each was marked before its deletion (addConditionAndDeletePod).
    assertThat(deploymentPods(sim, "web")).filteredOn(Resource::isBeingDeleted).hasSize(webOnNode1.size())
        .allSatisfy(p -> assertThat(p.status().path("conditions").toString()).contains(
            "\"type\":\"DisruptionTarget\",\"status\":\"True\"",
            "\"reason\":\"DeletionByTaintManager\",\"message\":\"Taint manager: deleting due to NoExecute taint\""));

    long mark = sim.cluster().requests().mark();
    sim.nodes().recover("node-1");
    sim.runFor(Duration.ofSeconds(30));
    // The returning kubelet lists and watches its Node and the Services again, finds its Node and Lease,
    // reports its status, re-reports its running pod Ready, and finishes deleting the pods evicted while it was
    // away.
    assertThat(sim.cluster().requests().since(mark)).filteredOn(r -> r.identity().equals("system:node:node-1"))
        .filteredOn(r -> !r.resource().equals("events"))
        .extracting(r -> r.verb() + " " + r.resourceWithSubresource() + " " + r.code())
        .startsWith("list nodes 200", "list services 200", "list runtimeclasses 200", "list csidrivers 200",
            "create nodes 409", "watch nodes 200", "watch services 200", "watch runtimeclasses 200",
            "watch csidrivers 200", "get nodes 200", "create leases 409", "list pods 200");
    // Its CSINode is there: it reads it twice (is the API server up, is it there) and writes nothing.
    assertThat(sim.cluster().requests().since(mark)).filteredOn(r -> r.identity().equals("system:node:node-1"))
        .filteredOn(r -> r.resource().equals("csinodes"))
        .extracting(r -> r.verb() + " " + r.resource() + " " + r.code())
        .containsExactly("get csinodes 200", "get csinodes 200");
    // Its Events repeat the first start's, so its event client patches their counts instead of creating more.
    assertThat(sim.cluster().requests().since(mark)).filteredOn(r -> r.identity().equals("system:node:node-1"))
        .filteredOn(r -> r.resource().equals("events")).extracting(r -> r.verb())
        .contains("patch").doesNotContain("create");
    assertThat(events(sim, "node-1")).contains("Starting: Starting kubelet. (2)",
        "NodeNotReady: Node node-1 status is now: NodeNotReady (1)");
    assertThat(ready(sim, "node-1")).isEqualTo("True");
    assertThat(sim.readyNodes()).isEqualTo(3);
    assertThat(taints(sim, "node-1")).isEmpty();
    assertThat(dsStatus(sim, "agent").path("numberReady").asInt()).isEqualTo(3);
    assertThat(dsStatus(sim, "agent").path("numberMisscheduled").asInt()).isZero();
    assertThat(sim.controllerManager().nodeLifecycle().unknownTransitions()).isEqualTo(1);
  }

  @Test
  void manyNodesFailing_areTaintedNoExecuteAtTheEvictionRate() {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(20)).build().start();
    sim.runFor(Duration.ofSeconds(30));
    for (int i = 0; i < 4; i++) {
      sim.nodes().fail("node-" + i);
    }
    sim.runFor(Duration.ofSeconds(60));
    long noExecute = countNoExecute(sim);
    sim.runFor(Duration.ofSeconds(30));

    // 4 of 20 not ready is a healthy zone: 0.1 nodes per second, one token to start with.
    assertThat(noExecute).isEqualTo(1);
    assertThat(countNoExecute(sim)).isEqualTo(4);
  }

  @Test
  void taintEviction_retriesAFailedDeletion_fiveTimesAtMost() {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(2)).build().start();
    int[] refusals = {3, Integer.MAX_VALUE};
    // node-0's pod: its first three deletions are refused; node-1's: all of them.
    sim.server().admission().register(AdmissionPlugin.validating("no-deletes.example.com", request -> {
      if (request.operation() != Operation.DELETE || !request.kind().equals(SimTesting.POD)) {
        return Verdict.allow();
      }
      int index = request.name().equals("on-0") ? 0 : 1;
      return refusals[index]-- > 0 ? Verdict.deny("not yet") : Verdict.allow();
    }));
    for (int i = 0; i < 2; i++) {
      sim.create("""
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"on-%d","namespace":"default"},
           "spec":{"nodeName":"node-%d","containers":[{"name":"main","image":"nginx:1"}]}}""".formatted(i, i));
    }
    sim.runFor(Duration.ofSeconds(10));
    long mark = sim.cluster().requests().mark();
    for (int i = 0; i < 2; i++) {
      taint(sim, "node-" + i, "[{\"key\":\"example.com/drain\",\"effect\":\"NoExecute\"}]");
    }
    sim.runFor(Duration.ofSeconds(5));

    // deletePodHandler: up to 5 attempts of addConditionAndDeletePod, 10 ms apart. The condition is patched
    // once; later attempts find it set and only read and delete.
    List<String> calls = new ArrayList<>();
    sim.cluster().requests().since(mark).stream().filter(r -> r.identity().equals(KubeControllerManager.IDENTITY.name())
        && r.resource().equals("pods")).forEach(r -> calls.add(r.name() + " " + r.verb() + " " + r.code()));
    assertThat(calls).filteredOn(c -> c.startsWith("on-0")).containsExactly("on-0 get 200", "on-0 patch 200",
        "on-0 delete 403", "on-0 get 200", "on-0 delete 403", "on-0 get 200", "on-0 delete 403", "on-0 get 200",
        "on-0 delete 200");
    assertThat(calls).filteredOn(c -> c.equals("on-1 delete 403")).hasSize(5);
    assertThat(calls).filteredOn(c -> c.startsWith("on-1")).hasSize(11);
    // on-0 is stopped and removed by its kubelet; on-1 keeps running, marked, the work given up.
    assertThat(SimTesting.get(sim, SimTesting.POD, "default", "on-0")).isNull();
    assertThat(SimTesting.get(sim, SimTesting.POD, "default", "on-1").isBeingDeleted()).isFalse();
    assertThat(events(sim, "on-1")).filteredOn(e -> e.startsWith("TaintManagerEviction"))
        .containsExactly("TaintManagerEviction: Marking for deletion Pod default/on-1 (1)");
  }

  @Test
  void taintEviction_scheduledForATolerationPeriod_isCancelledWithAnEvent_whenTheTaintGoes() {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(1)).build().start();
    sim.create("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"patient","namespace":"default"},
         "spec":{"nodeName":"node-0","containers":[{"name":"main","image":"nginx:1"}],
                 "tolerations":[{"key":"example.com/drain","effect":"NoExecute","tolerationSeconds":60}]}}""");
    sim.runFor(Duration.ofSeconds(10));
    taint(sim, "node-0", "[{\"key\":\"example.com/drain\",\"effect\":\"NoExecute\"}]");
    // Status reports of the pod in the meantime change neither its node nor its tolerations: nothing rescheduled.
    sim.runFor(Duration.ofSeconds(30));
    taint(sim, "node-0", "null");
    sim.runFor(Duration.ofSeconds(60));

    assertThat(SimTesting.get(sim, SimTesting.POD, "default", "patient").isBeingDeleted()).isFalse();
    assertThat(sim.controllerManager().taintEviction().evictions()).isZero();
    assertThat(events(sim, "patient")).filteredOn(e -> e.startsWith("TaintManagerEviction"))
        .containsExactly("TaintManagerEviction: Cancelling deletion of Pod default/patient (1)");
  }

  private static void taint(Simulation sim, String node, String taints) {
    sim.server().patch(Identity.admin(), ResourceKey.cluster("", "Node", node), PatchType.MERGE,
        Json.parse("{\"spec\":{\"taints\":" + taints + "}}"), PatchOptions.defaults());
  }

  private static long countNoExecute(Simulation sim) {
    long n = 0;
    for (int i = 0; i < 20; i++) {
      if (taints(sim, "node-" + i).contains("node.kubernetes.io/unreachable:NoExecute")) {
        n++;
      }
    }
    return n;
  }

  @Test
  void churn_addsAndRemovesNodes_andTheDaemonSetFollows() {
    Simulation sim = Simulation.builder().seed(9).kubelet(fixedKubelet())
        .pool(NodePool.of("spot", 10).withChurn(new NodeChurn(12, 12))).build().start();
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofHours(1));

    int nodes = sim.server().cache().objects(NODE).size();
    assertThat(sim.nodes().running()).isEqualTo(nodes);
    // Seed 9, 12 joins and 12 leaves per hour on average: 9 joins and 10 leaves this hour.
    assertThat(sim.nodes().joins()).isEqualTo(9);
    assertThat(sim.nodes().leaves()).isEqualTo(10);
    assertThat(nodes).isEqualTo(10 + 9 - 10);
    // Kept by the store's changes through every join and leave: the count a scan of the nodes gives.
    assertThat(sim.readyNodes()).isEqualTo(nodes).isEqualTo((int) sim.server().cache().objects(NODE).values().stream()
        .filter(node -> ready(sim, node.name()).equals("True")).count());
    assertThat(dsStatus(sim, "agent").path("desiredNumberScheduled").asInt()).isEqualTo(nodes);
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(nodes);
    // Pods of nodes that left are collected by the pod GC once the node has been gone 40 s.
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(nodes);
  }

  @Test
  void deletedNode_registeredAgain_isWatchedThroughItsNewHealth() {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.runFor(Duration.ofMinutes(1));
    sim.server().delete(dev.converge.inmemory.server.Identity.admin(),
        dev.converge.api.ResourceKey.cluster("", "Node", "node-1"), dev.converge.inmemory.server.DeleteParams.defaults());
    // The kubelet keeps renewing its Lease while its Node is gone, then restarts and registers it again.
    sim.runFor(Duration.ofSeconds(30));
    sim.nodes().fail("node-1");
    sim.nodes().recover("node-1");
    sim.runFor(Duration.ofMinutes(3));
    assertThat(ready(sim, "node-1")).isEqualTo("True");
    assertThat(sim.controllerManager().nodeLifecycle().unknownTransitions()).isZero();
  }
}
