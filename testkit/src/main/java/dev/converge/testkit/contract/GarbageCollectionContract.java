package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static dev.converge.testkit.contract.ContractSupport.withFinalizer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.OwnerReference;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.testkit.KubeObjects;
import org.junit.jupiter.api.Test;

/**
 * Owner references and namespaces: background deletion removes dependents after the owner; foreground keeps
 * the owner (marked, with {@code foregroundDeletion}) until its blocking dependents are gone; orphan keeps the
 * dependents and strips the reference; a dependent with another live owner survives; deleting a namespace
 * removes its contents, keeps it Terminating while content remains, refuses new content, then removes it.
 */
public interface GarbageCollectionContract extends ContractSupport {

  /** {@code dependent} with a blocking owner reference to each of {@code owners}. */
  private static Resource ownedBy(Resource dependent, Resource... owners) {
    return dependent.edit(tree -> {
      var refs = tree.withObjectProperty("metadata").withArrayProperty("ownerReferences");
      for (Resource owner : owners) {
        OwnerReference ref = OwnerReference.controllerOf(owner);
        ObjectNode node = refs.addObject();
        node.put("apiVersion", ref.apiVersion()).put("kind", ref.kind()).put("name", ref.name()).put("uid", ref.uid())
            .put("blockOwnerDeletion", true);
      }
    });
  }

  @Test
  default void backgroundDeletion_removesTheOwner_thenItsDependents() {
    requires(Capability.GARBAGE_COLLECTION);
    Resource owner = put(configMap("owner", "k", "1"));
    Resource dependent = put(ownedBy(configMap("dependent", "k", "1"), owner));
    backend().delete(owner.key(), DeleteOptions.of(Propagation.BACKGROUND));
    assertThat(exists(owner.key())).as("owner right after a background delete").isFalse();
    eventually("the dependent collected", () -> !exists(dependent.key()));
  }

  @Test
  default void foregroundDeletion_keepsTheOwnerUntilItsBlockingDependentsAreGone() {
    requires(Capability.GARBAGE_COLLECTION);
    requires(Capability.FINALIZERS);
    Resource owner = put(configMap("owner", "k", "1"));
    Resource dependent = put(withFinalizer(ownedBy(configMap("dependent", "k", "1"), owner), HOLD));
    backend().delete(owner.key(), DeleteOptions.of(Propagation.FOREGROUND));
    eventually("the dependent marked for deletion", () -> live(dependent.key()).isBeingDeleted());
    Resource waiting = live(owner.key());
    assertThat(waiting.isBeingDeleted()).isTrue();
    assertThat(waiting.finalizers()).containsExactly("foregroundDeletion");
    dropFinalizers(dependent.key());
    eventually("dependent and owner gone", () -> !exists(dependent.key()) && !exists(owner.key()));
  }

  @Test
  default void orphanDeletion_keepsTheDependents_withoutTheReference() {
    requires(Capability.GARBAGE_COLLECTION);
    Resource owner = put(configMap("owner", "k", "1"));
    Resource dependent = put(ownedBy(configMap("dependent", "k", "1"), owner));
    backend().delete(owner.key(), DeleteOptions.of(Propagation.ORPHAN));
    eventually("the owner gone", () -> !exists(owner.key()));
    Resource orphan = live(dependent.key());
    assertThat(orphan.uid()).isEqualTo(dependent.uid());
    assertThat(orphan.ownerReferences()).isEmpty();
  }

  @Test
  default void dependentWithAnotherLiveOwner_survives() {
    requires(Capability.GARBAGE_COLLECTION);
    Resource first = put(configMap("first", "k", "1"));
    Resource second = put(configMap("second", "k", "1"));
    Resource shared = put(ownedBy(configMap("shared", "k", "1"), first, second));
    backend().delete(first.key(), DeleteOptions.background());
    eventually("the reference to the deleted owner dropped", () -> live(shared.key()).ownerReferences().size() == 1);
    assertThat(live(shared.key()).ownerReferences()).extracting(OwnerReference::uid).containsExactly(second.uid());
  }

  @Test
  default void deletingANamespace_removesItsContents_thenTheNamespace() {
    requires(Capability.NAMESPACE_LIFECYCLE);
    String doomed = ns() + "-doomed";
    Resource namespace = put(KubeObjects.namespace(doomed));
    Resource content = put(KubeObjects.configMap(doomed, "content", "k", "1"));
    assertThat(backend().delete(namespace.key(), DeleteOptions.background())).isTrue();
    eventually("namespace " + doomed + " and its contents gone", () -> !exists(content.key()) && !exists(namespace.key()));
  }

  @Test
  default void terminatingNamespace_refusesNewContent_untilItsLastObjectGoes() {
    requires(Capability.NAMESPACE_LIFECYCLE);
    requires(Capability.FINALIZERS);
    String doomed = ns() + "-doomed";
    Resource namespace = put(KubeObjects.namespace(doomed));
    Resource held = put(withFinalizer(KubeObjects.configMap(doomed, "held", "k", "1"), HOLD));
    backend().delete(namespace.key(), DeleteOptions.background());
    eventually("the held object marked", () -> live(held.key()).isBeingDeleted());
    Resource terminating = live(namespace.key());
    assertThat(terminating.status().path("phase").asText()).isEqualTo("Terminating");
    failure(BackendException.Forbidden.class, () -> put(KubeObjects.configMap(doomed, "late", "k", "1")));
    dropFinalizers(held.key());
    eventually("namespace " + doomed + " gone", () -> !exists(namespace.key()));
    assertThat(exists(ResourceKey.namespaced("", "ConfigMap", doomed, "late"))).isFalse();
  }
}
