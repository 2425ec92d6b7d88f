package dev.converge.inmemory.sim.node;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Nodes joining and leaving a pool as independent Poisson processes (exponential gaps between events, drawn
 * from the pool's seeded generator), as autoscalers and instance failures make a large fleet change all the
 * time. A leaving node's kubelet stops and its Node object is deleted, as the cloud node lifecycle controller
 * does once the instance is gone; a joining node registers like any other.
 *
 * @param joinsPerHour mean joins per hour, 0 for none
 * @param leavesPerHour mean leaves per hour, 0 for none
 */
public record NodeChurn(double joinsPerHour, double leavesPerHour) {
  public static final NodeChurn NONE = new NodeChurn(0, 0);

  public NodeChurn {
    checkArgument(joinsPerHour >= 0 && leavesPerHour >= 0, "churn rates must not be negative");
  }

  public boolean isNone() {
    return joinsPerHour == 0 && leavesPerHour == 0;
  }
}
