package dev.converge.inmemory.sim.workload;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;

/**
 * A {@code NodePool}: {@code count} nodes named {@code <name>-<index>} with the same labels, taints and
 * capacity.
 *
 * @param name the pool's name (cluster-scoped)
 * @param count how many nodes
 * @param labels labels every node carries
 * @param taints taints every node carries
 * @param capacity capacity (and allocatable) of every node, as quantities ({@code cpu: "8"}, {@code pods: "110"})
 */
public record NodePoolSpec(String name, int count, ImmutableSortedMap<String, String> labels, ImmutableList<Taint> taints,
    ImmutableSortedMap<String, String> capacity) {
  /** What a node has when the pool says nothing: 4 CPUs, 16 GiB, 110 pods (Kubernetes' default pod limit). */
  public static final ImmutableSortedMap<String, String> DEFAULT_CAPACITY =
      ImmutableSortedMap.of("cpu", "4", "memory", "16Gi", "pods", "110");

  public NodePoolSpec {
    checkArgument(count >= 0, "count must not be negative");
  }

  /** {@code --nodes N}: one pool of plain nodes. */
  public static NodePoolSpec plain(int count) {
    return new NodePoolSpec("node", count, ImmutableSortedMap.of(), ImmutableList.of(), DEFAULT_CAPACITY);
  }

  /** A node taint. @param effect {@code NoSchedule}, {@code PreferNoSchedule} or {@code NoExecute} */
  public record Taint(String key, String value, String effect) {}
}
