package dev.converge.examples.datadog.render;

import java.util.List;

/** Verb lists and the RBAC rules shared by several components. */
final class AgentRules {
  static final List<String> GET = List.of("get");
  static final List<String> READ = List.of("get", "list", "watch");
  static final List<String> LIST_WATCH = List.of("list", "watch");

  private AgentRules() {}

  /**
   * What a node agent may read from its kubelet through the API server's node proxy. With a Cluster Agent this is
   * all a node agent may read: the Cluster Agent reads the cluster once and answers the node agents from its cache.
   */
  static AgentRbacRule kubelet() {
    return AgentRbacRule.of("", List.of("nodes/metrics", "nodes/spec", "nodes/proxy", "nodes/stats"), GET);
  }

  /** Cluster-level metadata reads: what the Cluster Agent does, or every node agent when there is none. */
  static List<AgentRbacRule> clusterMetadata() {
    return List.of(
        AgentRbacRule.of("", List.of("services", "events", "endpoints", "pods", "nodes", "componentstatuses", "namespaces"), READ),
        AgentRbacRule.of("discovery.k8s.io", List.of("endpointslices"), READ),
        AgentRbacRule.nonResource(List.of("/version", "/healthz"), GET),
        AgentRbacRule.named("", List.of("namespaces"), List.of("kube-system"), GET));
  }

  /** What the kube-state-metrics core check lists and watches. */
  static List<AgentRbacRule> kubeStateMetrics() {
    return List.of(
        AgentRbacRule.of("", List.of("configmaps", "endpoints", "events", "limitranges", "namespaces", "nodes",
            "persistentvolumeclaims", "persistentvolumes", "pods", "replicationcontrollers", "resourcequotas", "services"), LIST_WATCH),
        AgentRbacRule.of("apps", List.of("daemonsets", "deployments", "replicasets", "statefulsets"), LIST_WATCH),
        AgentRbacRule.of("batch", List.of("cronjobs", "jobs"), LIST_WATCH),
        AgentRbacRule.of("autoscaling", List.of("horizontalpodautoscalers"), LIST_WATCH),
        AgentRbacRule.of("policy", List.of("poddisruptionbudgets"), LIST_WATCH),
        AgentRbacRule.of("storage.k8s.io", List.of("storageclasses", "volumeattachments"), LIST_WATCH),
        AgentRbacRule.of("networking.k8s.io", List.of("ingresses"), LIST_WATCH),
        AgentRbacRule.of("coordination.k8s.io", List.of("leases"), LIST_WATCH),
        AgentRbacRule.of("apiextensions.k8s.io", List.of("customresourcedefinitions"), LIST_WATCH));
  }
}
