package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Patches and server-side apply end to end through the server: managedFields on every write, apply creating,
 * pruning and conflicting (and force), no-op applies that write nothing, merge, strategic merge and JSON
 * patches with their error codes, status-only applies, and the create permission an apply that creates needs.
 */
class PatchAndApplyTest {
  private final TestTicker ticker = new TestTicker();
  private final InMemoryCluster cluster = InMemoryCluster.create(ticker, 41);
  private final ApiServer server = cluster.server();
  private final InMemoryBackend backend = cluster.backend();
  private final ResourceKey web = Fixtures.deploymentKey("default", "web");

  private static String managers(Resource object) {
    StringBuilder out = new StringBuilder();
    for (JsonNode entry : object.metadata().path("managedFields")) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(entry.path("manager").asText()).append('/').append(entry.path("operation").asText());
      if (entry.has("subresource")) {
        out.append('/').append(entry.path("subresource").asText());
      }
    }
    return out.toString();
  }

  @Test
  void apply_createsTheObject_ownedByTheManager_andDefaulted() {
    Resource created = backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    assertThat(managers(created)).isEqualTo("converge/Apply");
    assertThat(created.spec().path("replicas").asInt()).isEqualTo(1);
    assertThat(created.metadata().path("managedFields").get(0).path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();
  }

  @Test
  void reapplyingTheSameObject_writesNothing_evenLater() {
    Resource created = backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    ticker.advance(Duration.ofMinutes(5));
    long revision = server.revision();
    Resource again = backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    assertThat(again.resourceVersion()).isEqualTo(created.resourceVersion());
    assertThat(server.revision()).isEqualTo(revision);
  }

  @Test
  void reapplyWithoutAField_removesIt() {
    backend.apply(Fixtures.deployment("default", "web", "nginx:1").withLabel("team", "a"), ApplyOptions.defaults());
    Resource pruned = backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    assertThat(pruned.labels()).doesNotContainKey("team");
  }

  @Test
  void applyOfAFieldAnotherManagerOwns_conflicts_unlessForced() {
    backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.manager("first"));
    assertThatThrownBy(() -> backend.apply(Fixtures.deployment("default", "web", "nginx:2"), ApplyOptions.manager("second")))
        .isInstanceOfSatisfying(BackendException.Conflict.class, e -> {
          assertThat(e.fieldConflicts()).containsExactly("first: .spec.template.spec.containers[name=\"main\"].image");
          assertThat(e.isRetryable()).isFalse();
          assertThat(e.getMessage()).startsWith("Apply failed with 1 conflict: conflict with \"first\"");
        });
    Resource forced = backend.apply(Fixtures.deployment("default", "web", "nginx:2"), ApplyOptions.manager("second").forced());
    assertThat(forced.spec().path("template").path("spec").path("containers").get(0).path("image").asText()).isEqualTo("nginx:2");
  }

  @Test
  void mergePatch_updatesAndRecordsAnUpdateManager() {
    backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    Resource patched = server.patch(ADMIN, web, PatchType.MERGE, Json.parse("{\"spec\":{\"replicas\":3}}"),
        PatchOptions.defaults().withManager("kubectl-scale"));
    assertThat(patched.spec().path("replicas").asInt()).isEqualTo(3);
    assertThat(patched.generation()).isEqualTo(2);
    assertThat(managers(patched)).isEqualTo("converge/Apply, kubectl-scale/Update");
  }

  @Test
  void strategicMergePatch_mergesContainersByName() {
    server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1").edit(t -> t.with("spec").with("template")
        .with("spec").withArray("containers").addObject().put("name", "sidecar").put("image", "agent:7")));
    Resource patched = server.patch(ADMIN, web, PatchType.STRATEGIC, Json.parse(
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx:2\"}]}}}}"),
        PatchOptions.defaults());
    JsonNode containers = patched.spec().path("template").path("spec").path("containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("image").asText()).isEqualTo("nginx:2");
    assertThat(containers.get(1).path("image").asText()).isEqualTo("agent:7");
  }

  @Test
  void jsonPatchTestFailure_is422_andStrategicPatchOfACustomResource_is415() {
    server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThatThrownBy(() -> server.patch(ADMIN, Fixtures.cm("default", "c"), PatchType.JSON,
        Json.parse("[{\"op\":\"test\",\"path\":\"/data/key\",\"value\":\"2\"}]"), PatchOptions.defaults()))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(422));
    server.create(ADMIN, Fixtures.parse(CustomResourceTest.CRD));
    server.create(ADMIN, Fixtures.parse(CustomResourceTest.AGENT));
    assertThatThrownBy(() -> server.patch(ADMIN, ResourceKey.namespaced("datadoghq.com", "DatadogAgent", "default", "datadog"),
        PatchType.STRATEGIC, Json.parse("{\"spec\":{}}"), PatchOptions.defaults()))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(415));
  }

  @Test
  void statusApply_changesOnlyTheStatus() {
    Resource created = backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    Resource status = server.patch(ADMIN, web, PatchType.APPLY, Json.parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"
            + "\"spec\":{\"replicas\":7},\"status\":{\"replicas\":1}}"),
        PatchOptions.apply("deployment-controller", true).onStatus());
    assertThat(status.status().path("replicas").asInt()).isEqualTo(1);
    assertThat(status.spec().path("replicas").asInt()).isEqualTo(1);
    assertThat(status.generation()).isEqualTo(created.generation());
    assertThat(managers(status)).isEqualTo("converge/Apply, deployment-controller/Apply/status");
  }

  @Test
  void updates_recordManagedFieldsToo() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThat(managers(created)).isEqualTo("system:admin/Update");
  }

  @Test
  void applyThatCreates_needsTheCreateVerb() {
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"patcher","namespace":"default"},
         "rules":[{"apiGroups":[""],"resources":["configmaps"],"verbs":["patch","get"]}]}"""));
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"patcher","namespace":"default"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"patcher"},
         "subjects":[{"kind":"ServiceAccount","name":"op"}]}"""));
    InMemoryBackend operator = cluster.backend(Identity.serviceAccount("default", "op"));
    assertThatThrownBy(() -> operator.apply(Fixtures.configMap("default", "c", "1"), ApplyOptions.manager("op")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessageContaining("cannot create resource \"configmaps\"");
    server.create(ADMIN, Fixtures.configMap("default", "c", "0"));
    assertThat(operator.apply(Fixtures.configMap("default", "c", "1"), ApplyOptions.manager("op").forced())
        .json().path("data").path("key").asText()).isEqualTo("1");
  }

  @Test
  void aPatchOrApplyCarryingAnotherUid_isRefusedAsImmutable_andTheSameUidIsAccepted() {
    Resource created = backend.apply(Fixtures.deployment("default", "web", "nginx:1"), ApplyOptions.defaults());
    String refused = "Deployment.apps \"web\" is invalid: metadata.uid: Invalid value: \"other\": field is immutable";
    assertThatThrownBy(() -> server.patch(ADMIN, web, PatchType.STRATEGIC,
        Json.parse("{\"metadata\":{\"uid\":\"other\",\"labels\":{\"a\":\"b\"}}}"), PatchOptions.defaults()))
        .isInstanceOf(BackendException.Invalid.class).hasMessage(refused);
    assertThatThrownBy(() -> backend.apply(Fixtures.deployment("default", "web", "nginx:2")
        .edit(tree -> ((com.fasterxml.jackson.databind.node.ObjectNode) tree.path("metadata")).put("uid", "other")),
        ApplyOptions.defaults()))
        .isInstanceOf(BackendException.Invalid.class).hasMessage(refused);
    assertThat(Fixtures.get(server, web).resourceVersion()).isEqualTo(created.resourceVersion());

    Resource patched = server.patch(ADMIN, web, PatchType.MERGE,
        Json.parse("{\"metadata\":{\"uid\":\"" + created.uid() + "\",\"labels\":{\"a\":\"b\"}}}"),
        PatchOptions.defaults());
    assertThat(patched.labels()).containsEntry("a", "b");
  }
}
