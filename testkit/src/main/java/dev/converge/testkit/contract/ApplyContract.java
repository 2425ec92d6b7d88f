package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply and field ownership: the applied fields belong to the manager; re-applying the same
 * object writes nothing; two managers keep their own fields; a field another manager owns with another
 * value is a non-retryable {@code Conflict} naming the manager and the field, unless forced; a field a
 * manager stops applying is removed unless someone else also owns it; an update keeps fields other
 * managers applied.
 */
public interface ApplyContract extends ContractSupport {

  private Resource applyAs(String manager, Resource object) {
    return backend().apply(object, ApplyOptions.manager(manager));
  }

  private static ImmutableList<String> managers(Resource object) {
    ImmutableList.Builder<String> out = ImmutableList.builder();
    for (JsonNode entry : object.metadata().path("managedFields")) {
      out.add(entry.path("manager").asText() + "/" + entry.path("operation").asText());
    }
    return out.build();
  }

  private static String data(Resource object, String key) {
    return object.json().path("data").path(key).asText(null);
  }

  @Test
  default void apply_createsTheObject_withTheFieldsOwnedByTheManager() {
    requires(Capability.SERVER_SIDE_APPLY);
    Resource stored = applyAs("alice", configMap("shared", "a", "1"));
    assertThat(data(stored, "a")).isEqualTo("1");
    assertThat(managers(stored)).containsExactly("alice/Apply");
    assertThat(stored.uid()).isNotEmpty();
  }

  @Test
  default void reapplyingTheSameObject_writesNothing() {
    requires(Capability.SERVER_SIDE_APPLY);
    Resource first = applyAs("alice", configMap("shared", "a", "1"));
    Resource again = applyAs("alice", configMap("shared", "a", "1"));
    assertThat(again.resourceVersion()).as("resourceVersion after a no-op apply").isEqualTo(first.resourceVersion());
    assertThat(again).isEqualTo(first);
  }

  @Test
  default void twoManagers_applyingDifferentFields_bothKeepTheirs() {
    requires(Capability.SERVER_SIDE_APPLY);
    applyAs("alice", configMap("shared", "a", "1"));
    Resource both = applyAs("bob", configMap("shared", "b", "2"));
    assertThat(data(both, "a")).isEqualTo("1");
    assertThat(data(both, "b")).isEqualTo("2");
    assertThat(managers(both)).containsExactlyInAnyOrder("alice/Apply", "bob/Apply");
  }

  @Test
  default void applyingAFieldAnotherManagerOwns_withAnotherValue_isANonRetryableConflict() {
    requires(Capability.SERVER_SIDE_APPLY);
    Resource first = applyAs("alice", configMap("shared", "a", "1"));
    BackendException.Conflict conflict =
        failure(BackendException.Conflict.class, () -> applyAs("bob", configMap("shared", "a", "2")));
    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.fieldConflicts()).containsExactly("alice: .data.a");
    assertThat(conflict.isRetryable()).as("an ownership conflict does not heal by retrying").isFalse();
    assertThat(live(first.key())).isEqualTo(first);
  }

  @Test
  default void forcedApply_takesTheFieldOver_andTheFormerOwnerLosesIt() {
    requires(Capability.SERVER_SIDE_APPLY);
    applyAs("alice", ApplyBodies.twoKeys(ns(), "shared"));
    Resource taken = backend().apply(configMap("shared", "a", "2"), ApplyOptions.manager("bob").forced());
    assertThat(data(taken, "a")).isEqualTo("2");
    assertThat(managers(taken)).containsExactlyInAnyOrder("alice/Apply", "bob/Apply");
    // alice still owns data.b only: applying without data.a and data.b removes b, and a stays bob's.
    Resource after = applyAs("alice", ApplyBodies.labelOnly(ns(), "shared"));
    assertThat(data(after, "a")).isEqualTo("2");
    assertThat(data(after, "b")).isNull();
  }

  @Test
  default void fieldAManagerStopsApplying_isRemoved() {
    requires(Capability.SERVER_SIDE_APPLY);
    applyAs("alice", ApplyBodies.twoKeys(ns(), "shared"));
    Resource after = applyAs("alice", configMap("shared", "a", "1"));
    assertThat(data(after, "a")).isEqualTo("1");
    assertThat(data(after, "b")).as("data.b, no longer applied by its only owner").isNull();
  }

  @Test
  default void fieldAManagerStopsApplying_staysWhenAnotherManagerAppliedTheSameValue() {
    requires(Capability.SERVER_SIDE_APPLY);
    applyAs("alice", ApplyBodies.twoKeys(ns(), "shared"));
    applyAs("bob", configMap("shared", "b", "2")); // the same value: shared ownership, no conflict
    Resource after = applyAs("alice", configMap("shared", "a", "1"));
    assertThat(data(after, "b")).as("data.b, still applied by bob").isEqualTo("2");
  }

  @Test
  default void update_keepsFieldsOtherManagersApplied_andTheirReapplyDoesNotRemoveTheUpdate() {
    requires(Capability.SERVER_SIDE_APPLY);
    Resource applied = applyAs("alice", configMap("shared", "a", "1"));
    Resource updated = backend().update(applied.edit(t -> t.withObjectProperty("data").put("extra", "3")));
    assertThat(data(updated, "a")).isEqualTo("1");
    Resource reapplied = applyAs("alice", configMap("shared", "a", "1"));
    assertThat(data(reapplied, "extra")).as("data.extra, written by an update, not alice's to remove").isEqualTo("3");
    assertThat(reapplied.resourceVersion()).isEqualTo(updated.resourceVersion());
  }

  /** The apply bodies the ownership tests share. */
  final class ApplyBodies {
    private ApplyBodies() {}

    static Resource twoKeys(String namespace, String name) {
      return dev.converge.testkit.KubeObjects.configMap(namespace, name, Map.of("a", "1", "b", "2"));
    }

    /** The ConfigMap with no data at all, only a label: its manager gives up every data field. */
    static Resource labelOnly(String namespace, String name) {
      return dev.converge.testkit.KubeObjects.configMap(namespace, name, Map.of())
          .edit(t -> t.remove("data"))
          .withLabel("owner", "alice");
    }
  }
}
