package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static dev.converge.testkit.contract.ContractSupport.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.testkit.KubeObjects;
import org.junit.jupiter.api.Test;

/**
 * Create, read, update and delete through the SPI: server fields on every stored object, {@code AlreadyExists}
 * for a taken name, {@code NotFound} for an absent object, namespace or kind, optimistic concurrency ({@code
 * Conflict} on a stale {@code resourceVersion}), versions that move forward with every write, and
 * cluster-scoped objects beside namespaced ones.
 */
public interface CrudContract extends ContractSupport {

  @Test
  default void create_returnsTheStoredObject_withUidVersionAndCreationTimestamp() {
    requires(Capability.CREATE);
    Resource stored = backend().create(configMap("settings", "level", "info"));
    assertThat(stored.key()).isEqualTo(configMapKey("settings"));
    assertThat(stored.uid()).as("uid").isNotEmpty();
    assertThat(stored.resourceVersion()).as("resourceVersion").isNotEmpty();
    assertThat(stored.metadata().path("creationTimestamp").asText()).as("creationTimestamp").isNotEmpty();
    assertThat(stored.json().path("data").path("level").asText()).isEqualTo("info");
    assertThat(live(stored.key())).isEqualTo(stored);
  }

  @Test
  default void create_ofATakenName_isAlreadyExists_andKeepsTheFirstObject() {
    requires(Capability.CREATE);
    Resource first = backend().create(configMap("settings", "level", "info"));
    BackendException.AlreadyExists taken =
        failure(BackendException.AlreadyExists.class, () -> backend().create(configMap("settings", "level", "debug")));
    assertThat(taken.code()).isEqualTo(409);
    assertThat(taken.isRetryable()).isFalse();
    assertThat(live(first.key()).json().path("data").path("level").asText()).isEqualTo("info");
  }

  @Test
  default void create_inANamespaceThatDoesNotExist_isNotFound() {
    requires(Capability.CREATE);
    requires(Capability.NAMESPACE_LIFECYCLE); // the NamespaceLifecycle admission plugin refuses it
    BackendException.NotFound missing = failure(BackendException.NotFound.class,
        () -> backend().create(KubeObjects.configMap(ns() + "-absent", "settings", "level", "info")));
    assertThat(missing.code()).isEqualTo(404);
  }

  @Test
  default void get_ofAnAbsentObject_isEmpty_butOfAKindNotServed_isNotFound() {
    assertThat(backend().get(configMapKey("absent"))).isEmpty();
    failure(BackendException.NotFound.class,
        () -> backend().get(ResourceKey.namespaced("contract.converge.dev", "Unserved", ns(), "x")));
    failure(BackendException.NotFound.class,
        () -> backend().list(ListRequest.all(GroupKind.of("contract.converge.dev", "Unserved"))));
  }

  @Test
  default void update_withTheCurrentVersion_replacesTheObject_andMovesTheVersionForward() {
    Resource stored = put(configMap("settings", "level", "info"));
    Resource updated = backend().update(stored.edit(t -> t.withObjectProperty("data").put("level", "debug")));
    assertThat(updated.json().path("data").path("level").asText()).isEqualTo("debug");
    assertThat(version(updated)).isGreaterThan(version(stored));
    assertThat(updated.uid()).isEqualTo(stored.uid());
    assertThat(live(stored.key())).isEqualTo(updated);
  }

  @Test
  default void update_withAStaleVersion_isARetryableConflict_andChangesNothing() {
    Resource stored = put(configMap("settings", "level", "info"));
    Resource current = backend().update(stored.edit(t -> t.withObjectProperty("data").put("level", "debug")));
    BackendException.Conflict conflict = failure(BackendException.Conflict.class,
        () -> backend().update(stored.edit(t -> t.withObjectProperty("data").put("level", "warn"))));
    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.isRetryable()).as("a stale version is retryable after a re-read").isTrue();
    assertThat(conflict.fieldConflicts()).isEmpty();
    assertThat(live(stored.key())).isEqualTo(current);
  }

  @Test
  default void update_ofAnAbsentObject_isNotFound() {
    Resource stored = put(configMap("settings", "level", "info"));
    backend().delete(stored.key(), DeleteOptions.background());
    failure(BackendException.NotFound.class, () -> backend().update(stored));
  }

  @Test
  default void delete_reportsWhetherTheObjectExisted_andTheObjectIsGone() {
    Resource stored = put(configMap("settings", "level", "info"));
    assertThat(backend().delete(stored.key(), DeleteOptions.background())).isTrue();
    assertThat(backend().get(stored.key())).isEmpty();
    assertThat(backend().delete(stored.key(), DeleteOptions.background())).isFalse();
  }

  @Test
  default void everyWrite_movesTheVersionForward_acrossObjects() {
    Resource a = put(configMap("a", "k", "1"));
    Resource b = put(configMap("b", "k", "1"));
    Resource a2 = put(configMap("a", "k", "2"));
    assertThat(version(b)).isGreaterThan(version(a));
    assertThat(version(a2)).isGreaterThan(version(b));
  }

  @Test
  default void clusterScopedObjects_haveNoNamespace_andAreReadAndListedLikeOthers() {
    Resource role = put(KubeObjects.clusterRole(ns() + "-reader"));
    assertThat(role.key()).isEqualTo(ResourceKey.cluster("rbac.authorization.k8s.io", "ClusterRole", ns() + "-reader"));
    assertThat(role.namespace()).isEmpty();
    assertThat(live(role.key())).isEqualTo(role);
    assertThat(backend().list(ListRequest.all(role.groupKind())).items()).contains(role);
  }

  @Test
  default void list_inANamespace_returnsItsObjectsOnly_orderedByName() {
    put(KubeObjects.namespace(ns() + "-other"));
    put(KubeObjects.configMap(ns() + "-other", "elsewhere", "k", "1"));
    Resource b = put(configMap("b", "k", "1"));
    Resource a = put(configMap("a", "k", "1"));
    assertThat(backend().list(ListRequest.all(CONFIG_MAP).inNamespace(ns())).items())
        .filteredOn(o -> !o.name().equals("kube-root-ca.crt")) // Kubernetes' root-CA publisher adds one per namespace
        .containsExactly(a, b);
  }
}
