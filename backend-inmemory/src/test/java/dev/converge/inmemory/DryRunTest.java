package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.DeleteResult;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.WriteOptions;
import org.junit.jupiter.api.Test;

/**
 * {@code dryRun=All}: every step of a write runs — admission, defaulting, validation, managed fields — and the
 * answer is what would be stored, but nothing is: the store's revision does not move (no new resourceVersion,
 * no watch event), and a service's cluster IP is not kept. What {@code kubectl diff} and {@code kubectl apply
 * --dry-run=server} rely on.
 */
class DryRunTest {
  private static final WriteOptions DRY = WriteOptions.defaults().withDryRun(true);
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 5);
  private final ApiServer server = cluster.server();

  @Test
  void create_answersTheDefaultedObject_withoutAResourceVersion_andStoresNothing() {
    long revision = server.revision();
    Resource answer = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"), DRY);
    assertThat(answer.uid()).isNotEmpty();
    assertThat(answer.resourceVersion()).isNull();
    assertThat(answer.generation()).isEqualTo(1);
    assertThat(answer.spec().path("strategy").path("type").asText()).as("defaulted").isEqualTo("RollingUpdate");
    assertThat(answer.metadata().path("managedFields").size()).isEqualTo(1);
    assertThat(server.revision()).isEqualTo(revision);
    assertThatThrownBy(() -> server.get(ADMIN, answer.key())).isInstanceOf(BackendException.NotFound.class);
    assertThat(server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1")).name()).isEqualTo("web");
  }

  @Test
  void createOfAService_showsItsClusterIp_andKeepsNone() {
    Resource service = Fixtures.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"ports":[{"port":80}],"selector":{"app":"web"}}}""");
    String dryIp = server.create(ADMIN, service, DRY).spec().path("clusterIP").asText();
    String realIp = server.create(ADMIN, service).spec().path("clusterIP").asText();
    assertThat(dryIp).isNotEmpty().isEqualTo(realIp);
  }

  @Test
  void updatePatchAndApply_answerTheNewState_withTheStoredVersion_andChangeNothing() {
    Resource stored = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"));
    long revision = server.revision();

    Resource updated = server.update(ADMIN, stored.edit(t -> ((ObjectNode) t.at("/spec/template/spec/containers/0"))
        .put("image", "nginx:2")), DRY);
    assertThat(updated.spec().at("/template/spec/containers/0/image").asText()).isEqualTo("nginx:2");
    assertThat(updated.generation()).isEqualTo(stored.generation() + 1);
    assertThat(updated.resourceVersion()).isEqualTo(stored.resourceVersion());

    Resource patched = server.patch(ADMIN, stored.key(), PatchType.MERGE, Json.parse("{\"spec\":{\"replicas\":4}}"),
        PatchOptions.defaults().withDryRun(true));
    assertThat(patched.spec().path("replicas").asInt()).isEqualTo(4);

    Resource applied = server.patch(ADMIN, stored.key(), PatchType.APPLY, Json.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"replicas":7}}"""), PatchOptions.apply("kubectl", true).withDryRun(true));
    assertThat(applied.spec().path("replicas").asInt()).isEqualTo(7);
    assertThat(applied.metadata().path("managedFields").toString()).contains("\"manager\":\"kubectl\"");

    assertThat(server.revision()).isEqualTo(revision);
    assertThat(server.get(ADMIN, stored.key()).json()).isEqualTo(stored.json());
  }

  @Test
  void delete_answersWhatItWouldDo_andRemovesAndMarksNothing() {
    Resource plain = server.create(ADMIN, Fixtures.configMap("default", "plain", "1"));
    Resource held = server.create(ADMIN, Fixtures.configMap("default", "held", "1")
        .edit(t -> t.with("metadata").putArray("finalizers").add("example.com/hold")));
    long revision = server.revision();

    DeleteResult gone = server.delete(ADMIN, plain.key(), DeleteParams.defaults().withDryRun(true));
    assertThat(gone.deleted()).isTrue();
    DeleteResult marked = server.delete(ADMIN, held.key(), DeleteParams.defaults().withDryRun(true));
    assertThat(marked.deleted()).isFalse();
    assertThat(marked.object().deletionTimestamp()).isNotNull();

    assertThat(server.revision()).isEqualTo(revision);
    assertThat(server.get(ADMIN, plain.key()).json()).isEqualTo(plain.json());
    assertThat(server.get(ADMIN, held.key()).deletionTimestamp()).isNull();
  }

  @Test
  void anInvalidObject_failsTheDryRunAsItWouldFailTheWrite() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "Not_A_Name", "1"), DRY))
        .isInstanceOf(BackendException.Invalid.class).hasMessageContaining("Not_A_Name");
  }
}
