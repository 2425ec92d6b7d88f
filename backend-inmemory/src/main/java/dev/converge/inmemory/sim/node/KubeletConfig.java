package dev.converge.inmemory.sim.node;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;

/**
 * The kubelet's timings ({@code KubeletConfiguration} defaults) and its pod start-up model.
 *
 * @param leaseDuration the node Lease's {@code leaseDurationSeconds} (kubelet: 40 s)
 * @param renewInterval how often the Lease is renewed: a quarter of the duration, 10 s
 *     ({@code nodelease.NewController}'s {@code renewInterval})
 * @param renewJitter the jitter factor of the renew loop ({@code wait.JitterUntil(…, 0.04, …)})
 * @param statusReportPeriod how often an unchanged NodeStatus is posted ({@code nodeStatusReportFrequency}: 5 min)
 * @param registrationWindow nodes present at start register at uniformly drawn times within this window, so
 *     their Lease renewals are spread over the renew interval as in a long-running fleet
 * @param startup image pulls, start-up and stop delays, crash back-off
 */
public record KubeletConfig(Duration leaseDuration, Duration renewInterval, double renewJitter,
    Duration statusReportPeriod, Duration registrationWindow, PodStartup startup) {

  public KubeletConfig {
    checkArgument(!renewInterval.isNegative() && !renewInterval.isZero() && !statusReportPeriod.isNegative()
        && !statusReportPeriod.isZero(), "periods must be positive");
    checkArgument(renewJitter >= 0, "jitter must not be negative");
    checkArgument(!registrationWindow.isNegative(), "registration window must not be negative");
  }

  public static KubeletConfig defaults() {
    return new KubeletConfig(Duration.ofSeconds(40), Duration.ofSeconds(10), 0.04, Duration.ofMinutes(5),
        Duration.ofSeconds(10), PodStartup.defaults());
  }

  public KubeletConfig withStartup(PodStartup value) {
    return new KubeletConfig(leaseDuration, renewInterval, renewJitter, statusReportPeriod, registrationWindow, value);
  }

  public KubeletConfig withRegistrationWindow(Duration value) {
    return new KubeletConfig(leaseDuration, renewInterval, renewJitter, statusReportPeriod, value, startup);
  }

  public KubeletConfig withStatusReportPeriod(Duration value) {
    return new KubeletConfig(leaseDuration, renewInterval, renewJitter, value, registrationWindow, startup);
  }
}
