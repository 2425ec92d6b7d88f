package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import org.junit.jupiter.api.Test;

/**
 * CRDs: creating one serves its kind and sets {@code NamesAccepted}/{@code Established}; custom resources
 * get generation, a status subresource when declared, and no unconditional updates; deleting the CRD
 * deletes its objects and stops serving the kind.
 */
class CustomResourceTest {
  static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"datadogagents.datadoghq.com"},
       "spec":{"group":"datadoghq.com","scope":"Namespaced",
        "names":{"kind":"DatadogAgent","plural":"datadogagents","shortNames":["dd"]},
        "versions":[{"name":"v2alpha1","served":true,"storage":true,"subresources":{"status":{}},
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""";
  static final String AGENT = """
      {"apiVersion":"datadoghq.com/v2alpha1","kind":"DatadogAgent","metadata":{"name":"datadog","namespace":"default"},
       "spec":{"global":{"site":"us5.datadoghq.com"}},"status":{"ignored":true}}""";
  private static final GroupKind KIND = GroupKind.of("datadoghq.com", "DatadogAgent");

  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 29);
  private final ApiServer server = cluster.server();

  @Test
  void creatingACrd_servesItsKind_andEstablishesIt() {
    Resource crd = server.create(ADMIN, Fixtures.parse(CRD));
    Resource live = server.get(ADMIN, crd.key());
    assertThat(ReadyGates.conditionIsTrue(live, "Established")).isTrue();
    assertThat(ReadyGates.conditionIsTrue(live, "NamesAccepted")).isTrue();
    assertThat(live.status().path("acceptedNames").path("listKind").asText()).isEqualTo("DatadogAgentList");
    assertThat(server.types().find(KIND).orElseThrow().plural()).isEqualTo("datadogagents");
    assertThat(cluster.backend().types().find(KIND).orElseThrow().shortNames()).containsExactly("dd");
  }

  @Test
  void customResources_haveGenerationAndAStatusSubresource() {
    server.create(ADMIN, Fixtures.parse(CRD));
    Resource agent = server.create(ADMIN, Fixtures.parse(AGENT));
    assertThat(agent.generation()).isEqualTo(1);
    assertThat(agent.json().has("status")).isFalse();
    Resource status = server.updateStatus(ADMIN, agent.edit(t -> {
      t.putObject("status").put("state", "Running");
      t.with("metadata").with("annotations").put("ignored", "yes");
    }));
    assertThat(status.generation()).isEqualTo(1);
    assertThat(status.annotations()).as("a custom resource's status write takes only the status").isEmpty();
    Resource changed = server.update(ADMIN, status.edit(t -> t.with("spec").with("global").put("site", "datadoghq.eu")));
    assertThat(changed.generation()).isEqualTo(2);
    assertThat(changed.status().path("state").asText()).isEqualTo("Running");
    assertThatThrownBy(() -> server.update(ADMIN, changed.edit(t -> t.with("metadata").remove("resourceVersion"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
  }

  @Test
  void deletingTheCrd_deletesItsObjects_andStopsServingTheKind() {
    Resource crd = server.create(ADMIN, Fixtures.parse(CRD));
    server.create(ADMIN, Fixtures.parse(AGENT));
    server.delete(ADMIN, crd.key(), DeleteParams.defaults());
    assertThat(server.types().find(KIND)).isEmpty();
    assertThatThrownBy(() -> server.get(ADMIN, crd.key())).isInstanceOf(BackendException.NotFound.class);
    assertThatThrownBy(() -> server.get(ADMIN, ResourceKey.namespaced("datadoghq.com", "DatadogAgent", "default", "datadog")))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessage("the server could not find the requested resource");
  }

  @Test
  void crdWhoseObjectsHaveFinalizers_waits_andRefusesNewObjects() {
    Resource crd = server.create(ADMIN, Fixtures.parse(CRD));
    server.create(ADMIN, Fixtures.parse(AGENT).edit(t -> t.with("metadata").putArray("finalizers").add("converge.dev/cleanup")));
    server.delete(ADMIN, crd.key(), DeleteParams.defaults());
    Resource terminating = server.get(ADMIN, crd.key());
    assertThat(ReadyGates.conditionIsTrue(terminating, "Terminating")).isTrue();
    assertThat(terminating.finalizers()).containsExactly("customresourcecleanup.apiextensions.k8s.io");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(AGENT.replace("\"datadog\"", "\"second\""))))
        .isInstanceOf(BackendException.Forbidden.class);
    ResourceKey agentKey = ResourceKey.namespaced("datadoghq.com", "DatadogAgent", "default", "datadog");
    Resource agent = server.get(ADMIN, agentKey);
    server.update(ADMIN, agent.edit(t -> t.with("metadata").remove("finalizers")));
    assertThat(server.types().find(KIND)).isEmpty();
  }
}
