package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The numbers of a DaemonSet's status, computed as {@code updateDaemonSetStatus} does over the node list: a node
 * that should run the pod counts in {@code desiredNumberScheduled}; if it has a pod, in
 * {@code currentNumberScheduled}, and its oldest pod decides {@code numberReady}, {@code numberAvailable} and
 * {@code updatedNumberScheduled}; a node that should not run it but has one counts in
 * {@code numberMisscheduled}; {@code numberUnavailable} is desired minus available.
 */
record DaemonSetCounts(int desired, int current, int misscheduled, int ready, int updated, int available,
    int unavailable) {

  static DaemonSetCounts of(DaemonSetSnapshot snapshot) {
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int updated = 0;
    int available = 0;
    for (int i = 0; i < snapshot.nodes.size(); i++) {
      List<PodFacts> pods = snapshot.podsByNode.get(snapshot.nodes.get(i).name());
      boolean scheduled = pods != null && !pods.isEmpty();
      if (snapshot.eligibility.get(i).shouldRun()) {
        desired++;
        if (!scheduled) {
          continue;
        }
        current++;
        PodFacts oldest = pods.get(0);
        if (oldest.ready()) {
          ready++;
          if (snapshot.isAvailable(oldest)) {
            available++;
          }
        }
        if (snapshot.isUpdated(oldest)) {
          updated++;
        }
      } else if (scheduled) {
        misscheduled++;
      }
    }
    return new DaemonSetCounts(desired, current, misscheduled, ready, updated, available, desired - available);
  }

  /**
   * Whether the stored status already says this ({@code storeDaemonSetStatus}'s early return), observed
   * generation included.
   */
  boolean matches(DaemonSetView view) {
    return view.statusInt("desiredNumberScheduled") == desired
        && view.statusInt("currentNumberScheduled") == current
        && view.statusInt("numberMisscheduled") == misscheduled
        && view.statusInt("numberReady") == ready
        && view.statusInt("updatedNumberScheduled") == updated
        && view.statusInt("numberAvailable") == available
        && view.statusInt("numberUnavailable") == unavailable
        && view.statusInt("observedGeneration") >= view.generation;
  }

  /** Writes these numbers into a mutable status object. */
  void writeTo(ObjectNode status) {
    status.put("currentNumberScheduled", current);
    status.put("numberMisscheduled", misscheduled);
    status.put("desiredNumberScheduled", desired);
    status.put("numberReady", ready);
    status.put("updatedNumberScheduled", updated);
    status.put("numberAvailable", available);
    status.put("numberUnavailable", unavailable);
  }
}
