package dev.converge.examples.datadog.install;

import com.google.common.collect.ImmutableList;
import dev.converge.examples.datadog.render.AgentRbacRule;
import java.util.List;

/**
 * The operator's own ClusterRole, written out by hand like the Datadog Operator's {@code config/rbac/role.yaml}:
 * what it needs to manage its objects and its DatadogAgents, plus every permission it grants to the agents.
 * Kubernetes refuses to let it create a Role with a rule it does not hold itself, so {@code OperatorRbacTest}
 * checks with {@link RbacEscalationCheck} that these rules cover everything any feature combination renders.
 */
public final class OperatorRbac {
  private static final List<String> ALL = List.of("create", "delete", "get", "list", "patch", "update", "watch");
  private static final List<String> READ = List.of("get", "list", "watch");

  private OperatorRbac() {}

  public static ImmutableList<AgentRbacRule> rules() {
    return ImmutableList.of(
        // Objects the operator creates, and the ConfigMaps/Secrets the agents it grants to manage.
        AgentRbacRule.of("", List.of("configmaps", "secrets", "serviceaccounts", "services"), ALL),
        AgentRbacRule.of("", List.of("events"), List.of("create", "get", "list", "patch", "update", "watch")),
        AgentRbacRule.of("", List.of("componentstatuses", "endpoints", "limitranges", "namespaces", "nodes", "persistentvolumeclaims",
            "persistentvolumes", "pods", "replicationcontrollers", "resourcequotas"), READ),
        AgentRbacRule.of("", List.of("nodes/metrics", "nodes/proxy", "nodes/spec", "nodes/stats"), List.of("get")),
        AgentRbacRule.nonResource(List.of("/version", "/healthz", "/metrics"), List.of("get")),
        AgentRbacRule.of("apps", List.of("daemonsets", "deployments"), ALL),
        AgentRbacRule.of("apps", List.of("replicasets", "statefulsets"), READ),
        AgentRbacRule.of("batch", List.of("cronjobs", "jobs"), READ),
        AgentRbacRule.of("autoscaling", List.of("horizontalpodautoscalers"), READ),
        AgentRbacRule.of("policy", List.of("poddisruptionbudgets"), ALL),
        AgentRbacRule.of("storage.k8s.io", List.of("storageclasses", "volumeattachments"), READ),
        AgentRbacRule.of("networking.k8s.io", List.of("ingresses"), READ),
        AgentRbacRule.of("discovery.k8s.io", List.of("endpointslices"), READ),
        AgentRbacRule.of("coordination.k8s.io", List.of("leases"), ALL),
        AgentRbacRule.of("apiextensions.k8s.io", List.of("customresourcedefinitions"), READ),
        AgentRbacRule.of("rbac.authorization.k8s.io", List.of("clusterrolebindings", "clusterroles", "rolebindings", "roles"), ALL),
        AgentRbacRule.of("admissionregistration.k8s.io", List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"), ALL),
        AgentRbacRule.of("datadoghq.com", List.of("datadogagents"), List.of("get", "list", "patch", "update", "watch")),
        AgentRbacRule.of("datadoghq.com", List.of("datadogagents/status"), List.of("get", "patch", "update")),
        AgentRbacRule.of("datadoghq.com", List.of("datadogagents/finalizers"), List.of("update")));
  }
}
