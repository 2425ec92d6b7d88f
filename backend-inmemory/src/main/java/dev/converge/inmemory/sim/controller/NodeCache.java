package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * kube-controller-manager's view of the nodes for placement decisions: each node parsed once into a
 * {@link NodeInfo} per change that matters (labels, taints, cordon, allocatable — a heartbeat does not), the
 * nodes in name order, and each DaemonSet's eligibility per node, cached until the node or the DaemonSet
 * changes. The DaemonSet controller reads ten thousand nodes per sync through it.
 */
public final class NodeCache {
  /** A node appeared ({@code old} null) or changed in a way placement can see. */
  @FunctionalInterface
  public interface Listener {
    void changed(@Nullable NodeInfo old, NodeInfo current);
  }

  private final Map<String, NodeInfo> infos = new HashMap<>();
  private final List<Listener> listeners = new ArrayList<>();
  private final Map<DaemonSetView, Map<String, DaemonSetView.Eligibility>> eligibility = new HashMap<>();
  private @Nullable List<NodeInfo> sorted;

  public NodeCache(Informer nodes) {
    nodes.addHandler(Informer.Handler.of(this::update, last -> {
      if (infos.remove(last.name()) != null) {
        sorted = null;
        forget(last.name());
      }
    }));
  }

  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  private void update(Resource node) {
    NodeInfo info = NodeInfo.of(node);
    NodeInfo old = infos.get(node.name());
    if (info.equals(old)) {
      return;
    }
    infos.put(node.name(), info);
    sorted = null;
    forget(node.name());
    for (Listener listener : listeners) {
      listener.changed(old, info);
    }
  }

  private void forget(String node) {
    for (Map<String, DaemonSetView.Eligibility> byNode : eligibility.values()) {
      byNode.remove(node);
    }
  }

  /** Every node, in name order. */
  public List<NodeInfo> sorted() {
    List<NodeInfo> out = sorted;
    if (out == null) {
      out = new ArrayList<>(infos.values());
      out.sort((a, b) -> a.name().compareTo(b.name()));
      out = List.copyOf(out);
      sorted = out;
    }
    return out;
  }

  public @Nullable NodeInfo get(String name) {
    return infos.get(name);
  }

  public int size() {
    return infos.size();
  }

  /** {@code view}'s eligibility of {@code node}, cached per DaemonSet version. */
  DaemonSetView.Eligibility eligibility(DaemonSetView view, NodeInfo node) {
    Map<String, DaemonSetView.Eligibility> byNode = eligibility.get(view);
    if (byNode == null) {
      // One cache per live DaemonSet version: drop the previous version's.
      eligibility.keySet().removeIf(other -> other.key.equals(view.key));
      byNode = new HashMap<>();
      eligibility.put(view, byNode);
    }
    DaemonSetView.Eligibility cached = byNode.get(node.name());
    if (cached == null) {
      cached = view.eligibility(node);
      byNode.put(node.name(), cached);
    }
    return cached;
  }
}
