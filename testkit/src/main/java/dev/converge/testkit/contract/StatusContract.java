package dev.converge.testkit.contract;

import static dev.converge.testkit.contract.ContractSupport.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.testkit.KubeObjects;
import org.junit.jupiter.api.Test;

/**
 * The status subresource and {@code metadata.generation}: an update of the main resource ignores status, a
 * status update ignores everything else, both are optimistic; a create drops the status of kinds with the
 * subresource; kinds without it have no {@code /status}; the generation starts at 1 and moves on spec changes
 * only — not on labels, not on status. Checked on a custom kind no controller touches ({@link
 * #serveGadgets()}) and, by apply, on a Deployment.
 */
public interface StatusContract extends ContractSupport {

  @Test
  default void update_ofTheMainResource_ignoresStatus() {
    requires(Capability.STATUS_SUBRESOURCE);
    Resource stored = put(gadget(serveGadgets(), "g", 1));
    Resource updated = backend().update(stored.edit(t -> {
      t.withObjectProperty("spec").put("size", 2);
      t.withObjectProperty("status").put("phase", "Made-up");
    }));
    assertThat(updated.spec().path("size").asInt()).isEqualTo(2);
    assertThat(updated.status().path("phase").isMissingNode()).as("status.phase after a main update").isTrue();
  }

  @Test
  default void updateStatus_changesOnlyTheStatus_andKeepsTheGeneration() {
    requires(Capability.STATUS_SUBRESOURCE);
    Resource stored = put(gadget(serveGadgets(), "g", 1));
    Resource written = backend().updateStatus(stored.edit(t -> {
      t.withObjectProperty("spec").put("size", 5);
      t.withObjectProperty("status").put("phase", "Ready");
    }));
    assertThat(written.status().path("phase").asText()).isEqualTo("Ready");
    assertThat(written.spec().path("size").asInt()).as("spec.size after a status update").isEqualTo(1);
    assertThat(written.generation()).as("generation after a status update").isEqualTo(stored.generation());
    assertThat(live(stored.key())).isEqualTo(written);
  }

  @Test
  default void updateStatus_withAStaleVersion_isAConflict() {
    requires(Capability.STATUS_SUBRESOURCE);
    Resource stored = put(gadget(serveGadgets(), "g", 1));
    backend().updateStatus(stored.edit(t -> t.withObjectProperty("status").put("phase", "Ready")));
    failure(BackendException.Conflict.class,
        () -> backend().updateStatus(stored.edit(t -> t.withObjectProperty("status").put("phase", "Broken"))));
  }

  @Test
  default void create_dropsTheStatus_ofKindsWithAStatusSubresource() {
    requires(Capability.STATUS_SUBRESOURCE);
    requires(Capability.CREATE);
    Resource created = backend().create(gadget(serveGadgets(), "g", 1)
        .edit(t -> t.withObjectProperty("status").put("phase", "Made-up")));
    assertThat(created.status().path("phase").isMissingNode()).as("status.phase after create").isTrue();
  }

  @Test
  default void updateStatus_ofAKindWithoutAStatusSubresource_isNotFound() {
    requires(Capability.STATUS_SUBRESOURCE);
    Resource stored = put(configMap("settings", "k", "1"));
    failure(BackendException.NotFound.class,
        () -> backend().updateStatus(stored.edit(t -> t.withObjectProperty("status").put("x", 1))));
  }

  @Test
  default void generation_startsAtOne_andMovesOnSpecChangesOnly() {
    Resource stored = put(gadget(serveGadgets(), "g", 1));
    assertThat(stored.generation()).as("generation after create").isEqualTo(1);
    Resource labelled = backend().update(stored.withLabel("tier", "web"));
    assertThat(labelled.generation()).as("generation after a label change").isEqualTo(1);
    Resource resized = backend().update(labelled.edit(t -> t.withObjectProperty("spec").put("size", 3)));
    assertThat(resized.generation()).as("generation after a spec change").isEqualTo(2);
    Resource same = backend().update(resized);
    assertThat(same.generation()).as("generation after an update that changes nothing").isEqualTo(2);
  }

  @Test
  default void generation_doesNotMoveOnStatusWrites() {
    requires(Capability.STATUS_SUBRESOURCE);
    Resource stored = put(gadget(serveGadgets(), "g", 1));
    Resource status = backend().updateStatus(stored.edit(t -> t.withObjectProperty("status").put("phase", "Ready")));
    assertThat(status.generation()).isEqualTo(1);
  }

  @Test
  default void generationOfABuiltInWorkload_movesOnTemplateChanges_notOnLabels() {
    Resource created = put(KubeObjects.deployment(ns(), "web", "nginx:1.27", 0, ""));
    Resource labelled = put(KubeObjects.deployment(ns(), "web", "nginx:1.27", 0, "").withLabel("tier", "web"));
    Resource changed = put(KubeObjects.deployment(ns(), "web", "nginx:1.28", 0, "").withLabel("tier", "web"));
    assertThat(created.generation()).isEqualTo(1);
    assertThat(labelled.generation()).as("generation after a label change").isEqualTo(1);
    assertThat(changed.generation()).as("generation after an image change").isEqualTo(2);
  }
}
