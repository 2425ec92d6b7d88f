package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A container probe's settings with the API's defaults ({@code initialDelaySeconds} 0, {@code periodSeconds} 10,
 * {@code successThreshold} 1, {@code failureThreshold} 3), and how a failing one is worded: what the prober's
 * workers ({@code prober/worker.go}) and the failures on demand ({@link StartupFailure}, {@link LivenessFailure},
 * {@link ReadinessFlap}) read.
 */
final class Probes {
  private Probes() {}

  /**
   * The probe {@code field} ({@code livenessProbe}, …) of {@code container}, which the annotation {@code key} makes
   * fail.
   *
   * @throws IllegalArgumentException naming the annotation, when the container has no such probe
   */
  static JsonNode required(JsonNode container, String field, String key) {
    JsonNode probe = container.path(field);
    if (!probe.isObject()) {
      throw new IllegalArgumentException(key + ": the container has no " + field + " to fail");
    }
    return probe;
  }

  static long initialNanos(JsonNode probe) {
    return Math.max(0, probe.path("initialDelaySeconds").asLong(0)) * 1_000_000_000L;
  }

  static long periodNanos(JsonNode probe) {
    return Math.max(1, probe.path("periodSeconds").asLong(10)) * 1_000_000_000L;
  }

  static int failureThreshold(JsonNode probe) {
    return (int) Math.max(1, probe.path("failureThreshold").asLong(3));
  }

  static int successThreshold(JsonNode probe) {
    return (int) Math.max(1, probe.path("successThreshold").asLong(1));
  }

  /**
   * How a probe's handler fails, as the prober words it: an HTTP {@code httpStatus}, a refused connection to the
   * pod's IP, a gRPC {@code NOT_SERVING}; an exec probe's message is its command's output, which a simulated command
   * does not have.
   */
  static String failure(JsonNode probe, String podIp, int httpStatus) {
    if (probe.has("httpGet")) {
      return "HTTP probe failed with statuscode: " + httpStatus;
    }
    if (probe.has("tcpSocket")) {
      String port = probe.path("tcpSocket").path("port").asText();
      return "dial tcp " + podIp + ":" + port + ": connect: connection refused";
    }
    if (probe.has("grpc")) {
      return "service unhealthy (responded with \"NOT_SERVING\")";
    }
    return "";
  }
}
