package dev.converge.examples.datadog.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.examples.datadog.DatadogFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's install graph and its CRD: names, status subresource, short name, a schema kubectl can explain. */
class OperatorInstallTest {

  @Test
  void graph_holdsTheHelmChartsObjects() {
    DesiredGraph graph = OperatorInstall.graph("datadog");
    assertThat(graph.resources().keySet()).extracting(ResourceKey::toString).containsExactly(
        "Namespace/datadog",
        "ServiceAccount/datadog/datadog-operator",
        "apiextensions.k8s.io/CustomResourceDefinition/datadogagents.datadoghq.com",
        "apps/Deployment/datadog/datadog-operator",
        "rbac.authorization.k8s.io/ClusterRole/datadog-operator",
        "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-operator");
    assertThat(graph.get(ResourceKey.parse("Namespace/datadog")).orElseThrow().ownership()).isEqualTo(Ownership.UNOWNED);
    Resource deployment = graph.get(ResourceKey.parse("apps/Deployment/datadog/datadog-operator")).orElseThrow().resource();
    assertThat(deployment.at("spec.template.spec.serviceAccountName").asText()).isEqualTo("datadog-operator");
    Resource binding = graph.get(ResourceKey.parse("rbac.authorization.k8s.io/ClusterRoleBinding/datadog-operator")).orElseThrow().resource();
    assertThat(binding.json().path("subjects")).isEqualTo(Json.parse(
        "[{\"kind\":\"ServiceAccount\",\"name\":\"datadog-operator\",\"namespace\":\"datadog\"}]"));
  }

  @Test
  void crd_servesV2alpha1WithStatusAndShortName() {
    Resource crd = OperatorInstall.crd();
    assertThat(crd.name()).isEqualTo("datadogagents.datadoghq.com");
    assertThat(crd.at("spec.names")).isEqualTo(Json.parse("{\"kind\":\"DatadogAgent\",\"listKind\":\"DatadogAgentList\","
        + "\"plural\":\"datadogagents\",\"singular\":\"datadogagent\",\"shortNames\":[\"dd\"]}"));
    assertThat(crd.at("spec.scope").asText()).isEqualTo("Namespaced");
    JsonNode version = crd.at("spec.versions").get(0);
    assertThat(version.path("name").asText()).isEqualTo("v2alpha1");
    assertThat(version.path("served").asBoolean()).isTrue();
    assertThat(version.path("storage").asBoolean()).isTrue();
    assertThat(version.path("subresources")).isEqualTo(Json.parse("{\"status\":{}}"));
  }

  @Test
  void crdSchema_describesEveryFieldForKubectlExplain() {
    JsonNode spec = OperatorInstall.crd().at("spec.versions").get(0).at("/schema/openAPIV3Schema/properties/spec");
    JsonNode instrumentation = spec.at("/properties/features/properties/apm/properties/instrumentation");
    assertThat(instrumentation.path("type").asText()).isEqualTo("object");
    assertThat(instrumentation.path("description").asText()).isEqualTo("Single-step instrumentation of application pods.");
    assertThat(instrumentation.at("/properties/enabledNamespaces")).isEqualTo(Json.parse(
        "{\"type\":\"array\",\"description\":\"Only these namespaces are instrumented.\",\"items\":{\"type\":\"string\"}}"));
    assertThat(spec.at("/properties/override/properties/nodeAgent/properties/labels/additionalProperties"))
        .isEqualTo(Json.parse("{\"type\":\"string\"}"));
    assertThat(spec.at("/properties/features/properties/admissionController/properties/failurePolicy/enum"))
        .isEqualTo(Json.parse("[\"Ignore\",\"Fail\"]"));
    assertStructural(spec, "spec");
  }

  @Test
  void crdSchema_acceptsEveryFieldOfTheSharedExample() {
    JsonNode schema = OperatorInstall.crd().at("spec.versions").get(0).at("/schema/openAPIV3Schema");
    assertKnown(DatadogFixtures.exampleAgent().spec(), schema.at("/properties/spec"), "spec");
  }

  /** Every schema node has a type: Kubernetes requires structural schemas for CRDs. */
  private static void assertStructural(JsonNode schema, String path) {
    assertThat(schema.path("type").isTextual()).as(path).isTrue();
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      assertStructural(property.getValue(), path + "." + property.getKey());
    }
    if (schema.has("items")) {
      assertStructural(schema.path("items"), path + "[]");
    }
    if (schema.has("additionalProperties")) {
      assertStructural(schema.path("additionalProperties"), path + "{}");
    }
  }

  private static void assertKnown(JsonNode value, JsonNode schema, String path) {
    if (value.isObject() && schema.has("properties")) {
      for (Map.Entry<String, JsonNode> field : value.properties()) {
        assertThat(schema.path("properties").has(field.getKey())).as(path + "." + field.getKey()).isTrue();
        assertKnown(field.getValue(), schema.path("properties").path(field.getKey()), path + "." + field.getKey());
      }
    }
  }
}
