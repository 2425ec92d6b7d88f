package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.ApiServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Storage semantics of the generic registry: a global monotonic resourceVersion, seeded uids, creation
 * timestamps from the ticker, generation moving with the spec only, optimistic concurrency, no-op updates
 * that write nothing, and Kubernetes' error messages.
 */
class StorageSemanticsTest {
  private final TestTicker ticker = new TestTicker();
  private final InMemoryCluster cluster = InMemoryCluster.create(ticker, 42);
  private final ApiServer server = cluster.server();

  @Test
  void resourceVersion_isGlobalAndMonotonicAcrossObjects() {
    long start = server.revision();
    Resource a = server.create(ADMIN, Fixtures.configMap("default", "a", "1"));
    Resource b = server.create(ADMIN, Fixtures.configMap("default", "b", "1"));
    Resource a2 = server.update(ADMIN, a.edit(t -> t.with("data").put("key", "2")));
    assertThat(a.resourceVersion()).isEqualTo(Long.toString(start + 1));
    assertThat(b.resourceVersion()).isEqualTo(Long.toString(start + 2));
    assertThat(a2.resourceVersion()).isEqualTo(Long.toString(start + 3));
    assertThat(Fixtures.get(server, Fixtures.cm("default", "a")).resourceVersion()).isEqualTo(a2.resourceVersion());
  }

