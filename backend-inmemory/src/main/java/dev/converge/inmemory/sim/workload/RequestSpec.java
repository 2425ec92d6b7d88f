package dev.converge.inmemory.sim.workload;

import dev.converge.api.ResourceType;
import dev.converge.inmemory.server.Verb;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One request a workload pod makes ({@code spec.requests[]} of a {@code WorkloadProfile}).
 *
 * @param verb get, list, watch, create, update or patch
 * @param type the resource
 * @param scope the whole cluster, the pod's namespace, or the pod's node ({@code spec.nodeName} for pods, the
 *     node itself for nodes)
 * @param every the period (null for a watch, which is opened once)
 * @param via the proxy profile (same namespace) that answers it instead of the API server, or null
 */
public record RequestSpec(Verb verb, ResourceType type, Scope scope, @Nullable Duration every, @Nullable String via) {

  /** {@code scope}: what part of the resource the request covers. */
  public enum Scope {
    CLUSTER,
    NAMESPACE,
    NODE;

    /** {@code cluster}, {@code namespace}, {@code node}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** {@code list pods scope=node every=60s via=collector-proxy}. */
  @Override
  public String toString() {
    return verb + " " + type.plural() + " scope=" + scope.label() + (every == null ? "" : " every=" + every)
        + (via == null ? "" : " via=" + via);
  }
}
