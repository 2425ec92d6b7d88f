package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * A container whose liveness probe starts failing, on demand: the pod annotation {@value #ANNOTATION}{@code
 * <container>} (a duration) makes the container's {@code livenessProbe} fail from that long after each start. The
 * kubelet's prober ({@code prober/worker.go}) probes every {@code periodSeconds} (10), at ticks a seeded part of
 * the period after its {@code initialDelaySeconds}, and not before the startup probe passed; each failure is an
 * {@code Unhealthy} Warning worded as the probe's handler fails ("Liveness probe failed: HTTP probe failed with
 * statuscode: 500"); after {@code failureThreshold} (3) in a row the container is killed ("Container agent failed
 * liveness probe, will be restarted") and restarted as its pod's restart policy says, as after a crash.
 *
 * @param firstFailureNanos how long after each start the first failing probe runs
 * @param periodNanos the probe's period
 * @param failureThreshold the failures in a row that kill the container
 * @param message the {@code Unhealthy} Event's message
 */
record LivenessFailure(long firstFailureNanos, long periodNanos, int failureThreshold, String message) {
  /** The prefix of the pod annotation that makes one container's liveness probe fail after a duration. */
  static final String ANNOTATION = "liveness-fails-after.sim.converge.dev/";

  /**
   * The liveness failure {@code pod}'s annotations ask for its container {@code spec}, or null; the probe tick is
   * drawn from {@code random} only when one is asked for.
   *
   * @param startedAfterNanos when the container's startup probe passes, after each start
   * @throws IllegalArgumentException naming the annotation, if it does not parse or the container has no liveness
   *     probe
   */
  static @Nullable LivenessFailure of(Resource pod, JsonNode spec, String podIp, long startedAfterNanos,
      SplittableRandom random) {
    String name = spec.path("name").asText();
    String value = pod.annotations().get(ANNOTATION + name);
    if (value == null) {
      return null;
    }
    long failsAfter = ContainerExit.duration(ANNOTATION + name, value).toNanos();
    JsonNode probe = Probes.required(spec, "livenessProbe", ANNOTATION + name);
    long period = Probes.periodNanos(probe);
    long initial = Probes.initialNanos(probe);
    int threshold = Probes.failureThreshold(probe);
    // Ticks fall at initial + phase + k × period; the first failing one is the first at or after both the failure
    // and the startup probe's success.
    long tick = initial + random.nextLong(period);
    long from = Math.max(failsAfter, startedAfterNanos);
    if (tick < from) {
      tick += (from - tick + period - 1) / period * period;
    }
    return new LivenessFailure(tick, period, threshold, "Liveness probe failed: " + Probes.failure(probe, podIp, 500));
  }
}
