package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.GroupKind;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.DeleteResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Owner-reference garbage collection with each propagation policy, run to completion after each request:
 * background deletes dependents after the owner; foreground keeps the owner (with {@code foregroundDeletion})
 * until its blocking dependents are gone; orphan strips the owner reference and keeps the dependents; an
 * object with another live owner survives.
 */
class GarbageCollectionTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 3);
  private final ApiServer server = cluster.server();

  private Resource owner(String name) {
    return server.create(ADMIN, Fixtures.configMap("default", name, "owner"));
  }

  private Resource dependent(String name, boolean block, Resource... owners) {
    StringBuilder refs = new StringBuilder();
    for (Resource owner : owners) {
      if (refs.length() > 0) {
        refs.append(',');
      }
      refs.append("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"").append(owner.name())
          .append("\",\"uid\":\"").append(owner.uid()).append("\",\"blockOwnerDeletion\":").append(block).append('}');
    }
    return server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
        + name + "\",\"namespace\":\"default\",\"ownerReferences\":[" + refs + "]}}"));
  }

  private List<String> configMaps() {
    // Every namespace also holds the root CA publisher's kube-root-ca.crt, which no test here owns.
    return server.list(ADMIN, ListRequest.all(GroupKind.of("", "ConfigMap")).inNamespace("default")).items()
        .stream().map(Resource::name).filter(name -> !name.equals("kube-root-ca.crt")).toList();
  }

  @Test
  void background_deletesTheOwnerThenItsDependentsAndTheirDependents() {
    Resource owner = owner("owner");
    Resource child = dependent("child", false, owner);
    dependent("grandchild", false, child);
    dependent("other", false, owner("unrelated"));
    DeleteResult result = server.delete(ADMIN, owner.key(), DeleteParams.of(Propagation.BACKGROUND));
    assertThat(result.deleted()).isTrue();
    assertThat(configMaps()).containsExactly("other", "unrelated");
  }

  @Test
  void foreground_deletesDependentsFirst_andTheOwnerWhenNoBlockingDependentRemains() {
    Resource owner = owner("owner");
    Resource child = dependent("child", true, owner);
    server.update(ADMIN, child.edit(t -> t.with("metadata").putArray("finalizers").add("example.com/hold")));
    DeleteResult result = server.delete(ADMIN, owner.key(), DeleteParams.of(Propagation.FOREGROUND));
    assertThat(result.deleted()).isFalse();
    Resource waiting = Fixtures.get(server, owner.key());
    assertThat(waiting.finalizers()).containsExactly("foregroundDeletion");
    assertThat(Fixtures.get(server, child.key()).isBeingDeleted()).isTrue();

    Resource held = Fixtures.get(server, child.key());
    server.update(ADMIN, held.edit(t -> t.with("metadata").remove("finalizers")));
    assertThat(configMaps()).isEmpty();
  }

  @Test
  void foreground_doesNotWaitForNonBlockingDependents_butDeletesThem() {
    Resource owner = owner("owner");
    Resource child = dependent("child", false, owner);
    server.update(ADMIN, child.edit(t -> t.with("metadata").putArray("finalizers").add("example.com/hold")));
    server.delete(ADMIN, owner.key(), DeleteParams.of(Propagation.FOREGROUND));
    assertThat(configMaps()).containsExactly("child");
    assertThat(Fixtures.get(server, child.key()).isBeingDeleted()).isTrue();
  }

  @Test
  void orphan_removesTheOwnerReference_andKeepsTheDependents() {
    Resource owner = owner("owner");
    Resource child = dependent("child", true, owner);
    DeleteResult result = server.delete(ADMIN, owner.key(), DeleteParams.of(Propagation.ORPHAN));
    assertThat(result.deleted()).isFalse();
    assertThat(configMaps()).containsExactly("child");
    assertThat(Fixtures.get(server, child.key()).ownerReferences()).isEmpty();
  }

  @Test
  void dependentWithAnotherLiveOwner_survives_andLosesTheDanglingReference() {
    Resource first = owner("first");
    Resource second = owner("second");
    Resource child = dependent("child", false, first, second);
    server.delete(ADMIN, first.key(), DeleteParams.of(Propagation.BACKGROUND));
    Resource survivor = Fixtures.get(server, child.key());
    assertThat(survivor.ownerReferences()).extracting(ref -> ref.name()).containsExactly("second");
  }

  @Test
  void objectCreatedWithAnAbsentOwner_isCollected() {
    Resource owner = owner("owner");
    server.delete(ADMIN, owner.key(), DeleteParams.defaults());
    dependent("late", false, owner);
    assertThat(configMaps()).isEmpty();
  }

  @Test
  void gcRequests_areMadeAsTheGarbageCollectorServiceAccount() {
    Resource owner = owner("owner");
    dependent("child", false, owner);
    cluster.requests().clear();
    server.delete(ADMIN, owner.key(), DeleteParams.defaults());
    assertThat(cluster.requests().count("system:serviceaccount:kube-system:generic-garbage-collector", "delete"))
        .isEqualTo(1);
    assertThat(cluster.requests().count("system:admin", "delete")).isEqualTo(1);
  }


  @Test
  void clusterScopedDependentOfANamespacedOwner_isNeverCollected() {
    Resource owner = owner("owner");
    server.create(ADMIN, Fixtures.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\","
        + "\"metadata\":{\"name\":\"agent\",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"name\":\"owner\",\"uid\":\"" + owner.uid() + "\"}]},\"rules\":[]}"));
    server.delete(ADMIN, owner.key(), DeleteParams.defaults());
    assertThat(server.get(ADMIN, dev.converge.api.ResourceKey.cluster("rbac.authorization.k8s.io", "ClusterRole", "agent"))
        .name()).isEqualTo("agent");
  }
}
