package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;

/** Facts about a pod that the server and the simulated components decide by. */
public final class Pods {
  private Pods() {}

  /** {@code podutil.IsPodReady}: the pod's {@code Ready} condition is {@code True}. */
  public static boolean isReady(Resource pod) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }
}
