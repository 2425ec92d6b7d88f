package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import org.jspecify.annotations.Nullable;

/**
 * A container that takes a while to start, on demand: the pod annotation {@value #ANNOTATION}{@code <container>} (a
 * duration) makes the container's {@code startupProbe} fail for that long after each start, as an application that
 * answers 503 until it has loaded. The kubelet's prober ({@code prober/worker.go}) probes every {@code periodSeconds}
 * (10) from its {@code initialDelaySeconds} and a seeded part of the period; each probe before then fails, an {@code
 * Unhealthy} Warning ("Startup probe failed: HTTP probe failed with statuscode: 503"), and the first after it passes
 * — unless {@code failureThreshold} (3) probes failed in a row first. Then the kubelet kills the container
 * ("Container agent failed startup probe, will be restarted"), which stops within its pod's grace period (exit code
 * 143) and is restarted on its crash back-off to start over: a start that takes longer than {@code initialDelaySeconds
 * + failureThreshold × periodSeconds} never succeeds. Readiness and liveness are probed once it has started.
 *
 * @param firstFailureNanos when the first startup probe runs after each start
 * @param periodNanos the probe's period
 * @param failures how many probes fail in a row after each start
 * @param kills whether they reach the failure threshold, and so kill the container
 * @param message the {@code Unhealthy} Event's message
 */
record StartupFailure(long firstFailureNanos, long periodNanos, int failures, boolean kills, String message) {
  /** The prefix of the pod annotation that makes one container's startup probe fail for a duration. */
  static final String ANNOTATION = "startup-fails-for.sim.converge.dev/";

  /**
   * The startup failure {@code pod}'s annotations ask for its container {@code spec}, or null: none asked for, or
   * the first probe comes late enough to pass.
   *
   * @param firstProbeNanos when the first startup probe runs after each start ({@link Containers.ProbeTimes})
   * @throws IllegalArgumentException naming the annotation, if it does not parse or the container has no startup
   *     probe
   */
  static @Nullable StartupFailure of(Resource pod, JsonNode spec, String podIp, long firstProbeNanos) {
    String name = spec.path("name").asText();
    String value = pod.annotations().get(ANNOTATION + name);
    if (value == null) {
      return null;
    }
    long failsFor = ContainerExit.duration(ANNOTATION + name, value).toNanos();
    JsonNode probe = Probes.required(spec, "startupProbe", ANNOTATION + name);
    if (failsFor <= firstProbeNanos) {
      return null;
    }
    long period = Probes.periodNanos(probe);
    int threshold = Probes.failureThreshold(probe);
    // The probes before the application answers: those at first + k × period < failsFor.
    long failing = (failsFor - firstProbeNanos + period - 1) / period;
    String message = "Startup probe failed: " + Probes.failure(probe, podIp, 503);
    return failing >= threshold ? new StartupFailure(firstProbeNanos, period, threshold, true, message)
        : new StartupFailure(firstProbeNanos, period, (int) failing, false, message);
  }

  /** When the startup probe passes after each start, if it does ({@link #kills} false). */
  long startedAfterNanos() {
    return firstFailureNanos + failures * periodNanos;
  }
}
