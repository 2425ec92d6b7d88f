package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What one sync of one DaemonSet looks at, from the informer caches: the nodes in name order with their
 * eligibility, the DaemonSet's pods grouped by target node ({@code getNodesToDaemonPods}: a pod's
 * {@code spec.nodeName}, or the node its affinity pins it to while unbound), the current revision hash and the
 * time. Go iterates maps in random order; the simulation walks nodes by name so that a run is reproducible.
 */
final class DaemonSetSnapshot {
  final DaemonSetView view;
  final List<NodeInfo> nodes;
  final List<DaemonSetView.Eligibility> eligibility;
  /** Node name → the node's pods, oldest (scheduled) first; iterate {@link #nodesWithPods()} for name order. */
  final Map<String, List<PodFacts>> podsByNode;
  final String hash;
  final Instant now;

  DaemonSetSnapshot(DaemonSetView view, List<NodeInfo> nodes, Function<NodeInfo, DaemonSetView.Eligibility> eligible,
      Iterable<Resource> pods, String hash, Instant now) {
    this(view, nodes, eligible, pods, new PodFacts.Cache(), hash, now);
  }

  DaemonSetSnapshot(DaemonSetView view, List<NodeInfo> nodes, Function<NodeInfo, DaemonSetView.Eligibility> eligible,
      Iterable<Resource> pods, PodFacts.Cache facts, String hash, Instant now) {
    this.view = view;
    this.nodes = nodes;
    this.eligibility = new ArrayList<>(nodes.size());
    for (NodeInfo node : nodes) {
      eligibility.add(eligible.apply(node));
    }
    this.podsByNode = new HashMap<>();
    for (Resource pod : pods) {
      PodFacts fact = facts.of(pod);
      if (fact.targetNode() != null) {
        podsByNode.computeIfAbsent(fact.targetNode(), k -> new ArrayList<>(1)).add(fact);
      }
    }
    for (List<PodFacts> onNode : podsByNode.values()) {
      if (onNode.size() > 1) {
        onNode.sort(PodFacts.BY_CREATION);
      }
    }
    this.hash = hash;
    this.now = now;
  }

  /** The nodes that have pods, in name order. */
  List<String> nodesWithPods() {
    List<String> names = new ArrayList<>(podsByNode.keySet());
    names.sort(null);
    return names;
  }

  /** {@code util.GetTargetNodeName}: {@code spec.nodeName}, else the node a pending pod is pinned to. */
  static @org.jspecify.annotations.Nullable String targetNode(Resource pod) {
    String bound = pod.spec().path("nodeName").asText("");
    if (!bound.isEmpty()) {
      return bound;
    }
    for (var term : pod.spec().path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms")) {
      for (var field : term.path("matchFields")) {
        if (field.path("key").asText().equals("metadata.name") && field.path("operator").asText().equals("In")
            && field.path("values").size() == 1) {
          return field.path("values").get(0).asText();
        }
      }
    }
    return null;
  }

  /** {@code util.IsPodUpdated}: the pod carries the current revision hash (or the current template generation). */
  boolean isUpdated(PodFacts pod) {
    if (!hash.isEmpty() && hash.equals(pod.hash())) {
      return true;
    }
    String generation = view.ds.annotations().get("deprecated.daemonset.template.generation");
    return generation != null && generation.equals(pod.templateGeneration());
  }

  boolean isAvailable(PodFacts pod) {
    return pod.available(view.minReadySeconds, now);
  }

  /** Node name → eligibility, for lookups by name. */
  Map<String, DaemonSetView.Eligibility> eligibilityByName() {
    Map<String, DaemonSetView.Eligibility> out = new java.util.HashMap<>(nodes.size() * 2);
    for (int i = 0; i < nodes.size(); i++) {
      out.put(nodes.get(i).name(), eligibility.get(i));
    }
    return out;
  }
}
