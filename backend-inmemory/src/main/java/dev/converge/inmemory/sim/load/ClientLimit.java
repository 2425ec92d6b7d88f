package dev.converge.inmemory.sim.load;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.inmemory.server.Identity;

/**
 * A client-side rate limit: a token bucket of {@code qps} tokens a second holding at most {@code burst}, as
 * client-go's {@code flowcontrol.NewTokenBucketRateLimiter} (over {@code golang.org/x/time/rate}) applies to
 * every request of one {@code rest.Config}, retries included.
 *
 * @param qps tokens per second
 * @param burst the bucket's size (it starts full)
 */
public record ClientLimit(double qps, int burst) {
  /** client-go's {@code rest.DefaultQPS}/{@code DefaultBurst}: what any client gets unless it says otherwise. */
  public static final ClientLimit CLIENT_GO = new ClientLimit(5, 10);
  /**
   * kube-controller-manager's {@code --kube-api-qps}/{@code --kube-api-burst} defaults (20/30, {@code
   * GenericControllerManagerConfiguration} defaulting). One {@code rest.Config}, so one bucket for all its
   * controllers.
   */
  public static final ClientLimit KUBE_CONTROLLER_MANAGER = new ClientLimit(20, 30);
  /** kube-scheduler's {@code clientConnection} defaults, 50/100. */
  public static final ClientLimit SCHEDULER = new ClientLimit(50, 100);
  /** The kubelet's {@code kubeAPIQPS}/{@code kubeAPIBurst} defaults since Kubernetes 1.27, 50/100, one per node. */
  public static final ClientLimit KUBELET = new ClientLimit(50, 100);
  /** The user kube-controller-manager authenticates as. */
  public static final String KUBE_CONTROLLER_MANAGER_USER = "system:kube-controller-manager";
  /** The user kube-scheduler authenticates as. */
  public static final String SCHEDULER_USER = "system:kube-scheduler";
  /** The group every kubelet's credentials carry. */
  public static final String NODES_GROUP = "system:nodes";

  public ClientLimit {
    checkArgument(qps > 0 && Double.isFinite(qps), "qps must be positive: %s", qps);
    checkArgument(burst > 0, "burst must be positive: %s", burst);
  }

  /**
   * Kubernetes' default for the component {@code identity} is: kube-controller-manager, kube-scheduler, a
   * kubelet ({@code system:nodes}), otherwise plain client-go.
   */
  public static ClientLimit defaultFor(Identity identity) {
    if (identity.name().equals(KUBE_CONTROLLER_MANAGER_USER)) {
      return KUBE_CONTROLLER_MANAGER;
    }
    if (identity.name().equals(SCHEDULER_USER)) {
      return SCHEDULER;
    }
    if (identity.groups().contains(NODES_GROUP)) {
      return KUBELET;
    }
    return CLIENT_GO;
  }

  @Override
  public String toString() {
    return (qps == Math.rint(qps) ? Long.toString((long) qps) : Double.toString(qps)) + "/" + burst;
  }
}
