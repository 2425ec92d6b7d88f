package dev.converge.examples.datadog.render;

import static dev.converge.examples.datadog.DatadogFixtures.minimalAgent;
import static dev.converge.examples.datadog.render.RenderHelpers.get;
import static dev.converge.examples.datadog.render.RenderHelpers.graph;
import static dev.converge.examples.datadog.render.RenderHelpers.rules;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import org.junit.jupiter.api.Test;

/**
 * The node agents' RBAC: with the Cluster Agent they may read kubelet data only; broader reads only when the
 * Cluster Agent is disabled (the API-server load the Cluster Agent exists to remove).
 */
class RbacTest {
  private static final String AGENT_ROLE = "rbac.authorization.k8s.io/ClusterRole/datadog-agent";

  @Test
  void withClusterAgent_nodeAgentsReadKubeletDataOnly() {
    assertThat(rules(get(graph(minimalAgent("")), AGENT_ROLE))).containsExactly(
        "{\"apiGroups\":[\"\"],\"resources\":[\"nodes/metrics\",\"nodes/spec\",\"nodes/proxy\",\"nodes/stats\"],\"verbs\":[\"get\"]}");
  }

  @Test
  void withClusterAgent_theExampleWithEveryFeatureStillGrantsKubeletDataOnly() {
    assertThat(rules(get(graph(dev.converge.examples.datadog.DatadogFixtures.exampleAgent()), AGENT_ROLE))).hasSize(1);
  }

  @Test
  void withoutClusterAgent_nodeAgentsReadTheClusterThemselves() {
    DesiredGraph graph = graph(minimalAgent("""
          override:
            clusterAgent:
              disabled: true
        """));
    assertThat(rules(get(graph, AGENT_ROLE))).containsExactly(
        "{\"apiGroups\":[\"\"],\"resources\":[\"nodes/metrics\",\"nodes/spec\",\"nodes/proxy\",\"nodes/stats\"],\"verbs\":[\"get\"]}",
        "{\"apiGroups\":[\"\"],\"resources\":[\"services\",\"events\",\"endpoints\",\"pods\",\"nodes\",\"componentstatuses\",\"namespaces\"],"
            + "\"verbs\":[\"get\",\"list\",\"watch\"]}",
        "{\"apiGroups\":[\"discovery.k8s.io\"],\"resources\":[\"endpointslices\"],\"verbs\":[\"get\",\"list\",\"watch\"]}",
        "{\"nonResourceURLs\":[\"/version\",\"/healthz\"],\"verbs\":[\"get\"]}",
        "{\"apiGroups\":[\"\"],\"resources\":[\"namespaces\"],\"resourceNames\":[\"kube-system\"],\"verbs\":[\"get\"]}",
        "{\"apiGroups\":[\"coordination.k8s.io\"],\"resources\":[\"leases\"],\"verbs\":[\"get\",\"create\",\"update\"]}",
        "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"get\",\"create\",\"update\"]}");
  }

  @Test
  void bindings_bindEachRoleToItsComponentsServiceAccount() {
    DesiredGraph graph = graph(minimalAgent(""));
    assertThat(get(graph, "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-agent").json().path("roleRef")).isEqualTo(Json.parse(
        "{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"datadog-agent\"}"));
    assertThat(get(graph, "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-agent").json().path("subjects")).isEqualTo(Json.parse(
        "[{\"kind\":\"ServiceAccount\",\"name\":\"datadog-agent\",\"namespace\":\"datadog\"}]"));
    assertThat(get(graph, "rbac.authorization.k8s.io/RoleBinding/datadog/datadog-cluster-agent").json().path("roleRef").path("kind").asText())
        .isEqualTo("Role");
  }
}
