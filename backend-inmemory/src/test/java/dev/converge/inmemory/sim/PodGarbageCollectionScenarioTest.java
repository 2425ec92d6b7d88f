package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.node.PodGarbageCollector;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The pod garbage collector skips its scan while the last one found nothing and no pod or node event came
 * since; a deleted node makes it scan again, and its pods are force-deleted after the quarantine.
 */
class PodGarbageCollectionScenarioTest {

  @Test
  void quietClusterSkipsScans_aDeletedNodesPodsAreStillCollected() {
    Simulation sim = Simulation.builder().seed(3).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(3));
    PodGarbageCollector gc = sim.controllerManager().podGc();
    assertThat(gc.willScan()).isFalse();
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(3);

    sim.nodes().fail("node-1");
    sim.server().delete(Identity.admin(), ResourceKey.cluster("", "Node", "node-1"), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(1));
    assertThat(gc.willScan()).isTrue();
    sim.runFor(Duration.ofSeconds(90));

    assertThat(gc.collected()).isEqualTo(1);
    // markFailedAndDeletePodWithCondition: the orphan was applied Failed (with DisruptionTarget
    // DeletionByPodGC) by the PodGC field manager, then deleted with grace 0.
    assertThat(sim.cluster().requests().records()).filteredOn(r -> r.resource().equals("pods")
            && r.identity().equals("system:kube-controller-manager") && r.verb().matches("patch|delete"))
        .extracting(r -> r.verb() + " " + r.resourceWithSubresource() + " " + r.code())
        .containsExactly("patch pods/status 200", "delete pods 200");
    assertThat(podsOf(sim, "DaemonSet", "agent")).extracting(p -> p.spec().path("nodeName").asText())
        .containsExactlyInAnyOrder("node-0", "node-2");
    sim.runFor(Duration.ofMinutes(1));
    assertThat(gc.willScan()).isFalse();
  }
}
