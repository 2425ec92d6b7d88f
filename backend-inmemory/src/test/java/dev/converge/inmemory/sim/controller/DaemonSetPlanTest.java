package dev.converge.inmemory.sim.controller;

import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.daemonSet;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.node;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.plainNode;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.pod;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.readyPod;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a DaemonSet sync decides: the manage loop (missing pods, excess pods, failed pods, pods on nodes that
 * should not run them) and the rolling update (maxUnavailable and maxSurge of desiredNumberScheduled, rounded
 * up; replacements of unavailable old pods first).
 */
class DaemonSetPlanTest {

  private static List<NodeInfo> nodes(int n) {
    List<NodeInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(plainNode(String.format("n%02d", i)));
    }
    return out;
  }

  private static List<Resource> oldPods(int n) {
    List<Resource> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(readyPod(String.format("p%02d", i), String.format("n%02d", i), "old"));
    }
    return out;
  }

  @Test
  void manage_createsOnNodesWithoutPod_andDeletesPodsOnNodesThatMustNotRunThem() {
    List<NodeInfo> nodes = List.of(plainNode("a"), plainNode("b"),
        node("c", "{}", "[{\"key\":\"dedicated\",\"effect\":\"NoExecute\"}]"));
    List<Resource> pods = List.of(readyPod("pa", "a", "h"), readyPod("pc", "c", "h"));

    DaemonSetPlan plan = DaemonSetPlan.manage(snapshot(daemonSet(""), nodes, pods, "h"), node -> false);

    assertThat(plan.nodesNeedingPods()).containsExactly("b");
    assertThat(plan.podsToDelete()).containsExactly("pc");
  }

  @Test
  void manage_withoutSurge_keepsTheOldestPodOfANode_andDeletesFailedAndSucceededPods() {
    Resource older = pod("x-older", "a", "h", true, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
    Resource newer = pod("y-newer", "a", "h", true, "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z");
    Resource failed = Resource.of(dev.converge.api.Json.parse(
        readyPod("f", "b", "h").json().toString().replace("\"Running\"", "\"Failed\"")));

    DaemonSetPlan plan = DaemonSetPlan.manage(snapshot(daemonSet(""), List.of(plainNode("a"), plainNode("b")),
        List.of(newer, older, failed), "h"), node -> false);

    assertThat(plan.podsToDelete()).containsExactly("y-newer", "f");
    assertThat(plan.nodesNeedingPods()).isEmpty();
  }

  @Test
  void manage_waitsWhileAFailedPodsNodeIsInBackoff() {
    Resource failed = Resource.of(dev.converge.api.Json.parse(
        readyPod("f", "b", "h").json().toString().replace("\"Running\"", "\"Failed\"")));

    DaemonSetPlan plan = DaemonSetPlan.manage(snapshot(daemonSet(""), List.of(plainNode("b")), List.of(failed), "h"),
        node -> node.equals("b"));

    assertThat(plan.podsToDelete()).isEmpty();
  }

  @Test
  void rollingUpdate_tenPercentOfTwentyFive_roundsUpToThree() {
    Resource ds = daemonSet("\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"10%\",\"maxSurge\":0}}");

    DaemonSetPlan plan = DaemonSetPlan.rollingUpdate(snapshot(ds, nodes(25), oldPods(25), "new"));

    assertThat(plan.podsToDelete()).containsExactly("p00", "p01", "p02");
    assertThat(plan.nodesNeedingPods()).isEmpty();
  }

  @Test
  void rollingUpdate_countsNodesWithoutPodOrWithAnUnavailableNewPodAgainstMaxUnavailable() {
    Resource ds = daemonSet("\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":2}}");
    List<Resource> pods = new ArrayList<>(oldPods(5));
    pods.remove(0); // n00 has no pod: unavailable
    pods.set(0, pod("new1", "n01", "new", false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")); // new, not ready

    DaemonSetPlan plan = DaemonSetPlan.rollingUpdate(snapshot(ds, nodes(5), pods, "new"));

    // Two unavailable already (n00, n01): no old available pod may go.
    assertThat(plan.podsToDelete()).isEmpty();
  }

  @Test
  void rollingUpdate_replacesUnavailableOldPodsAtOnce() {
    Resource ds = daemonSet("\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1}}");
    List<Resource> pods = new ArrayList<>(oldPods(4));
    pods.set(1, pod("p01", "n01", "old", false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"));
    pods.set(2, pod("p02", "n02", "old", false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"));

    DaemonSetPlan plan = DaemonSetPlan.rollingUpdate(snapshot(ds, nodes(4), pods, "new"));

    // Both unavailable old pods go, even though that exceeds maxUnavailable; no available one does.
    assertThat(plan.podsToDelete()).containsExactly("p01", "p02");
  }

  @Test
  void rollingUpdate_withSurge_createsBesideOldPods_upToMaxSurge_andDeletesOldOnceNewIsAvailable() {
    Resource ds = daemonSet("\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":\"20%\"}}");
    List<Resource> pods = new ArrayList<>(oldPods(10));
    pods.add(readyPod("new0", "n00", "new")); // n00 surged and the new pod is available
    pods.add(pod("new1", "n01", "new", false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z")); // n01 surging

    DaemonSetPlan plan = DaemonSetPlan.rollingUpdate(snapshot(ds, nodes(10), pods, "new"));

    // maxSurge = ceil(20% of 10) = 2; one surge in progress (n01) leaves room for one more (n02).
    assertThat(plan.podsToDelete()).containsExactly("p00");
    assertThat(plan.nodesNeedingPods()).containsExactly("n02");
  }

  @Test
  void rollingUpdate_bothZero_fallsBackToOneUnavailable() {
    Resource ds = daemonSet("\"updateStrategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":0}}");

    DaemonSetPlan plan = DaemonSetPlan.rollingUpdate(snapshot(ds, nodes(3), oldPods(3), "new"));

    assertThat(plan.podsToDelete()).containsExactly("p00");
  }

  @Test
  void percentages_roundUp() {
    assertThat(IntOrPercent.scaled(dev.converge.api.Json.parse("\"10%\""), 1000, true, 0)).isEqualTo(100);
    assertThat(IntOrPercent.scaled(dev.converge.api.Json.parse("\"10%\""), 1001, true, 0)).isEqualTo(101);
    assertThat(IntOrPercent.scaled(dev.converge.api.Json.parse("\"25%\""), 10, false, 0)).isEqualTo(2);
    assertThat(IntOrPercent.scaled(dev.converge.api.Json.parse("\"25%\""), 10, true, 0)).isEqualTo(3);
    assertThat(IntOrPercent.scaled(dev.converge.api.Json.parse("3"), 10, true, 0)).isEqualTo(3);
  }
}
