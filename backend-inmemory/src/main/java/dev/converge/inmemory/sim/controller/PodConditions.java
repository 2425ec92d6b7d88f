package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Rfc3339;
import dev.converge.inmemory.server.Pods;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Pod facts controllers decide by ({@code k8s.io/kubernetes/pkg/api/v1/pod}): readiness, availability after
 * {@code minReadySeconds}, phase, the controller reference, and the DaemonSet controller's ordering of a node's
 * pods.
 */
final class PodConditions {
  private PodConditions() {}

  /** {@code IsPodReady}: the Ready condition is True. */
  static boolean isReady(Resource pod) {
    return Pods.isReady(pod);
  }

  /**
   * {@code IsPodAvailable}: Ready, and Ready since more than {@code minReadySeconds} before {@code now}
   * (condition times have whole seconds, as {@code metav1.Time}).
   */
  static boolean isAvailable(Resource pod, long minReadySeconds, Instant now) {
    JsonNode ready = condition(pod, "Ready");
    if (ready == null || !ready.path("status").asText().equals("True")) {
      return false;
    }
    if (minReadySeconds == 0) {
      return true;
    }
    String since = ready.path("lastTransitionTime").asText("");
    if (since.isEmpty()) {
      return false;
    }
    return Rfc3339.parse(since).plusSeconds(minReadySeconds).isBefore(now);
  }

  static String phase(Resource pod) {
    return pod.status().path("phase").asText("Pending");
  }

  static boolean isTerminal(Resource pod) {
    String phase = phase(pod);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  /** The owner reference with {@code controller: true}, or null. */
  static @Nullable OwnerReference controllerOf(Resource object) {
    for (OwnerReference ref : object.ownerReferences()) {
      if (ref.controller()) {
        return ref;
      }
    }
    return null;
  }

  private static @Nullable JsonNode condition(Resource pod, String type) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return null;
  }
}
