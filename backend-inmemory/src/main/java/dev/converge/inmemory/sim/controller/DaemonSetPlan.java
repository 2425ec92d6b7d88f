package dev.converge.inmemory.sim.controller;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What a DaemonSet sync decides, before any request: which nodes need a pod and which pods must go.
 * {@link #manage} is {@code manage}/{@code podsShouldBeOnNode}; {@link #rollingUpdate} is {@code rollingUpdate}
 * of {@code pkg/controller/daemon/update.go}, both pure functions of a {@link DaemonSetSnapshot}.
 *
 * @param nodesNeedingPods nodes to create a pod on, in node order
 * @param podsToDelete pods to delete, by name
 */
record DaemonSetPlan(ImmutableList<String> nodesNeedingPods, ImmutableList<String> podsToDelete) {

  /**
   * The manage loop: a node that should run the pod and has none gets one; on a node where pods may continue,
   * failed pods are deleted (unless {@code inFailedBackoff} says to wait), succeeded ones too, and without surge
   * every running pod but the oldest; with surge, at most one old and one new pod stay, and the old one goes once
   * the new one is available (or when it is not ready itself); a node where pods may not continue loses them all.
   * Unbound pods pinned to nodes that no longer exist are deleted too ({@code getUnscheduledPodsWithoutNode}).
   */
  static DaemonSetPlan manage(DaemonSetSnapshot s, Predicate<String> inFailedBackoff) {
    List<String> create = new ArrayList<>();
    List<String> delete = new ArrayList<>();
    boolean surge = s.view.allowsSurge();
    Set<String> existing = new HashSet<>();
    for (int i = 0; i < s.nodes.size(); i++) {
      NodeInfo node = s.nodes.get(i);
      existing.add(node.name());
      DaemonSetView.Eligibility eligibility = s.eligibility.get(i);
      List<PodFacts> pods = s.podsByNode.get(node.name());
      boolean exists = pods != null;
      if (eligibility.shouldRun() && !exists) {
        create.add(node.name());
      } else if (eligibility.shouldContinue()) {
        if (pods == null) {
          continue;
        }
        List<PodFacts> running = new ArrayList<>();
        for (PodFacts pod : pods) {
          if (pod.deleting()) {
            continue;
          }
          if (pod.phase().equals("Failed")) {
            if (!inFailedBackoff.test(node.name())) {
              delete.add(pod.pod().name());
            }
          } else if (pod.phase().equals("Succeeded")) {
            delete.add(pod.pod().name());
          } else {
            running.add(pod);
          }
        }
        if (!surge) {
          // Sorted oldest first already: keep the first, delete the rest.
          for (int j = 1; j < running.size(); j++) {
            delete.add(running.get(j).pod().name());
          }
          continue;
        }
        if (running.isEmpty()) {
          if (eligibility.shouldRun()) {
            create.add(node.name());
          }
          continue;
        }
        PodFacts oldestNew = null;
        PodFacts oldestOld = null;
        for (PodFacts pod : running) {
          if (s.isUpdated(pod)) {
            if (oldestNew == null) {
              oldestNew = pod;
              continue;
            }
          } else if (oldestOld == null) {
            oldestOld = pod;
            continue;
          }
          delete.add(pod.pod().name());
        }
        if (oldestNew != null && oldestOld != null) {
          if (!oldestOld.ready()) {
            delete.add(oldestOld.pod().name());
          } else if (s.isAvailable(oldestNew)) {
            delete.add(oldestOld.pod().name());
          }
        }
      } else if (exists) {
        for (PodFacts pod : pods) {
          if (!pod.deleting()) {
            delete.add(pod.pod().name());
          }
        }
      }
    }
    for (String node : s.nodesWithPods()) {
      if (existing.contains(node)) {
        continue;
      }
      for (PodFacts pod : s.podsByNode.get(node)) {
        if (!pod.scheduled()) {
          delete.add(pod.pod().name());
        }
      }
    }
    return new DaemonSetPlan(ImmutableList.copyOf(create), ImmutableList.copyOf(delete));
  }

  /**
   * The rolling update. {@code desiredNumberScheduled} counts the nodes that should run the pod; maxSurge and
   * maxUnavailable are taken of it, rounded up, and if both come to 0 maxUnavailable is 1.
   *
   * <p>Without surge, a node counts as unavailable when it has no pod or both an old and a new one, or its new pod
   * is not available; an old pod that is not available is replaced at once (and counts as unavailable); available
   * old pods are deleted while the unavailable count stays below maxUnavailable. The manage loop then creates
   * their replacements. With surge, a new pod is created beside an old unavailable pod at once, and beside old
   * available pods up to maxSurge at a time; an old pod is deleted once the new pod on its node is available.
   */
  static DaemonSetPlan rollingUpdate(DaemonSetSnapshot s) {
    Map<String, DaemonSetView.Eligibility> byName = s.eligibilityByName();
    java.util.TreeMap<String, List<PodFacts>> nodeToPods = new java.util.TreeMap<>(s.podsByNode);
    int desired = 0;
    for (int i = 0; i < s.nodes.size(); i++) {
      if (s.eligibility.get(i).shouldRun()) {
        desired++;
        nodeToPods.putIfAbsent(s.nodes.get(i).name(), List.of());
      }
    }
    int maxUnavailable = s.view.unavailableCount(desired);
    int maxSurge = s.view.surgeCount(desired);
    if (desired > 0 && maxUnavailable == 0 && maxSurge == 0) {
      maxUnavailable = 1;
    }
    if (maxSurge == 0) {
      int unavailable = 0;
      List<String> replacements = new ArrayList<>();
      List<String> candidates = new ArrayList<>();
      for (Map.Entry<String, List<PodFacts>> entry : nodeToPods.entrySet()) {
        NewAndOld found = newAndOld(s, entry.getValue());
        if (found == null) {
          unavailable++;
          continue;
        }
        PodFacts newPod = found.newPod();
        PodFacts oldPod = found.oldPod();
        if ((oldPod == null) == (newPod == null)) {
          unavailable++;
        } else if (newPod != null) {
          if (!s.isAvailable(newPod)) {
            unavailable++;
          }
        } else if (!s.isAvailable(oldPod)) {
          replacements.add(oldPod.pod().name());
          unavailable++;
        } else if (unavailable < maxUnavailable) {
          candidates.add(oldPod.pod().name());
        }
      }
      int remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.size());
      List<String> delete = new ArrayList<>(replacements);
      delete.addAll(candidates.subList(0, remaining));
      return new DaemonSetPlan(ImmutableList.of(), ImmutableList.copyOf(delete));
    }
    List<String> delete = new ArrayList<>();
    List<String> shouldNotRun = new ArrayList<>();
    List<String> candidateNodes = new ArrayList<>();
    List<String> allowedNodes = new ArrayList<>();
    int surging = 0;
    int available = 0;
    for (Map.Entry<String, List<PodFacts>> entry : nodeToPods.entrySet()) {
      String node = entry.getKey();
      NewAndOld found = newAndOld(s, entry.getValue());
      if (found == null) {
        surging++;
        continue;
      }
      PodFacts newPod = found.newPod();
      PodFacts oldPod = found.oldPod();
      if (oldPod != null) {
        if (s.isAvailable(oldPod)) {
          available++;
        }
      } else if (newPod != null && s.isAvailable(newPod)) {
        available++;
      }
      if (oldPod == null) {
        continue;
      }
      boolean shouldRun = byName.getOrDefault(node, DaemonSetView.Eligibility.NO).shouldRun();
      if (newPod == null) {
        if (!s.isAvailable(oldPod)) {
          if (!shouldRun) {
            delete.add(oldPod.pod().name());
            continue;
          }
          allowedNodes.add(node);
        } else {
          if (!shouldRun) {
            shouldNotRun.add(oldPod.pod().name());
            continue;
          }
          if (surging >= maxSurge) {
            continue;
          }
          candidateNodes.add(node);
        }
      } else if (!s.isAvailable(newPod)) {
        surging++;
      } else {
        delete.add(oldPod.pod().name());
      }
    }
    int deletable = available - desired;
    if (deletable > 0) {
      delete.addAll(shouldNotRun.subList(0, Math.min(deletable, shouldNotRun.size())));
    }
    int remaining = Math.min(Math.max(0, maxSurge - surging), candidateNodes.size());
    List<String> create = new ArrayList<>(allowedNodes);
    create.addAll(candidateNodes.subList(0, remaining));
    return new DaemonSetPlan(ImmutableList.copyOf(create), ImmutableList.copyOf(delete));
  }

  /**
   * {@code findUpdatedPodsOnNode}: the node's new and old pod among those not being deleted (either may be
   * null), or null when there are several of either kind (the manage loop prunes those first).
   */
  private static @Nullable NewAndOld newAndOld(DaemonSetSnapshot s, List<PodFacts> pods) {
    PodFacts newPod = null;
    PodFacts oldPod = null;
    for (PodFacts pod : pods) {
      if (pod.deleting()) {
        continue;
      }
      if (s.isUpdated(pod)) {
        if (newPod != null) {
          return null;
        }
        newPod = pod;
      } else {
        if (oldPod != null) {
          return null;
        }
        oldPod = pod;
      }
    }
    return new NewAndOld(newPod, oldPod);
  }

  /** A node's new and old pod. */
  private record NewAndOld(@Nullable PodFacts newPod, @Nullable PodFacts oldPod) {}
}
