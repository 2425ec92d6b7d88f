package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulated components' writes are recorded under the managers kube-apiserver takes from their user agents
 * ({@code kubelet}, {@code kube-controller-manager}), as {@code kubectl get -o yaml --show-managed-fields} shows
 * them on a real cluster, whichever credentials kube-controller-manager uses.
 */
class FieldManagersScenarioTest {

  /** Each entry as "manager operation [subresource]", in the stored order. */
  private static List<String> managers(Resource object) {
    List<String> out = new ArrayList<>();
    for (JsonNode entry : object.metadata().path("managedFields")) {
      String subresource = entry.path("subresource").asText("");
      out.add(entry.path("manager").asText() + " " + entry.path("operation").asText()
          + (subresource.isEmpty() ? "" : " " + subresource));
    }
    return out;
  }

  private static void check(Credentials credentials) {
    Simulation sim = Simulation.builder().seed(4).kubelet(fixedKubelet()).pool(NodePool.plain(2))
        .controllerCredentials(credentials).build().start();
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(2));

    // The DaemonSet controller's create, the kubelet's status; the scheduler's binding is written past the field
    // manager (BindingREST.setPodNodeAndMetadata: the storage's GuaranteedUpdate) and adds no entry.
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(2).allSatisfy(pod -> assertThat(managers(pod))
        .containsExactly("kube-controller-manager Update", "kubelet Update status"));
    assertThat(managers(SimTesting.get(sim, GroupKind.of("coordination.k8s.io", "Lease"), "kube-node-lease", "node-0")))
        .containsExactly("kubelet Update");
    assertThat(managers(SimTesting.get(sim, SimTesting.DAEMON_SET, "default", "agent")))
        .containsExactly("system:admin Update", "kube-controller-manager Update status");
  }

  @Test
  void componentsWrite_underTheirUserAgents() {
    check(Credentials.SHARED);
    check(Credentials.SERVICE_ACCOUNTS);
  }
}
