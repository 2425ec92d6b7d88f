package dev.converge.inmemory.sim.controller;

import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.daemonSet;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.daemonSetWithTemplate;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.node;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.plainNode;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.pod;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.readyPod;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet status arithmetic ({@code updateDaemonSetStatus}) on hand-computed cases: eligibility by node
 * selector and taints (with the default DaemonSet tolerations), misscheduled pods, readiness, availability after
 * {@code minReadySeconds}, and the oldest pod of a node deciding.
 */
class DaemonSetCountsTest {

  @Test
  void counts_followTheNodeListAndTheOldestPodOfEachNode() {
    // Node selector tier=web. n1, n2, n5 should run it; n3 has an untolerated NoSchedule taint; n4 is tier=db.
    Resource ds = daemonSetWithTemplate("\"nodeSelector\":{\"tier\":\"web\"}", "");
    List<NodeInfo> nodes = List.of(
        node("n1", "{\"tier\":\"web\"}", "[]"),
        node("n2", "{\"tier\":\"web\"}", "[]"),
        node("n3", "{\"tier\":\"web\"}", "[{\"key\":\"gpu\",\"effect\":\"NoSchedule\"}]"),
        node("n4", "{\"tier\":\"db\"}", "[]"),
        node("n5", "{\"tier\":\"web\"}", "[]"));
    List<Resource> pods = List.of(
        readyPod("p1", "n1", "new"),
        pod("p2", "n2", "old", false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        readyPod("p3", "n3", "new"),
        readyPod("p4", "n4", "new"));

    DaemonSetCounts counts = DaemonSetCounts.of(snapshot(ds, nodes, pods, "new"));

    // desired: n1 n2 n5; current: n1 n2; ready/available: n1; updated: n1; misscheduled: n3 n4; unavailable 3-1.
    assertThat(counts).isEqualTo(new DaemonSetCounts(3, 2, 2, 1, 1, 1, 2));
  }

  @Test
  void defaultTolerations_coverNoExecuteNodeProblemsAndCordons_notNewPodsOnUnreachableNodes() {
    Resource ds = daemonSet("");
    List<NodeInfo> nodes = List.of(
        node("a", "{}", "[{\"key\":\"node.kubernetes.io/not-ready\",\"effect\":\"NoExecute\"}]"),
        node("b", "{}", "[{\"key\":\"node.kubernetes.io/unreachable\",\"effect\":\"NoSchedule\"}]"),
        node("c", "{}", "[{\"key\":\"node.kubernetes.io/unschedulable\",\"effect\":\"NoSchedule\"}]"),
        node("d", "{}", "[{\"key\":\"node.kubernetes.io/network-unavailable\",\"effect\":\"NoSchedule\"}]"),
        node("e", "{}", "[{\"key\":\"dedicated\",\"value\":\"db\",\"effect\":\"NoExecute\"}]"));

    DaemonSetCounts counts = DaemonSetCounts.of(snapshot(ds, nodes, List.of(), "h"));

    // a: not-ready NoExecute is tolerated. b: unreachable NoSchedule is not (only its NoExecute form is), so no
    // new pod, but a running one stays. c: cordoned is tolerated. d: network-unavailable only with hostNetwork.
    // e: an untolerated NoExecute taint excludes the node altogether.
    assertThat(counts.desired()).isEqualTo(2);
    DaemonSetView view = new DaemonSetView(ds);
    assertThat(nodes.stream().map(view::eligibility).toList()).containsExactly(
        DaemonSetView.Eligibility.RUN, DaemonSetView.Eligibility.CONTINUE, DaemonSetView.Eligibility.RUN,
        DaemonSetView.Eligibility.CONTINUE, DaemonSetView.Eligibility.NO);
  }

  @Test
  void hostNetwork_toleratesNetworkUnavailable() {
    Resource ds = daemonSetWithTemplate("\"hostNetwork\":true", "");
    NodeInfo node = node("d", "{}", "[{\"key\":\"node.kubernetes.io/network-unavailable\",\"effect\":\"NoSchedule\"}]");
    assertThat(new DaemonSetView(ds).eligibility(node)).isEqualTo(DaemonSetView.Eligibility.RUN);
  }

  @Test
  void minReadySeconds_makesARecentlyReadyPodReadyButNotAvailable() {
    Resource ds = daemonSet("\"minReadySeconds\":30");
    // NOW is 00:10:00; p1 ready since 00:09:45 (15 s), p2 since 00:09:00 (60 s).
    List<Resource> pods = List.of(
        pod("p1", "n1", "h", true, "2025-01-01T00:09:45Z", "2025-01-01T00:00:00Z"),
        pod("p2", "n2", "h", true, "2025-01-01T00:09:00Z", "2025-01-01T00:00:00Z"));

    DaemonSetCounts counts = DaemonSetCounts.of(snapshot(ds, List.of(plainNode("n1"), plainNode("n2")), pods, "h"));

    assertThat(counts).isEqualTo(new DaemonSetCounts(2, 2, 0, 2, 2, 1, 1));
  }

  @Test
  void theOldestPodOfANodeDecides_andScheduledPodsComeFirst() {
    Resource ds = daemonSet("");
    Resource olderNotReady = pod("a-old", "n1", "old", false, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
    Resource newerReady = pod("b-new", "n1", "new", true, "2025-01-01T00:00:00Z", "2025-01-01T00:05:00Z");

    DaemonSetCounts counts = DaemonSetCounts.of(snapshot(ds, List.of(plainNode("n1")), List.of(newerReady, olderNotReady),
        "new"));

    assertThat(counts).isEqualTo(new DaemonSetCounts(1, 1, 0, 0, 0, 0, 1));
  }

  @Test
  void matches_comparesEveryFieldAndTheObservedGeneration() {
    Resource ds = Resource.of(dev.converge.api.Json.parse("""
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"default","uid":"u","generation":2},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{}}},
         "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,
                   "numberAvailable":2,"numberUnavailable":1,"observedGeneration":1}}"""));
    DaemonSetView view = new DaemonSetView(ds);
    DaemonSetCounts same = new DaemonSetCounts(3, 3, 0, 2, 3, 2, 1);

    assertThat(same.matches(view)).as("observedGeneration 1 < generation 2").isFalse();
    assertThat(new DaemonSetCounts(3, 3, 0, 3, 3, 2, 1).matches(view)).isFalse();
  }
}
