package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of discovery documents and CustomResourceDefinitions into resource types. */
class ApiDiscoveryTest {

  @Test
  void resourceList_keepsReadableTopLevelResources_withStatusFromSubresource() {
    String list = """
        {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
          {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",
           "verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["deploy"]},
          {"name":"deployments/status","namespaced":true,"kind":"Deployment","verbs":["get","patch","update"]},
          {"name":"deployments/scale","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get"]},
          {"name":"controllerrevisions","namespaced":true,"kind":"ControllerRevision","verbs":["get","list"]}
        ]}""";

    List<ResourceType> types = ApiDiscovery.resourceList(Wire.parse(list), "apps", "v1");

    assertThat(types).containsExactly(
        new ResourceType(GroupKind.of("apps", "Deployment"), "v1", "deployments", true, com.google.common.collect.ImmutableList.of("deploy"), true),
        new ResourceType(GroupKind.of("apps", "ControllerRevision"), "v1", "controllerrevisions", true, com.google.common.collect.ImmutableList.of(), false));
  }

  @Test
  void resourceList_skipsCreateOnlyKinds_butKeepsResourcesWithoutVerbs() {
    String list = """
        {"resources":[
          {"name":"tokenreviews","namespaced":false,"kind":"TokenReview","verbs":["create"]},
          {"name":"widgets","namespaced":false,"kind":"Widget"}
        ]}""";

    assertThat(ApiDiscovery.resourceList(Wire.parse(list), "example.com", "v1"))
        .extracting(ResourceType::groupKind).containsExactly(GroupKind.of("example.com", "Widget"));
  }

  @Test
  void crd_servesItsMostPreferredServedVersion_withThatVersionsStatus() {
    String crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"datadogagents.datadoghq.com"},
         "spec":{"group":"datadoghq.com","scope":"Namespaced",
           "names":{"kind":"DatadogAgent","plural":"datadogagents","shortNames":["dd"]},
           "versions":[
             {"name":"v1alpha1","served":true,"storage":false},
             {"name":"v2alpha1","served":true,"storage":true,"subresources":{"status":{}}},
             {"name":"v2","served":false,"storage":false}]}}""";

    ResourceType type = ApiDiscovery.fromCrd(Wire.parse(crd)).orElseThrow();

    assertThat(type).isEqualTo(new ResourceType(GroupKind.of("datadoghq.com", "DatadogAgent"), "v2alpha1", "datadogagents",
        true, com.google.common.collect.ImmutableList.of("dd"), true));
  }

  @Test
  void crd_clusterScopedWithoutStatus() {
    String crd = """
        {"spec":{"group":"example.com","scope":"Cluster","names":{"kind":"Widget","plural":"widgets"},
          "versions":[{"name":"v1","served":true}]}}""";

    ResourceType type = ApiDiscovery.fromCrd(Wire.parse(crd)).orElseThrow();

    assertThat(type.namespaced()).isFalse();
    assertThat(type.statusSubresource()).isFalse();
    assertThat(type.apiVersion()).isEqualTo("example.com/v1");
  }

  @Test
  void crd_withoutNames_isNotAType() {
    assertThat(ApiDiscovery.fromCrd(Wire.parse("{\"spec\":{\"group\":\"x\"}}"))).isEmpty();
  }
}
