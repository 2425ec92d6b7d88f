package dev.converge.examples.datadog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ListRequest;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 item 6's pitfalls where the simulated cluster shows more than a stand-in can: kube-controller-manager
 * and the kubelets rewrite workload status all the time, yet the converged operator writes nothing for a
 * simulated hour; a label edit on the DatadogAgent reaches every agent pod through the real DaemonSet rolling
 * update; the status follows the live Cluster Agent Deployment down and up again. 8 nodes, seed 42.
 */
class PitfallsOnSimulatedClusterTest {
  private static final int NODES = 8;
  private static final String OPERATOR = "system:serviceaccount:datadog:datadog-operator";

  @Test
  void noUpdateLoop_theConvergedOperatorWritesNothingForASimulatedHour() {
    SimulatedInstall install = converged();
    long mark = install.sim.cluster().requests().mark();
    install.sim.runFor(Duration.ofHours(1));
    assertThat(mutatingByOperator(install, mark)).isEmpty();
    // The workloads were busy meanwhile: kubelets renewed leases and kept pods running.
    assertThat(install.sim.cluster().requests().since(mark)).hasSizeGreaterThan(NODES * 300);
  }

  @Test
  void labelEditOnTheDatadogAgent_rollsOutToEveryAgentPod() {
    SimulatedInstall install = converged();
    install.sim.server().update(Identity.admin(), install.live(SimulatedInstall.AGENT).edit(tree ->
        tree.withObjectProperty("metadata").withObjectProperty("labels").put("tags.datadoghq.com/env", "prod")));
    boolean rolledOut = install.sim.runUntil(() -> agentPods(install).stream().filter(p -> p.json().path("status")
        .path("phase").asText().equals("Running") && "prod".equals(p.labels().get("tags.datadoghq.com/env"))).count() == NODES
        && install.available(SimulatedInstall.DAEMON_SET) == NODES, Duration.ofMinutes(30));
    assertThat(rolledOut).isTrue();
    assertThat(agentPods(install)).hasSize(NODES)
        .allSatisfy(pod -> assertThat(pod.labels()).containsEntry("tags.datadoghq.com/env", "prod"));
    install.sim.runFor(Duration.ofSeconds(30));
    assertThat(install.status(SimulatedInstall.AGENT).path("agent").path("status").asText()).isEqualTo("Running (8/8/8)");
    assertThat(install.live(SimulatedInstall.DAEMON_SET).generation()).isEqualTo(2);
  }

  @Test
  void status_followsTheLiveClusterAgentDownAndUp() {
    SimulatedInstall install = converged();
    setUnschedulable(install, true);
    for (Resource pod : pods(install, "datadog")) {
      if (pod.name().startsWith("datadog-cluster-agent-")) {
        install.sim.server().delete(Identity.admin(), pod.key(), DeleteParams.defaults());
      }
    }
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 0, Duration.ofMinutes(1));
    install.sim.runFor(Duration.ofSeconds(30));
    assertThat(install.status(SimulatedInstall.AGENT).path("clusterAgent").path("status").asText())
        .isEqualTo("Progressing (1/0/1)");
    setUnschedulable(install, false);
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 1, Duration.ofMinutes(2));
    install.sim.runFor(Duration.ofSeconds(30));
    assertThat(install.status(SimulatedInstall.AGENT).path("clusterAgent").path("status").asText())
        .isEqualTo("Running (1/1/1)");
  }

  /** The shared examples applied and everything available, the webhook configuration created, a minute more. */
  private static SimulatedInstall converged() {
    SimulatedInstall install = SimulatedInstall.start(NODES);
    install.applySharedExamples();
    install.runUntilAvailable(SimulatedInstall.DAEMON_SET, NODES, Duration.ofMinutes(5));
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 1, Duration.ofMinutes(5));
    install.sim.runFor(Duration.ofMinutes(1));
    assertThat(install.status(SimulatedInstall.AGENT).path("agent").path("status").asText()).isEqualTo("Running (8/8/8)");
    return install;
  }

  private static List<String> mutatingByOperator(SimulatedInstall install, long mark) {
    List<String> out = new ArrayList<>();
    for (RequestRecord record : install.sim.cluster().requests().since(mark)) {
      if (record.identity().equals(OPERATOR) && record.mutating()) {
        out.add(record.verb() + " " + record.resourceWithSubresource() + " " + record.name());
      }
    }
    return out;
  }

  private static List<Resource> agentPods(SimulatedInstall install) {
    return pods(install, "datadog").stream().filter(p -> p.name().startsWith("datadog-agent-")).toList();
  }

  private static List<Resource> pods(SimulatedInstall install, String namespace) {
    return install.admin.list(ListRequest.all(GroupKind.of("", "Pod")).inNamespace(namespace)).items();
  }

  private static void setUnschedulable(SimulatedInstall install, boolean value) {
    for (int i = 0; i < NODES; i++) {
      install.sim.server().patch(Identity.admin(), ResourceKey.cluster("", "Node", "node-" + i), PatchType.MERGE,
          Json.parse("{\"spec\":{\"unschedulable\":" + value + "}}"), PatchOptions.defaults());
    }
  }
}
