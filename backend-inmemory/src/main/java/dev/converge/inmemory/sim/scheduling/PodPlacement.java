package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import org.jspecify.annotations.Nullable;

/**
 * What a pod asks of its node, parsed once from its spec: a fixed {@code nodeName}, required node affinity
 * (with the node selector), tolerations and resource requests. {@link #filter} applies the scheduler's filter
 * plugins in their order and names the first that rejects a node, in the scheduler's words.
 *
 * @param nodeName {@code spec.nodeName}, empty if unset
 * @param affinity the required node constraints
 * @param tolerations the tolerations
 * @param request what the pod requests
 */
public record PodPlacement(String nodeName, NodeAffinity affinity, ImmutableList<Toleration> tolerations,
    Resources request) {

  /** The scheduler's reason for nodes that are cordoned. */
  public static final String UNSCHEDULABLE = "node(s) were unschedulable";
  /** The scheduler's reason for nodes that fail the node selector or affinity. */
  public static final String AFFINITY = "node(s) didn't match Pod's node affinity/selector";

  public static PodPlacement of(JsonNode podSpec) {
    return new PodPlacement(podSpec.path("nodeName").asText(""), NodeAffinity.of(podSpec),
        Toleration.listOf(podSpec.path("tolerations")), Resources.requestOf(podSpec));
  }

  /** This placement with {@code extra} tolerations added (the DaemonSet controller's defaults). */
  public PodPlacement withTolerations(ImmutableList<Toleration> extra) {
    return new PodPlacement(nodeName, affinity, ImmutableList.<Toleration>builder().addAll(tolerations).addAll(extra)
        .build(), request);
  }

  /**
   * Why the scheduler would not place this pod on {@code node}, or null if it may (resources aside): the
   * NodeUnschedulable, NodeName, NodeAffinity and TaintToleration filters.
   */
  public @Nullable String filter(NodeInfo node) {
    if (node.unschedulable()
        && !Toleration.anyTolerates(tolerations, new Taint(Taint.UNSCHEDULABLE, "", Taint.NO_SCHEDULE))) {
      return UNSCHEDULABLE;
    }
    if (!nodeName.isEmpty() && !nodeName.equals(node.name())) {
      return "node(s) didn't match the requested node name";
    }
    if (!affinity.matches(node)) {
      return AFFINITY;
    }
    Taint untolerated = Toleration.firstUntolerated(node.taints(), tolerations, false);
    if (untolerated != null) {
      return "node(s) had untolerated taint {" + untolerated.key()
          + (untolerated.value().isEmpty() ? "" : ": " + untolerated.value()) + "}";
    }
    return null;
  }

  /** The NodeResourcesFit filter: why {@code request} does not fit beside {@code used}, or null. */
  public @Nullable String fitReason(NodeInfo node, Resources used) {
    Resources allocatable = node.allocatable();
    if (used.pods() + request.pods() > allocatable.pods()) {
      return "Too many pods";
    }
    if (request.milliCpu() > 0 && used.milliCpu() + request.milliCpu() > allocatable.milliCpu()) {
      return "Insufficient cpu";
    }
    if (request.memory() > 0 && used.memory() + request.memory() > allocatable.memory()) {
      return "Insufficient memory";
    }
    return null;
  }
}
