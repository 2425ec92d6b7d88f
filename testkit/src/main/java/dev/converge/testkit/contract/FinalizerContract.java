package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static dev.converge.testkit.contract.ContractSupport.withFinalizer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import org.junit.jupiter.api.Test;

/**
 * Finalizers, {@code deletionTimestamp} and delete preconditions: an object with a finalizer is only marked
 * by a delete and stays readable; deleting it again changes nothing; it goes when its last finalizer is
 * removed; no finalizer may be added once it is marked; a uid or resourceVersion precondition that does not
 * match is a {@code Conflict} and deletes nothing.
 */
public interface FinalizerContract extends ContractSupport {

  @Test
  default void delete_ofAnObjectWithAFinalizer_onlyMarksIt() {
    requires(Capability.FINALIZERS);
    Resource held = put(withFinalizer(configMap("held", "k", "1"), HOLD));
    assertThat(backend().delete(held.key(), DeleteOptions.background())).isTrue();
    Resource marked = live(held.key());
    assertThat(marked.isBeingDeleted()).as("deletionTimestamp set").isTrue();
    assertThat(marked.finalizers()).containsExactly(HOLD);
    assertThat(marked.uid()).isEqualTo(held.uid());
  }

  @Test
  default void deletingAMarkedObjectAgain_changesNothing() {
    requires(Capability.FINALIZERS);
    Resource held = put(withFinalizer(configMap("held", "k", "1"), HOLD));
    backend().delete(held.key(), DeleteOptions.background());
    Resource marked = live(held.key());
    assertThat(backend().delete(held.key(), DeleteOptions.background())).isTrue();
    assertThat(live(held.key()).deletionTimestamp()).isEqualTo(marked.deletionTimestamp());
  }

  @Test
  default void removingTheLastFinalizer_ofAMarkedObject_deletesIt() {
    requires(Capability.FINALIZERS);
    Resource held = put(withFinalizer(configMap("held", "k", "1"), HOLD));
    backend().delete(held.key(), DeleteOptions.background());
    dropFinalizers(held.key());
    eventually(held.key() + " gone", () -> !exists(held.key()));
  }

  @Test
  default void addingAFinalizer_toAMarkedObject_isRefused() {
    requires(Capability.FINALIZERS);
    requires(Capability.VALIDATION); // the registry's validation refuses it
    Resource held = put(withFinalizer(configMap("held", "k", "1"), HOLD));
    backend().delete(held.key(), DeleteOptions.background());
    Resource marked = live(held.key());
    BackendException refused = failure(BackendException.class,
        () -> backend().update(withFinalizer(marked, "contract.converge.dev/late")));
    assertThat(refused).isInstanceOfAny(BackendException.Invalid.class, BackendException.Forbidden.class);
    assertThat(live(held.key()).finalizers()).containsExactly(HOLD);
  }

  @Test
  default void deleteWithAUidPrecondition_ofANewerObject_isAConflict_andDeletesNothing() {
    requires(Capability.DELETE_PRECONDITIONS);
    Resource old = put(configMap("settings", "k", "1"));
    backend().delete(old.key(), DeleteOptions.background());
    Resource newer = put(configMap("settings", "k", "2"));
    failure(BackendException.Conflict.class,
        () -> backend().delete(old.key(), DeleteOptions.background().withUid(old.uid())));
    assertThat(live(old.key()).uid()).isEqualTo(newer.uid());
    assertThat(backend().delete(old.key(), DeleteOptions.background().withUid(newer.uid()))).isTrue();
    assertThat(exists(old.key())).isFalse();
  }

  @Test
  default void deleteWithAStaleVersionPrecondition_isAConflict_andDeletesNothing() {
    requires(Capability.DELETE_PRECONDITIONS);
    Resource first = put(configMap("settings", "k", "1"));
    Resource current = put(configMap("settings", "k", "2"));
    failure(BackendException.Conflict.class,
        () -> backend().delete(first.key(), new DeleteOptions(Propagation.BACKGROUND, null, first.resourceVersion())));
    assertThat(live(first.key())).isEqualTo(current);
    assertThat(backend().delete(first.key(), new DeleteOptions(Propagation.BACKGROUND, null, current.resourceVersion())))
        .isTrue();
  }
}
