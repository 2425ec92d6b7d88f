package dev.converge.inmemory.sim.controller;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.time.Instant;
import java.util.List;

/** Hand-made DaemonSets, nodes and pods for the pure controller tests. */
final class DaemonSetFixtures {
  static final Instant NOW = Instant.parse("2025-01-01T00:10:00Z");

  private DaemonSetFixtures() {}

  /** A DaemonSet {@code agent} (uid {@code ds-uid}, generation 1) with extra spec JSON (no braces). */
  static Resource daemonSet(String extraSpec) {
    return Resource.of(Json.parse("""
        {"apiVersion":"apps/v1","kind":"DaemonSet",
         "metadata":{"name":"agent","namespace":"default","uid":"ds-uid","generation":1},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},
                 "template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"a","image":"agent:1"}]%s}}
                 %s}}""".formatted("", extraSpec.isEmpty() ? "" : "," + extraSpec)));
  }

  /** A DaemonSet whose pod template spec has {@code templateExtra} (e.g. a node selector). */
  static Resource daemonSetWithTemplate(String templateExtra, String extraSpec) {
    return Resource.of(Json.parse("""
        {"apiVersion":"apps/v1","kind":"DaemonSet",
         "metadata":{"name":"agent","namespace":"default","uid":"ds-uid","generation":1},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},
                 "template":{"metadata":{"labels":{"app":"agent"}},
                             "spec":{"containers":[{"name":"a","image":"agent:1"}],%s}}
                 %s}}""".formatted(templateExtra, extraSpec.isEmpty() ? "" : "," + extraSpec)));
  }

  static NodeInfo node(String name, String labelsJson, String taintsJson) {
    return NodeInfo.of(Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":%s},"spec":{"taints":%s},
         "status":{"allocatable":{"cpu":"4","memory":"16Gi","pods":"110"}}}""".formatted(name, labelsJson, taintsJson))));
  }

  static NodeInfo plainNode(String name) {
    return node(name, "{}", "[]");
  }

  /**
   * A pod of the DaemonSet on {@code node} with revision hash {@code hash}, Ready (since {@code readySince}) or
   * not, created at {@code created}.
   */
  static Resource pod(String name, String node, String hash, boolean ready, String readySince, String created) {
    return Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"%s","namespace":"default","creationTimestamp":"%s",
                     "labels":{"app":"agent","controller-revision-hash":"%s"},
                     "ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet","name":"agent","uid":"ds-uid",
                                         "controller":true,"blockOwnerDeletion":true}]},
         "spec":{"nodeName":"%s","containers":[{"name":"a","image":"agent:1"}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"%s","lastTransitionTime":"%s"}]}}"""
        .formatted(name, created, hash, node, ready ? "True" : "False", readySince)));
  }

  static Resource readyPod(String name, String node, String hash) {
    return pod(name, node, hash, true, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z");
  }

  static DaemonSetSnapshot snapshot(Resource ds, List<NodeInfo> nodes, List<Resource> pods, String hash) {
    DaemonSetView view = new DaemonSetView(ds);
    return new DaemonSetSnapshot(view, nodes, view::eligibility, pods, hash, NOW);
  }
}
