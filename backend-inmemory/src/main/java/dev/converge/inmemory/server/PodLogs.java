package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET pods/<name>/log}: the checks kube-apiserver makes before it asks the node's kubelet ({@code
 * LogLocation}, {@code validateContainer}), then the kubelet's own ({@code validateContainerLogStatus}), each a 400
 * in their words, so that {@code kubectl logs} fails as it fails on a cluster. A simulated container writes
 * nothing, so the logs of one that may be read are empty; so are those of a pod not yet scheduled (kube-apiserver
 * answers an empty stream when there is no node to ask).
 */
final class PodLogs {
  private PodLogs() {}

  /**
   * The logs of {@code container} (null: the pod's only container) of {@code pod}.
   *
   * @param previous the logs of the container's previous, terminated instance ({@code ?previous=true})
   * @return the log text: always empty, as simulated containers print nothing
   * @throws dev.converge.api.backend.BackendException.Invalid (400) when the container cannot be named or read
   */
  static String read(Resource pod, @Nullable String container, boolean previous) {
    String name = pod.name();
    String chosen = validateContainer(pod, container);
    if (pod.spec().path("nodeName").asText("").isEmpty()) {
      return "";
    }
    JsonNode status = containerStatus(pod, chosen);
    String quoted = "container \"" + chosen + "\" in pod \"" + name + "\"";
    if (status == null) {
      throw Errors.badRequest(quoted + " is not available");
    }
    JsonNode state = status.path("state");
    JsonNode lastTerminated = status.path("lastState").path("terminated");
    if (previous) {
      if (!lastTerminated.isObject() || lastTerminated.path("containerID").asText("").isEmpty()) {
        throw Errors.badRequest("previous terminated " + quoted + " not found");
      }
    } else if (state.has("running")) {
      return "";
    } else if (state.has("terminated")) {
      if (state.path("terminated").path("containerID").asText("").isEmpty()
          && lastTerminated.path("containerID").asText("").isEmpty()) {
        throw Errors.badRequest(quoted + " is terminated");
      }
    } else if (lastTerminated.isObject()) {
      if (lastTerminated.path("containerID").asText("").isEmpty()) {
        throw Errors.badRequest(quoted + " is terminated");
      }
    } else if (state.has("waiting")) {
      String reason = state.path("waiting").path("reason").asText("");
      throw Errors.badRequest(quoted + " is waiting to start: " + switch (reason) {
        case "ErrImagePull" -> "image can't be pulled";
        case "ImagePullBackOff" -> "trying and failing to pull image";
        default -> reason;
      });
    } else {
      throw Errors.badRequest(quoted + " is waiting to start - no logs yet");
    }
    return "";
  }

  /**
   * {@code validateContainer}: the container named, which must be one of the pod's (init and ephemeral ones
   * included), or the only one; a 400 otherwise.
   */
  static String validateContainer(Resource pod, @Nullable String container) {
    JsonNode spec = pod.spec();
    List<String> names = new ArrayList<>();
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      spec.path(list).forEach(c -> names.add(c.path("name").asText()));
    }
    if (container == null || container.isEmpty()) {
      JsonNode containers = spec.path("containers");
      if (containers.size() == 1) {
        return containers.get(0).path("name").asText();
      }
      if (containers.isEmpty()) {
        throw Errors.badRequest("a container name must be specified for pod " + pod.name());
      }
      // Go's %s of a []string: [a b c]
      throw Errors.badRequest("a container name must be specified for pod " + pod.name() + ", choose one of: ["
          + String.join(" ", names) + "]");
    }
    if (!names.contains(container)) {
      throw Errors.badRequest("container " + container + " is not valid for pod " + pod.name());
    }
    return container;
  }

  private static @Nullable JsonNode containerStatus(Resource pod, String container) {
    for (String list : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
      for (JsonNode status : pod.status().path(list)) {
        if (status.path("name").asText().equals(container)) {
          return status;
        }
      }
    }
    return null;
  }
}
