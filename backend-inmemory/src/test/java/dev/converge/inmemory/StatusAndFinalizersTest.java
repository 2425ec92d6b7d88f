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
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The status subresource separates spec and status writes; finalizers hold a deleted object (marked with
 * {@code deletionTimestamp}, generation bumped) until the last one is removed; no finalizer may be added to
 * an object being deleted; pods on a node are deleted gracefully.
 */
class StatusAndFinalizersTest {
  private final TestTicker ticker = new TestTicker();
  private final InMemoryCluster cluster = InMemoryCluster.create(ticker, 1);
  private final ApiServer server = cluster.server();
  private static final Resource REPLICA_SET = Fixtures.parse("""
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"rs","namespace":"default"},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"rs"}},
          "template":{"metadata":{"labels":{"app":"rs"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}""");

  @Test
  void mainUpdate_ignoresStatus_andStatusUpdate_ignoresEverythingElse() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"));
    Resource withStatus = server.updateStatus(ADMIN, created.edit(t -> {
      ((ObjectNode) t.get("status")).put("replicas", 2);
      t.with("spec").put("replicas", 9);
      t.with("metadata").with("labels").put("sneaky", "yes");
    }));
    assertThat(withStatus.status().path("replicas").asInt()).isEqualTo(2);
    assertThat(withStatus.spec().path("replicas").asInt()).isEqualTo(1);
    assertThat(withStatus.labels()).doesNotContainKey("sneaky");

