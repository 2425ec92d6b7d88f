package dev.converge.inmemory.sim.runtime;

import dev.converge.inmemory.server.Identity;

/**
 * Chooses the client-side throttle of each simulated client. Called once per client: every request of that
 * client then shares the throttle (each of kube-controller-manager's controllers has its own client, as
 * {@code ClientBuilder.ClientOrDie} builds them; each kubelet has its own). The load model replaces the
 * defaults through this seam.
 */
@FunctionalInterface
public interface ThrottleFactory {
  /** The component name of kube-controller-manager's client. */
  String CONTROLLER_MANAGER = "kube-controller-manager";
  /** The component name of the scheduler's client. */
  String SCHEDULER = "kube-scheduler";
  /** The component name of every kubelet's client. */
  String KUBELET = "kubelet";
  /**
   * The component name of every kubelet's second client, the one its events are written through
   * ({@code kubeDeps.EventClient}, throttled by {@code eventRecordQPS}/{@code eventBurst}).
   */
  String KUBELET_EVENTS = "kubelet-events";

  /** The throttle of a new client process of {@code component} acting as {@code identity}. */
  ClientThrottle throttleFor(String component, Identity identity);

  /**
   * Kubernetes' defaults: kube-controller-manager 20 qps / burst 30, kube-scheduler 50/100, kubelet 50/100 and
   * its event client 50/100 ({@code eventRecordQPS}, {@code eventBurst}), anything else client-go's 5/10.
   */
  static ThrottleFactory kubernetesDefaults() {
    return (component, identity) -> {
      switch (component) {
        case CONTROLLER_MANAGER:
          return ClientThrottle.tokenBucket(20, 30);
        case SCHEDULER:
        case KUBELET:
        case KUBELET_EVENTS:
          return ClientThrottle.tokenBucket(50, 100);
        default:
          return ClientThrottle.tokenBucket(5, 10);
      }
    };
  }

  /** No client-side limits anywhere. */
  static ThrottleFactory unlimited() {
    return (component, identity) -> ClientThrottle.unlimited();
  }
}
