package dev.converge.k8s;

import java.time.Duration;

/**
 * Where and how to elect a leader: a {@code coordination.k8s.io/v1} Lease and client-go's three durations.
 *
 * @param namespace the Lease's namespace
 * @param name the Lease's name (one per set of competing replicas)
 * @param identity this candidate's name, unique among the candidates (a pod name, a host name)
 * @param leaseDuration how long a lease is valid without renewal; a follower takes over at most this long
 *     after a leader stops renewing (whole seconds, as the Lease stores them)
 * @param renewDeadline how long the leader keeps retrying a renewal before it gives up leading
 * @param retryPeriod how often candidates try to acquire, and the leader renews
 */
public record LeaderElectionSettings(
    String namespace, String name, String identity, Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

  public LeaderElectionSettings {
    if (namespace.isEmpty() || name.isEmpty() || identity.isEmpty()) {
      throw new IllegalArgumentException("namespace, name and identity must not be empty");
    }
    if (leaseDuration.toMillis() % 1000 != 0 || leaseDuration.toSeconds() < 1) {
      throw new IllegalArgumentException("leaseDuration must be a whole number of seconds, at least 1: " + leaseDuration);
    }
    if (retryPeriod.isNegative() || retryPeriod.isZero()) {
      throw new IllegalArgumentException("retryPeriod must be positive");
    }
    if (leaseDuration.compareTo(renewDeadline) <= 0 || renewDeadline.compareTo(retryPeriod) <= 0) {
      throw new IllegalArgumentException(
          "durations must satisfy leaseDuration > renewDeadline > retryPeriod: " + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
    }
  }

  /** client-go's defaults: a 15 s lease, renewed within 10 s, tried every 2 s. */
  public static LeaderElectionSettings of(String namespace, String name, String identity) {
    return new LeaderElectionSettings(namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
  }

  public LeaderElectionSettings withDurations(Duration lease, Duration renew, Duration retry) {
    return new LeaderElectionSettings(namespace, name, identity, lease, renew, retry);
  }
}
