package dev.converge.examples.datadog.install;

import com.google.common.collect.ImmutableList;
import dev.converge.examples.datadog.render.RbacRule;
import java.util.List;

/**
 * The operator's own ClusterRole, written out by hand like the Datadog Operator's {@code config/rbac/role.yaml}:
 * what it needs to manage its objects and its DatadogAgents, plus every permission it grants to the agents.
 * Kubernetes refuses to let it create a Role with a rule it does not hold itself, so {@code OperatorRbacTest}
 * checks with {@link RuleCoverage} that these rules cover everything any feature combination renders.
 */
public final class OperatorRbac {
  private static final List<String> ALL = List.of("create", "delete", "get", "list", "patch", "update", "watch");
  private static final List<String> READ = List.of("get", "list", "watch");

  private OperatorRbac() {}

  public static ImmutableList<RbacRule> rules() {
    return ImmutableList.of(
        // Objects the operator creates, and the ConfigMaps/Secrets the agents it grants to manage.
        RbacRule.of("", List.of("configmaps", "secrets", "serviceaccounts", "services"), ALL),
        RbacRule.of("", List.of("events"), List.of("create", "get", "list", "patch", "update", "watch")),
        RbacRule.of("", List.of("componentstatuses", "endpoints", "limitranges", "namespaces", "nodes", "persistentvolumeclaims",
            "persistentvolumes", "pods", "replicationcontrollers", "resourcequotas"), READ),
        RbacRule.of("", List.of("nodes/metrics", "nodes/proxy", "nodes/spec", "nodes/stats"), List.of("get")),
        RbacRule.nonResource(List.of("/version", "/healthz", "/metrics"), List.of("get")),
        RbacRule.of("apps", List.of("daemonsets", "deployments"), ALL),
        RbacRule.of("apps", List.of("replicasets", "statefulsets"), READ),
        RbacRule.of("batch", List.of("cronjobs", "jobs"), READ),
        RbacRule.of("autoscaling", List.of("horizontalpodautoscalers"), READ),
        RbacRule.of("policy", List.of("poddisruptionbudgets"), ALL),
        RbacRule.of("storage.k8s.io", List.of("storageclasses", "volumeattachments"), READ),
        RbacRule.of("networking.k8s.io", List.of("ingresses"), READ),
        RbacRule.of("discovery.k8s.io", List.of("endpointslices"), READ),
        RbacRule.of("coordination.k8s.io", List.of("leases"), ALL),
        RbacRule.of("apiextensions.k8s.io", List.of("customresourcedefinitions"), READ),
        RbacRule.of("rbac.authorization.k8s.io", List.of("clusterrolebindings", "clusterroles", "rolebindings", "roles"), ALL),
        RbacRule.of("admissionregistration.k8s.io", List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"), ALL),
        RbacRule.of("datadoghq.com", List.of("datadogagents"), List.of("get", "list", "patch", "update", "watch")),
        RbacRule.of("datadoghq.com", List.of("datadogagents/status"), List.of("get", "patch", "update")),
        RbacRule.of("datadoghq.com", List.of("datadogagents/finalizers"), List.of("update")));
  }
}
