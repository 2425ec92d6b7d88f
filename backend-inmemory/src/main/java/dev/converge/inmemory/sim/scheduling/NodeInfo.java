package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Resource;

/**
 * What placement decisions need of a node, parsed once from its JSON: name, labels, taints, whether it is
 * cordoned, and its allocatable resources.
 *
 * @param name the node's name
 * @param labels its labels
 * @param taints {@code spec.taints}
 * @param unschedulable {@code spec.unschedulable}
 * @param allocatable {@code status.allocatable} (falling back to {@code status.capacity})
 */
public record NodeInfo(String name, ImmutableMap<String, String> labels, ImmutableList<Taint> taints,
    boolean unschedulable, Resources allocatable) {

  public static NodeInfo of(Resource node) {
    JsonNode status = node.status();
    JsonNode allocatable = status.path("allocatable");
    if (!allocatable.isObject() || allocatable.isEmpty()) {
      allocatable = status.path("capacity");
    }
    return new NodeInfo(node.name(), node.labels(), Taint.listOf(node.spec().path("taints")),
        node.spec().path("unschedulable").asBoolean(false), Resources.of(allocatable));
  }

  /** Whether the node carries a taint with this key and effect. */
  public boolean hasTaint(String key, String effect) {
    for (Taint taint : taints) {
      if (taint.key().equals(key) && taint.effect().equals(effect)) {
        return true;
      }
    }
    return false;
  }
}
