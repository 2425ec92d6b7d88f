package dev.converge.inmemory.sim.node;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.inmemory.server.NodeRestriction;
import dev.converge.inmemory.sim.scheduling.Taint;
import java.util.Map;

/**
 * A group of identical nodes: {@code count} nodes named {@code <name>-0}, {@code <name>-1}, …, with the same
 * labels, taints and capacity, and an optional churn (nodes joining and leaving at a rate). The YAML kind
 * {@code sim.converge.dev/v1alpha1 NodePool} maps onto it.
 *
 * @param name the pool's name, the prefix of its nodes' names
 * @param count nodes at start
 * @param labels labels of every node, beside the well-known ones the kubelet sets: only labels a kubelet may set on
 *     its Node ({@link NodeRestriction#kubeletMaySet})
 * @param taints taints of every node
 * @param capacity the node's capacity (and allocatable): {@code cpu}, {@code memory}, {@code pods}, …
 * @param churn joins and leaves per hour
 */
public record NodePool(String name, int count, ImmutableMap<String, String> labels, ImmutableList<Taint> taints,
    ImmutableMap<String, String> capacity, NodeChurn churn) {

  /** A kubelet's defaults on a modest machine: 4 CPUs, 16 GiB, 110 pods (kubelet's {@code maxPods}). */
  public static final ImmutableMap<String, String> DEFAULT_CAPACITY =
      ImmutableMap.of("cpu", "4", "memory", "16Gi", "pods", "110", "ephemeral-storage", "100Gi");

  public NodePool {
    checkArgument(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), "a pool name must be a DNS label: %s", name);
    checkArgument(count >= 0, "count must not be negative: %s", count);
    for (String key : labels.keySet()) {
      // The kubelet registers its Node with these (--node-labels): it refuses to start with one it may not set,
      // and NodeRestriction admission would refuse the Node.
      checkArgument(NodeRestriction.kubeletMaySet(key), "a kubelet may not set the label %s on its Node", key);
    }
  }

  /** {@code count} plain nodes in a pool named {@code node} (what {@code --nodes N} means). */
  public static NodePool plain(int count) {
    return of("node", count);
  }

  /** {@code count} nodes named {@code <name>-<i>} with the default capacity, no labels, taints or churn. */
  public static NodePool of(String name, int count) {
    return new NodePool(name, count, ImmutableMap.of(), ImmutableList.of(), DEFAULT_CAPACITY, NodeChurn.NONE);
  }

  public NodePool withLabels(Map<String, String> extra) {
    return new NodePool(name, count, ImmutableMap.<String, String>builder().putAll(labels).putAll(extra)
        .buildKeepingLast(), taints, capacity, churn);
  }

  public NodePool withTaints(Taint... extra) {
    return new NodePool(name, count, labels, ImmutableList.<Taint>builder().addAll(taints).add(extra).build(),
        capacity, churn);
  }

  public NodePool withCapacity(Map<String, String> values) {
    return new NodePool(name, count, labels, taints, ImmutableMap.copyOf(values), churn);
  }

  public NodePool withChurn(NodeChurn value) {
    return new NodePool(name, count, labels, taints, capacity, value);
  }

  /** The name of this pool's node number {@code index}. */
  public String nodeName(int index) {
    return name + "-" + index;
  }
}
