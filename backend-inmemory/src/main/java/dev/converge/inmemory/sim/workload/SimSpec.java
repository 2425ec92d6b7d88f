package dev.converge.inmemory.sim.workload;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DesiredResource;
import dev.converge.inmemory.sim.node.NodePool;

/**
 * What a set of manifests asks of a simulation: the node pools, the workload profiles, and the ordinary
 * resources to apply.
 *
 * @param pools the {@code NodePool}s, in reading order
 * @param profiles the {@code WorkloadProfile}s, in reading order
 * @param resources every other resource, in reading order
 */
public record SimSpec(ImmutableList<NodePool> pools, ImmutableList<WorkloadProfileSpec> profiles,
    ImmutableList<DesiredResource> resources) {

  /** The number of nodes all pools add up to. */
  public int nodeCount() {
    return pools.stream().mapToInt(NodePool::count).sum();
  }
}