  @Test
  void uids_areDeterministicForASeed_andDifferAcrossSeeds() {
    String first = InMemoryCluster.create(new TestTicker(), 7).server()
        .create(ADMIN, Fixtures.configMap("default", "x", "1")).uid();
    String again = InMemoryCluster.create(new TestTicker(), 7).server()
        .create(ADMIN, Fixtures.configMap("default", "x", "1")).uid();
    String other = InMemoryCluster.create(new TestTicker(), 8).server()
        .create(ADMIN, Fixtures.configMap("default", "x", "1")).uid();
    assertThat(first).isEqualTo(again).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void creationTimestamp_comesFromTheTicker_inWholeSeconds() {
    ticker.advance(Duration.ofMillis(90_500));
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "t", "1"));
    assertThat(created.metadata().path("creationTimestamp").asText()).isEqualTo("2026-01-01T00:01:30Z");
  }

  @Test
  void generation_startsAtOne_andMovesOnSpecChangesOnly() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    assertThat(created.generation()).isEqualTo(1);
    Resource labelled = server.update(ADMIN, created.withLabel("team", "a"));
    assertThat(labelled.generation()).isEqualTo(1);
    assertThat(labelled.resourceVersion()).isNotEqualTo(created.resourceVersion());
    Resource changed = server.update(ADMIN, labelled.edit(t ->
        t.with("spec").put("replicas", 3)));
    assertThat(changed.generation()).isEqualTo(2);
    Resource status = server.updateStatus(ADMIN, changed.edit(t -> t.with("status").put("replicas", 3)));
    assertThat(status.generation()).isEqualTo(2);
  }

  @Test
  void generation_isAbsentForKindsWithoutOne() {
    Resource cm = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    Resource updated = server.update(ADMIN, cm.edit(t -> t.with("data").put("key", "2")));
    assertThat(cm.metadata().has("generation")).isFalse();
    assertThat(updated.metadata().has("generation")).isFalse();
  }

  @Test
  void update_withStaleResourceVersion_isAConflictWithKubernetesMessage() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    server.update(ADMIN, created.edit(t -> t.with("data").put("key", "2")));
    assertThatThrownBy(() -> server.update(ADMIN, created.edit(t -> t.with("data").put("key", "3"))))
        .isInstanceOf(BackendException.Conflict.class)
        .hasMessage("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; "
            + "please apply your changes to the latest version and try again");
  }

  @Test
  void update_thatChangesNothing_writesNothing() {
    Resource created = server.create(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27"));
    long revision = server.revision();
    Resource same = server.update(ADMIN, Fixtures.deployment("default", "web", "nginx:1.27")
        .edit(t -> t.with("metadata").put("resourceVersion", created.resourceVersion())));
    assertThat(same).isEqualTo(created);
    assertThat(server.revision()).isEqualTo(revision);
  }

  @Test
  void update_keepsServerOwnedMetadata() {
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "c", "1"));
    Resource updated = server.update(ADMIN, Fixtures.configMap("default", "c", "2"));
    assertThat(updated.uid()).isEqualTo(created.uid());
    assertThat(updated.metadata().path("creationTimestamp")).isEqualTo(created.metadata().path("creationTimestamp"));
  }

  @Test
  void create_ofAnExistingName_isAlreadyExists() {
    server.create(ADMIN, Fixtures.deployment("default", "web", "nginx"));
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.deployment("default", "web", "nginx")))
        .isInstanceOf(BackendException.AlreadyExists.class)
        .hasMessage("deployments.apps \"web\" already exists");
  }

  @Test
  void create_ofATakenName_isFoundTakenWhereEtcdFindsIt_afterAdmissionAndValidation() {
    server.create(ADMIN, Fixtures.configMap("default", "settings", "1"));
    List<String> calls = new ArrayList<>();
    server.admission().register(AdmissionPlugin.mutating("count.example.com", request -> {
      calls.add("mutating " + request.operation() + " " + request.name());
      return Verdict.allow();
    }));
    server.admission().register(AdmissionPlugin.validating("observe.example.com", request -> {
      calls.add("validating " + request.operation() + " " + request.name() + " uid=" + !request.object().uid().isEmpty());
      return Verdict.allow();
    }));
    // registry.Store.create: BeforeCreate (uid, strategy validation) and the validating webhooks come before
    // etcd's "key exists", so the webhooks see the create, and an invalid object is a 422 whatever its name.
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "settings", "2")))
        .isInstanceOf(BackendException.AlreadyExists.class)
        .hasMessage("configmaps \"settings\" already exists")
        .satisfies(e -> assertThat(((BackendException.AlreadyExists) e).retryAfter()).isZero());
    assertThat(calls).containsExactly("mutating CREATE settings", "validating CREATE settings uid=true");
    Resource invalid = Fixtures.configMap("default", "settings", "3").edit(t -> t.with("data").put("bad key!", "x"));
    assertThatThrownBy(() -> server.create(ADMIN, invalid))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessageStartingWith("ConfigMap \"settings\" is invalid: data: Invalid value: \"bad key!\"");
    assertThat(server.get(ADMIN, Fixtures.cm("default", "settings")).json().at("/data/key").asText()).isEqualTo("1");
  }

  @Test
  void create_ofANameHeldByAnObjectBeingDeleted_saysSo() {
    server.create(ADMIN, Fixtures.configMap("default", "held", "1").edit(t -> t.with("metadata").putArray("finalizers").add("example.com/hold")));
    server.delete(ADMIN, Fixtures.cm("default", "held"), DeleteParams.defaults());
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "held", "2")))
        .isInstanceOf(BackendException.AlreadyExists.class)
        .hasMessage("object is being deleted: configmaps \"held\" already exists");
  }

  @Test
  void create_withANameAndAGenerateName_thatIsTaken_isAGenerateNameConflict() {
    server.create(ADMIN, Fixtures.configMap("default", "web-abcde", "1"));
    // rest.CheckGeneratedNameError looks at generateName only: the name given wins, and its conflict is reported as
    // the server's failure to generate one (errors.NewGenerateNameConflict, retry after 1 s).
    Resource both = Fixtures.configMap("default", "web-abcde", "2").edit(t -> t.with("metadata").put("generateName", "web-"));
    assertThatThrownBy(() -> server.create(ADMIN, both))
        .isInstanceOf(BackendException.AlreadyExists.class)
        .hasMessage("configmaps \"web-abcde\" already exists, the server was not able to generate a unique name for the object")
        .satisfies(e -> assertThat(((BackendException.AlreadyExists) e).retryAfter()).isEqualTo(Duration.ofSeconds(1)));
  }

  @Test
  void get_ofAMissingObject_isNotFoundWithKubernetesMessage() {
    assertThatThrownBy(() -> server.get(ADMIN, Fixtures.deploymentKey("default", "web")))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessage("deployments.apps \"web\" not found");
  }

  @Test
  void create_inAMissingNamespace_isNamespaceNotFound() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("nowhere", "c", "1")))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessage("namespaces \"nowhere\" not found");
  }

  @Test
  void create_withAResourceVersion_isRefused() {
    Resource withVersion = Fixtures.configMap("default", "c", "1")
        .edit(t -> t.with("metadata").put("resourceVersion", "5"));
    assertThatThrownBy(() -> server.create(ADMIN, withVersion))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("resourceVersion should not be set on objects to be created");
  }

  @Test
  void unknownKind_isNotServed() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(
        "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\",\"namespace\":\"default\"}}")))
        .isInstanceOf(BackendException.NotFound.class)
        .hasMessage("the server could not find the requested resource");
  }
}
