package dev.converge.inmemory.sim.controller;

import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.NOW;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.daemonSet;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.plainNode;
import static dev.converge.inmemory.sim.controller.DaemonSetFixtures.readyPod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A snapshot is reused only while its DaemonSet version, nodes, pods, hash and time are all unchanged. */
class SnapshotCacheTest {
  private final SnapshotCache cache = new SnapshotCache();
  private int builds;

  private DaemonSetSnapshot get(DaemonSetView view, List<NodeInfo> nodes, long podChanges, String hash, Instant now) {
    List<Resource> pods = List.of(readyPod("p", "a", hash));
    return cache.get(view, nodes, podChanges, hash, now, () -> {
      builds++;
      return new DaemonSetSnapshot(view, nodes, view::eligibility, pods, hash, now);
    });
  }

  @Test
  void reusedWhileNothingChanged_rebuiltOnAnyChange() {
    DaemonSetView view = new DaemonSetView(daemonSet(""));
    List<NodeInfo> nodes = List.of(plainNode("a"));
    DaemonSetSnapshot first = get(view, nodes, 1, "h", NOW);
    assertThat(get(view, nodes, 1, "h", NOW)).isSameAs(first);
    assertThat(get(view, nodes, 1, new String("h"), Instant.parse(NOW.toString()))).isSameAs(first);
    assertThat(builds).isEqualTo(1);

    List<DaemonSetSnapshot> seen = new ArrayList<>();
    seen.add(get(view, nodes, 2, "h", NOW));
    seen.add(get(view, List.of(plainNode("a")), 2, "h", NOW));
    seen.add(get(new DaemonSetView(view.ds), seen.get(1).nodes, 2, "h", NOW));
    DaemonSetView current = seen.get(2).view;
    seen.add(get(current, seen.get(1).nodes, 2, "h2", NOW));
    seen.add(get(current, seen.get(1).nodes, 2, "h2", NOW.plusSeconds(1)));
    assertThat(builds).isEqualTo(6);
    assertThat(seen).doesNotContain(first).doesNotHaveDuplicates();

    cache.clear();
    get(current, seen.get(1).nodes, 2, "h2", NOW.plusSeconds(1));
    assertThat(builds).isEqualTo(7);
  }
}
