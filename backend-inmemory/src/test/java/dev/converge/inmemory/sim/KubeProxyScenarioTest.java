package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.sim.node.Kubelet;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube-proxy on every node ({@code Simulation.Builder.kubeProxy}): as {@code system:kube-proxy}, authorized by
 * the bootstrap {@code system:node-proxier} role, it lists and watches the proxied Services and EndpointSlices
 * and its own Node, through its own 5 qps client; it lives and dies with its node's kubelet; without the option
 * there is none.
 */
class KubeProxyScenarioTest {
  private static final GroupKind CLUSTER_ROLE = GroupKind.of("rbac.authorization.k8s.io", "ClusterRole");

  private static List<String> proxyRequests(Simulation sim) {
    List<String> out = new ArrayList<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals("system:kube-proxy")) {
        out.add(r.verb() + " " + r.resource() + " " + r.code());
      }
    }
    return out;
  }

  @Test
  void everyNode_watchesTheProxiedServicesAndSlices_andItsNode_untilItsKubeletDies() {
    Simulation sim = Simulation.builder().seed(3).kubelet(fixedKubelet()).pool(NodePool.plain(3)).kubeProxy(true)
        .build().start();
    sim.create(deployment("web", 3, "nginx:1.27"));
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}""");
    sim.runFor(Duration.ofMinutes(1));

    List<String> requests = proxyRequests(sim);
    // First its Node, for the node's IPs (it starts once the kubelet registered it); then the informers.
    assertThat(requests).filteredOn(r -> r.startsWith("get ")).containsExactly("get nodes 200", "get nodes 200",
        "get nodes 200");
    assertThat(requests).hasSize(21);
    for (String kind : List.of("services", "endpointslices", "nodes")) {
      assertThat(requests).filteredOn(r -> r.startsWith("list " + kind) || r.startsWith("watch " + kind)).as(kind)
          .containsExactlyInAnyOrder("list " + kind + " 200", "list " + kind + " 200", "list " + kind + " 200",
              "watch " + kind + " 200", "watch " + kind + " 200", "watch " + kind + " 200");
    }
    assertThat(sim.nodes().kubelets()).extracting(Kubelet::proxyWatches).containsOnly(3);
    assertThat(sim.server().cache().get(CLUSTER_ROLE, "", "system:node-proxier")).isNotNull();

    sim.nodes().fail("node-1");
    assertThat(sim.nodes().kubelet("node-1").proxyWatches()).isZero();
    sim.nodes().recover("node-1");
    sim.runFor(Duration.ofSeconds(10));
    assertThat(sim.nodes().kubelet("node-1").proxyWatches()).isEqualTo(3);
    // Started again with the kubelet, once it found its Node registered already.
    assertThat(proxyRequests(sim)).hasSize(28).element(21).isEqualTo("get nodes 200");
  }

  @Test
  void withoutTheOption_thereIsNoKubeProxy() {
    Simulation sim = Simulation.builder().seed(3).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.runFor(Duration.ofMinutes(1));
    assertThat(proxyRequests(sim)).isEmpty();
    assertThat(sim.nodes().kubelets()).extracting(Kubelet::proxyWatches).containsOnly(0);
    assertThat(sim.server().cache().get(CLUSTER_ROLE, "", "system:node-proxier")).isNull();
  }
}
