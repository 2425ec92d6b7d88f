package dev.converge.inmemory.sim.controller;

import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The last {@link DaemonSetSnapshot} the DaemonSet controller built, handed out again while nothing it was
 * built from has changed: the same DaemonSet version ({@link DaemonSetView}, by identity), the same node list
 * (the {@link NodeCache} replaces its sorted list whenever a node changes in a way placement sees, and node
 * eligibility is a function of the view and the node), no change to the owned-pod index ({@link
 * OwnedPods#changes()}), the same revision hash and the same time. One sync looks at the same state up to three
 * times (manage, rolling update, status) when it sends no request in between; a snapshot is only read.
 */
final class SnapshotCache {
  private @Nullable DaemonSetSnapshot last;
  private @Nullable List<NodeInfo> lastNodes;
  private long lastPodChanges;

  DaemonSetSnapshot get(DaemonSetView view, List<NodeInfo> nodes, long podChanges, String hash, Instant now,
      Supplier<DaemonSetSnapshot> build) {
    DaemonSetSnapshot known = last;
    if (known != null && known.view == view && lastNodes == nodes && lastPodChanges == podChanges
        && known.hash.equals(hash) && known.now.equals(now)) {
      return known;
    }
    DaemonSetSnapshot fresh = build.get();
    last = fresh;
    lastNodes = nodes;
    lastPodChanges = podChanges;
    return fresh;
  }

  /** Forgets the snapshot (its DaemonSet is gone). */
  void clear() {
    last = null;
    lastNodes = null;
  }
}
