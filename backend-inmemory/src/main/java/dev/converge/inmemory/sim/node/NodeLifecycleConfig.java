package dev.converge.inmemory.sim.node;

import java.time.Duration;

/**
 * kube-controller-manager's node lifecycle and pod GC settings (their flag defaults).
 *
 * @param monitorPeriod how often node health is checked ({@code --node-monitor-period}: 5 s)
 * @param gracePeriod silence after which a node's conditions become Unknown ({@code --node-monitor-grace-period}:
 *     50 s since Kubernetes 1.32, kubernetes/kubernetes#126287)
 * @param startupGracePeriod the same for a node that was never Ready ({@code node-startup-grace-period}: 60 s)
 * @param evictionRate nodes per second that get the NoExecute taint in a healthy zone
 *     ({@code --node-eviction-rate}: 0.1)
 * @param secondaryEvictionRate the same in a partially disrupted zone ({@code --secondary-node-eviction-rate}: 0.01)
 * @param unhealthyZoneThreshold the share of not-Ready nodes that makes a zone partially disrupted (0.55)
 * @param largeClusterThreshold in a partially disrupted zone of at most this many nodes, tainting stops (50)
 * @param podGcPeriod how often the pod garbage collector runs ({@code gcCheckPeriod}: 20 s)
 * @param podGcQuarantine how long a node must be gone before its pods are force-deleted (40 s)
 */
public record NodeLifecycleConfig(Duration monitorPeriod, Duration gracePeriod, Duration startupGracePeriod,
    double evictionRate, double secondaryEvictionRate, double unhealthyZoneThreshold, int largeClusterThreshold,
    Duration podGcPeriod, Duration podGcQuarantine) {

  public static NodeLifecycleConfig defaults() {
    return new NodeLifecycleConfig(Duration.ofSeconds(5), Duration.ofSeconds(50), Duration.ofSeconds(60), 0.1, 0.01,
        0.55, 50, Duration.ofSeconds(20), Duration.ofSeconds(40));
  }

  public NodeLifecycleConfig withEvictionRate(double value) {
    return new NodeLifecycleConfig(monitorPeriod, gracePeriod, startupGracePeriod, value, secondaryEvictionRate,
        unhealthyZoneThreshold, largeClusterThreshold, podGcPeriod, podGcQuarantine);
  }
}
