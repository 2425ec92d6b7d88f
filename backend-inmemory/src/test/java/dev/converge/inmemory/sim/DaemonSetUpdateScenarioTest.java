package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.DAEMON_SET;
import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.dsStatus;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static dev.converge.inmemory.sim.SimTesting.runChecking;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DaemonSet updates end to end: a RollingUpdate with {@code maxUnavailable: 10%} never has more than
 * ⌈0.1·N⌉ nodes without an available pod, checked after every event of the simulation; a surge update keeps
 * every node available and never surges on more than maxSurge nodes; OnDelete changes nothing until a pod is
 * deleted.
 */
class DaemonSetUpdateScenarioTest {

  private static Simulation rolledOut(int nodes, String strategy) {
    Simulation sim = Simulation.builder().seed(7).kubelet(fixedKubelet()).pool(NodePool.plain(nodes)).build().start();
    sim.create(daemonSet("agent", ",\"updateStrategy\":" + strategy, ""));
    sim.runUntil(() -> dsStatus(sim, "agent").path("numberAvailable").asInt() == nodes, Duration.ofMinutes(10));
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(nodes);
    return sim;
  }

  private static void changeImage(Simulation sim, String image) {
    Resource ds = SimTesting.get(sim, DAEMON_SET, "default", "agent");
    sim.server().update(Identity.admin(), ds.edit(tree -> ((ObjectNode) tree.at("/spec/template/spec/containers/0"))
        .put("image", image)));
  }

  /** Nodes without an available (Ready) pod of the DaemonSet, from the store. */
  private static int unavailableNodes(Simulation sim, int nodes) {
    Set<String> available = new HashSet<>();
    for (Resource pod : podsOf(sim, "DaemonSet", "agent")) {
      if (SimTesting.isReady(pod) && !pod.isBeingDeleted()) {
        available.add(pod.spec().path("nodeName").asText());
      }
    }
    return nodes - available.size();
  }

  @Test
  void anImageTheRegistryDoesNotHave_stallsTheRollout_atMaxUnavailable() {
    int nodes = 20;
    Simulation sim = Simulation.builder().seed(7).kubelet(fixedKubelet()).missingImages(List.of("agent:2-typo"))
        .pool(NodePool.plain(nodes)).build().start();
    sim.create(daemonSet("agent", ",\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":"
        + "{\"maxUnavailable\":\"10%\"}}", ""));
    sim.runUntil(() -> dsStatus(sim, "agent").path("numberAvailable").asInt() == nodes, Duration.ofMinutes(10));
    changeImage(sim, "agent:2-typo");
    sim.runFor(Duration.ofMinutes(10));

    // ⌈0.1 × 20⌉ = 2 old pods replaced by pods that never start; the controller goes no further.
    assertThat(dsStatus(sim, "agent").path("updatedNumberScheduled").asInt()).isEqualTo(2);
    assertThat(dsStatus(sim, "agent").path("numberUnavailable").asInt()).isEqualTo(2);
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(nodes - 2);
    List<Resource> stuck = podsOf(sim, "DaemonSet", "agent").stream()
        .filter(p -> p.spec().at("/containers/0/image").asText().equals("agent:2-typo")).toList();
    assertThat(stuck).hasSize(2).allMatch(p -> p.status().path("phase").asText().equals("Pending")
        && p.status().at("/containerStatuses/0/state/waiting/reason").asText().matches("ErrImagePull|ImagePullBackOff"));
  }

  @Test
  void tenPercentMaxUnavailable_neverMoreThanTheCeilingUnavailable_atAnyEvent() {
    int nodes = 45;
    Simulation sim = rolledOut(nodes, "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"10%\"}}");
    changeImage(sim, "agent:2");
    int[] worst = {0};
    runChecking(sim, Duration.ofMinutes(5), () -> worst[0] = Math.max(worst[0], unavailableNodes(sim, nodes)));

    // ⌈0.1 × 45⌉ = 5, and the controller uses all of it.
    assertThat(worst[0]).isEqualTo(5);
    assertThat(dsStatus(sim, "agent").path("updatedNumberScheduled").asInt()).isEqualTo(nodes);
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(nodes);
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(nodes)
        .allMatch(p -> p.spec().at("/containers/0/image").asText().equals("agent:2"));
  }

  @Test
  void surge_createsBesideTheOldPod_keepsEveryNodeAvailable_andSurgesOnAtMostMaxSurgeNodes() {
    int nodes = 12;
    Simulation sim = rolledOut(nodes,
        "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":\"25%\"}}");
    changeImage(sim, "agent:2");
    int[] worstUnavailable = {0};
    int[] worstSurging = {0};
    runChecking(sim, Duration.ofMinutes(5), () -> {
      worstUnavailable[0] = Math.max(worstUnavailable[0], unavailableNodes(sim, nodes));
      Map<String, Integer> perNode = new HashMap<>();
      for (Resource pod : podsOf(sim, "DaemonSet", "agent")) {
        if (!pod.isBeingDeleted()) {
          perNode.merge(pod.spec().path("nodeName").asText(pod.name()), 1, Integer::sum);
        }
      }
      worstSurging[0] = Math.max(worstSurging[0], (int) perNode.values().stream().filter(n -> n > 1).count());
    });

    assertThat(worstUnavailable[0]).isZero();
    // ⌈0.25 × 12⌉ = 3 nodes with an old and a new pod at once (old pods being deleted aside), at most.
    assertThat(worstSurging[0]).isEqualTo(3);
    assertThat(dsStatus(sim, "agent").path("updatedNumberScheduled").asInt()).isEqualTo(nodes);
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(nodes);
  }

  @Test
  void onDelete_changesNothing_untilAPodIsDeleted_whichComesBackUpdated() {
    Simulation sim = rolledOut(5, "{\"type\":\"OnDelete\"}");
    changeImage(sim, "agent:2");
    sim.runFor(Duration.ofMinutes(2));

    assertThat(dsStatus(sim, "agent").path("updatedNumberScheduled").asInt()).isZero();
    assertThat(dsStatus(sim, "agent").path("observedGeneration").asInt()).isEqualTo(2);
    List<Resource> before = podsOf(sim, "DaemonSet", "agent");
    assertThat(before).allMatch(p -> p.spec().at("/containers/0/image").asText().equals("agent:1"));

    sim.server().delete(Identity.admin(), before.get(0).key(), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(30));

    assertThat(dsStatus(sim, "agent").path("updatedNumberScheduled").asInt()).isEqualTo(1);
    assertThat(podsOf(sim, "DaemonSet", "agent"))
        .filteredOn(p -> p.spec().at("/containers/0/image").asText().equals("agent:2")).hasSize(1);
  }
}