    Resource mainUpdate = server.update(ADMIN, withStatus.edit(t -> {
      ((ObjectNode) t.get("status")).put("replicas", 7);
      t.with("spec").put("replicas", 3);
    }));
    assertThat(mainUpdate.status().path("replicas").asInt()).isEqualTo(2);
    assertThat(mainUpdate.spec().path("replicas").asInt()).isEqualTo(3);
  }

  @Test
  void removingTheLastFinalizer_orLabel_leavesNoEmptyListOrMapStored_asGoOmitsThem() {
    server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","namespace":"default",
         "labels":{"a":"b"},"finalizers":["example.com/hold"]}}"""));
    Resource patched = server.patch(ADMIN, dev.converge.api.ResourceKey.namespaced("", "ConfigMap", "default", "held"),
        PatchType.STRATEGIC, Json.parse("""
            {"metadata":{"$deleteFromPrimitiveList/finalizers":["example.com/hold"],"labels":{"a":null}}}"""),
        PatchOptions.defaults());
    assertThat(patched.metadata().has("finalizers")).isFalse();
    assertThat(patched.metadata().has("labels")).isFalse();
    Resource updated = server.update(ADMIN, patched.edit(t -> t.with("metadata").putArray("ownerReferences")));
    assertThat(updated.metadata().has("ownerReferences")).isFalse();
  }

  @Test
  void statusWrites_keepTheCallersMetadata_asEachKindsStatusStrategyDoes() {
    // Deployment: spec and labels reset, annotations (the controller's revision) kept.
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"));
    Resource written = server.updateStatus(ADMIN, d.edit(t -> {
      t.with("metadata").with("annotations").put("deployment.kubernetes.io/revision", "1");
      t.with("metadata").with("labels").put("sneaky", "yes");
    }));
    assertThat(written.annotations()).containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(written.labels()).doesNotContainKey("sneaky");
    assertThat(written.generation()).as("status writes keep the generation").isEqualTo(d.generation());

    // ReplicaSet: only the spec is reset.
    Resource rs = server.create(ADMIN, REPLICA_SET);
    Resource relabeled = server.updateStatus(ADMIN, rs.edit(t -> {
      t.with("metadata").with("labels").put("tier", "web");
      t.with("spec").put("replicas", 5);
    }));
    assertThat(relabeled.labels()).containsEntry("tier", "web");
    assertThat(relabeled.spec().path("replicas").asInt()).isEqualTo(1);

    // A merge patch of the status subresource goes through the same strategy.
    Resource patched = server.patch(ADMIN, rs.key(), PatchType.MERGE,
        Json.parse("{\"metadata\":{\"annotations\":{\"a\":\"b\"}},\"status\":{\"replicas\":0}}"),
        PatchOptions.defaults().onStatus());
    assertThat(patched.annotations()).containsEntry("a", "b");
  }

  @Test
  void aDeploymentsGeneration_followsItsAnnotations_andOtherKindsDoNot() {
    Resource d = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1"));
    Resource annotated = server.update(ADMIN, d.edit(t -> t.with("metadata").with("annotations").put("note", "hi")));
    assertThat(annotated.generation()).isEqualTo(d.generation() + 1);
    Resource emptied = server.update(ADMIN, annotated.edit(t -> t.with("metadata").remove("annotations")));
    assertThat(emptied.generation()).isEqualTo(annotated.generation() + 1);
    Resource relabeled = server.update(ADMIN, emptied.edit(t -> t.with("metadata").with("labels").put("x", "y")));
    assertThat(relabeled.generation()).as("labels are not annotations").isEqualTo(emptied.generation());
    Resource withEmpty = server.update(ADMIN, relabeled.edit(t -> t.with("metadata").putObject("annotations")));
    assertThat(withEmpty.generation()).as("no annotations and empty ones are the same").isEqualTo(relabeled.generation());

    Resource rs = server.create(ADMIN, REPLICA_SET);
    assertThat(server.update(ADMIN, rs.edit(t -> t.with("metadata").with("annotations").put("note", "hi"))).generation())
        .isEqualTo(rs.generation());
  }

  @Test
  void create_clearsTheStatusOfKindsWithAStatusSubresource() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1")
        .edit(t -> t.putObject("status").put("replicas", 5)));
    assertThat(created.status().toString()).isEqualTo("{}");
  }

  @Test
  void statusUpdate_ofAKindWithoutStatusSubresource_isNotFound() {
    Resource cm = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThatThrownBy(() -> server.updateStatus(ADMIN, cm))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessage("the server could not find the requested resource");
  }

  @Test
  void delete_withAFinalizer_marksTheObject_andRemovingTheLastFinalizerDeletesIt() {
    ticker.advance(Duration.ofSeconds(5));
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1")
        .edit(t -> t.with("metadata").putArray("finalizers").add("example.com/keep")));
    DeleteResult marked = server.delete(ADMIN, created.key(), DeleteParams.defaults());
    assertThat(marked.deleted()).isFalse();
    assertThat(marked.object().deletionTimestamp()).isEqualTo("2026-01-01T00:00:05Z");
    assertThat(marked.object().metadata().path("deletionGracePeriodSeconds").asInt()).isEqualTo(0);
    assertThat(marked.object().generation()).isEqualTo(2);
    assertThat(Fixtures.get(server, created.key()).isBeingDeleted()).isTrue();

    DeleteResult again = server.delete(ADMIN, created.key(), DeleteParams.defaults());
    assertThat(again.object().resourceVersion()).isEqualTo(marked.object().resourceVersion());

    server.update(ADMIN, marked.object().edit(t -> t.with("metadata").remove("finalizers")));
    assertThatThrownBy(() -> server.get(ADMIN, created.key())).isInstanceOf(BackendException.NotFound.class);
  }

  @Test
  void addingAFinalizer_toAnObjectBeingDeleted_isForbidden() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1")
        .edit(t -> t.with("metadata").putArray("finalizers").add("a.example.com/x")));
    Resource marked = server.delete(ADMIN, created.key(), DeleteParams.defaults()).object();
    assertThatThrownBy(() -> server.update(ADMIN, marked.edit(t ->
        t.with("metadata").withArray("finalizers").add("b.example.com/y"))))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageContaining("metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted");
  }

  @Test
  void delete_withoutFinalizers_removesAtOnce() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    DeleteResult result = server.delete(ADMIN, created.key(), DeleteParams.defaults());
    assertThat(result.deleted()).isTrue();
    assertThat(Long.parseLong(result.object().resourceVersion())).isEqualTo(server.revision());
  }

  @Test
  void delete_preconditions_areConflicts() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    assertThatThrownBy(() -> server.delete(ADMIN, created.key(), DeleteParams.defaults().withUid("other")))
        .isInstanceOf(BackendException.Conflict.class)
        .hasMessage("Operation cannot be fulfilled on ConfigMap \"c\": the UID in the precondition (other) does not "
            + "match the UID in record (" + created.uid() + "). The object might have been deleted and then recreated");
    assertThatThrownBy(() -> server.delete(ADMIN, created.key(), DeleteParams.defaults().withResourceVersion("1")))
        .isInstanceOf(BackendException.Conflict.class);
  }

  @Test
  void podOnANode_isDeletedGracefully_untilDeletedWithGracePeriodZero() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", "node-1"));
    DeleteResult first = server.delete(ADMIN, pod.key(), DeleteParams.defaults());
    assertThat(first.deleted()).isFalse();
    assertThat(first.object().deletionTimestamp()).isEqualTo("2026-01-01T00:00:30Z");
    assertThat(first.object().metadata().path("deletionGracePeriodSeconds").asInt()).isEqualTo(30);
    DeleteResult kubelet = server.delete(ADMIN, pod.key(), DeleteParams.defaults().withGracePeriod(0));
    assertThat(kubelet.deleted()).isTrue();
  }

  @Test
  void unscheduledPod_isDeletedAtOnce() {
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "p", ""));
    assertThat(server.delete(ADMIN, pod.key(), DeleteParams.defaults()).deleted()).isTrue();
  }
}
