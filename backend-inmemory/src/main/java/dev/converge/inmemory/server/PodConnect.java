package dev.converge.inmemory.server;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code pods/<name>/exec}, {@code attach} and {@code portforward} ({@code ExecREST}, {@code AttachREST},
 * {@code PortForwardREST}): the checks kube-apiserver makes before it opens a stream to the node's kubelet
 * ({@code streamLocation}, {@code PortForwardLocation}: the container, as {@code validateContainer} chooses it
 * for logs too, then the pod's node), each a 400 in its words, so that {@code kubectl exec}
 * fails on a wrong container or an unscheduled pod as it fails on a cluster. Past them a cluster's API server
 * would connect to the kubelet; a simulated kubelet runs no processes and serves no streams, so the request is
 * refused with a 400 that says so, rather than the bare 405 of a subresource the server does not know.
 */
final class PodConnect {
  /** The subresources a client connects to (a stream through the API server to the kubelet). */
  static final Set<String> SUBRESOURCES = Set.of("exec", "attach", "portforward");

  private PodConnect() {}

  /**
   * The answer to a connection to {@code subresource} of {@code pod}: always an error.
   *
   * @param container the {@code container} query parameter (null or empty: the pod's only container); not
   *     looked at for {@code portforward}
   */
  static BackendException.Invalid refuse(Resource pod, String subresource, @Nullable String container) {
    String name = pod.name();
    String chosen = subresource.equals("portforward") ? null : PodLogs.validateContainer(pod, container);
    String node = pod.spec().path("nodeName").asText("");
    if (node.isEmpty()) {
      return Errors.badRequest("pod " + name + " does not have a host assigned");
    }
    String what = switch (subresource) {
      case "exec" -> "cannot exec into container \"" + chosen + "\" of pod \"" + name + "\"";
      case "attach" -> "cannot attach to container \"" + chosen + "\" of pod \"" + name + "\"";
      default -> "cannot forward ports of pod \"" + name + "\"";
    };
    return Errors.badRequest(what + " on node \"" + node + "\": the kubelets of the in-memory cluster run no "
        + "container processes and serve no streams");
  }
}
