package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import org.jspecify.annotations.Nullable;

/**
 * A container whose readiness flaps, on demand: the pod annotation {@value #ANNOTATION}{@code <container>} with
 * {@code UP/DOWN} (two durations, {@code 60s/30s}) makes the container's {@code readinessProbe} pass for {@code UP}
 * once the container is ready, then fail for {@code DOWN}, again and again while it runs. Each failing probe,
 * every {@code periodSeconds} (10), is an {@code Unhealthy} Warning ("Readiness probe failed: HTTP probe failed with
 * statuscode: 503"); the kubelet marks the container not ready after {@code failureThreshold} (3) failures in a row
 * and ready again after {@code successThreshold} (1) successes ({@code prober/worker.go}), so a window shorter than
 * the threshold's periods only warns. Every change of readiness is a pod status update, and so an EndpointSlice
 * update that reaches every watcher of the Service's slices.
 *
 * @param upNanos how long the probe passes each time
 * @param downNanos how long it then fails
 * @param periodNanos the probe's period
 * @param failureThreshold failures in a row that make the container not ready
 * @param successThreshold successes in a row that make it ready again
 * @param message the {@code Unhealthy} Event's message
 */
record ReadinessFlap(long upNanos, long downNanos, long periodNanos, int failureThreshold, int successThreshold,
    String message) {
  /** The prefix of the pod annotation that makes one container's readiness flap. */
  static final String ANNOTATION = "readiness-flaps.sim.converge.dev/";

  /**
   * The flapping {@code pod}'s annotations ask of its container {@code spec}, or null.
   *
   * @throws IllegalArgumentException naming the annotation, if it does not parse or the container has no readiness
   *     probe
   */
  static @Nullable ReadinessFlap of(Resource pod, JsonNode spec, String podIp) {
    String name = spec.path("name").asText();
    String key = ANNOTATION + name;
    String value = pod.annotations().get(key);
    if (value == null) {
      return null;
    }
    String[] parts = value.split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException(key + ": not UP/DOWN durations (like 60s/30s): " + value);
    }
    long up = ContainerExit.duration(key, parts[0]).toNanos();
    long down = ContainerExit.duration(key, parts[1]).toNanos();
    if (up <= 0 || down <= 0) {
      throw new IllegalArgumentException(key + ": both durations must be positive: " + value);
    }
    JsonNode probe = Probes.required(spec, "readinessProbe", key);
    return new ReadinessFlap(up, down, Probes.periodNanos(probe), Probes.failureThreshold(probe),
        Probes.successThreshold(probe), "Readiness probe failed: " + Probes.failure(probe, podIp, 503));
  }
}
