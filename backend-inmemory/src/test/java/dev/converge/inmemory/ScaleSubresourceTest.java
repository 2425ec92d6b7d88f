package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.WriteOptions;
import org.junit.jupiter.api.Test;

/**
 * The {@code scale} subresource of Deployments, ReplicaSets and StatefulSets ({@code autoscaling/v1 Scale}):
 * what {@code kubectl scale} and autoscalers read and write.
 */
class ScaleSubresourceTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 3);
  private final ApiServer server = cluster.server();

  @Test
  void getScale_describesTheReplicasAndTheSelector() {
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1").edit(t -> {
      t.with("spec").with("selector").putArray("matchExpressions").addObject().put("key", "tier").put("operator", "In")
          .putArray("values").add("web").add("api");
      t.with("spec").with("template").with("metadata").with("labels").put("tier", "web");
    }));
    JsonNode scale = server.getScale(ADMIN, d.key());
    assertThat(scale).isEqualTo(Json.parse("""
        {"kind":"Scale","apiVersion":"autoscaling/v1",
         "metadata":{"name":"web","namespace":"default","uid":"%s","resourceVersion":"%s","creationTimestamp":"%s"},
         "spec":{"replicas":1},"status":{"replicas":0,"selector":"app=web,tier in (api,web)"}}"""
        .formatted(d.uid(), d.resourceVersion(), d.metadata().path("creationTimestamp").asText())));
  }

  @Test
  void patchAndUpdate_setSpecReplicas_bumpTheGeneration_andRecordTheScaleSubresourceManager() {
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"));
    JsonNode patched = server.patchScale(ADMIN, d.key(), PatchType.MERGE, Json.parse("{\"spec\":{\"replicas\":3}}"),
        WriteOptions.manager("kubectl"));
    assertThat(patched.path("spec").path("replicas").asInt()).isEqualTo(3);
    Resource after = server.get(ADMIN, d.key());
    assertThat(after.spec().path("replicas").asInt()).isEqualTo(3);
    assertThat(after.generation()).isEqualTo(d.generation() + 1);
    assertThat(after.metadata().path("managedFields").toString())
        .contains("\"manager\":\"kubectl\"", "\"subresource\":\"scale\"", "\"f:replicas\"");
    assertThat(patched.path("metadata").path("resourceVersion").asText()).isEqualTo(after.resourceVersion());

    JsonNode zero = server.updateScale(ADMIN, d.key(), Json.parse("{\"spec\":{\"replicas\":0}}"), WriteOptions.defaults());
    assertThat(zero.path("spec").has("replicas")).as("ScaleSpec.replicas is omitempty").isFalse();
    assertThat(server.get(ADMIN, d.key()).spec().path("replicas").asInt()).isZero();
  }

  @Test
  void aStaleVersion_isAConflict_andANegativeCount_isInvalid_andAConfigMapHasNoScale() {
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"));
    assertThatThrownBy(() -> server.updateScale(ADMIN, d.key(), Json.parse(
        "{\"metadata\":{\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":2}}"), WriteOptions.defaults()))
        .isInstanceOf(BackendException.Conflict.class).hasMessageContaining("the object has been modified");
    assertThatThrownBy(() -> server.patchScale(ADMIN, d.key(), PatchType.MERGE, Json.parse("{\"spec\":{\"replicas\":-1}}"),
        WriteOptions.defaults()))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    assertThat(server.get(ADMIN, d.key()).spec().path("replicas").asInt()).isEqualTo(1);
    Resource cm = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThatThrownBy(() -> server.getScale(ADMIN, cm.key())).isInstanceOf(BackendException.NotFound.class);
    assertThatThrownBy(() -> server.getScale(ADMIN, ResourceKey.namespaced("apps", "Deployment", "default", "none")))
        .isInstanceOf(BackendException.NotFound.class);
  }
}
