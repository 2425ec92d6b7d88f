package dev.converge.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.patch.FieldSetMemo;
import dev.converge.inmemory.patch.ManagedFields;
import dev.converge.inmemory.patch.MergeSchema;
import dev.converge.inmemory.server.Identity;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The owned-values shortcut gives exactly the managed fields the full algorithm gives whenever it applies — a
 * kubelet renewing its Lease again and again, and every write of a simulated cluster at work (node status,
 * pod status, controller status writes) — and declines the cases it is not sure of.
 */
class OwnedValuesShortcutTest {
  private static final GroupKind LEASE = GroupKind.of("coordination.k8s.io", "Lease");
  private static final Identity NODE = Identity.user("system:node:n1", "system:nodes");

  private static Resource storedLease() {
    InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 1);
    return cluster.server().create(Identity.admin(), Fixtures.parse("""
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
         "metadata":{"name":"n1","namespace":"kube-node-lease",
                     "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"n1","uid":"u1"}]},
         "spec":{"holderIdentity":"n1","leaseDurationSeconds":40,"renewTime":"2025-01-01T00:00:00.000000Z"}}"""),
        dev.converge.inmemory.server.WriteOptions.manager(NODE.name()));
  }

  /** The object as the server's update path hands it to the field manager: stored fields kept, version gone. */
  private static ObjectNode after(Resource before, Consumer<ObjectNode> edit) {
    ObjectNode root = Trees.shallowCopy(before.json());
    Trees.object(root, "metadata").remove("resourceVersion");
    edit.accept(root);
    return root;
  }

  private static JsonNode full(Resource before, ObjectNode after, String manager, String time) {
    return ManagedFields.recordUpdate(LEASE, before.json(), after, manager, null, "coordination.k8s.io/v1", time)
        .path("metadata").path("managedFields");
  }

  @Test
  void renewals_giveTheSameManagedFieldsAsTheFullAlgorithm() {
    Resource before = storedLease();
    for (int i = 1; i <= 5; i++) {
      String renew = "2025-01-01T00:00:" + (10 * i) + ".250000Z";
      String time = "2025-01-01T00:00:" + (10 * i) + "Z";
      ObjectNode after = after(before, root -> Trees.object(root, "spec").put("renewTime", renew));
      JsonNode quick = OwnedValuesShortcut.managedFields(before.json(), after, NODE.name(), null,
          "coordination.k8s.io/v1", time);
      assertThat(quick).isNotNull();
      assertThat(Json.write(quick)).isEqualTo(Json.write(full(before, after, NODE.name(), time)));
      ObjectNode stored = after.deepCopy();
      ((ObjectNode) stored.get("metadata")).set("managedFields", quick);
      ((ObjectNode) stored.get("metadata")).put("resourceVersion", Integer.toString(100 + i));
      before = Resource.of(stored);
    }
  }

  /**
   * Runs both the shortcut and the full algorithm on every write, counting agreements and disagreements; the
   * server's own engine (shortcut, then the algorithm with its memo of field sets) must store what the full
   * algorithm without a memo gives.
   */
  private static final class Checking implements dev.converge.inmemory.server.PatchEngine {
    final PatchPackageEngine engine = new PatchPackageEngine();
    int hits;
    int misses;
    final java.util.List<String> disagreements = new java.util.ArrayList<>();
    final java.util.List<String> engineDisagreements = new java.util.ArrayList<>();

    @Override
    public ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
      return engine.mergePatch(target, patch);
    }

    @Override
    public ObjectNode jsonPatch(ObjectNode target, JsonNode patch) {
      return engine.jsonPatch(target, patch);
    }

    @Override
    public ObjectNode strategicMergePatch(GroupKind kind, ObjectNode target, JsonNode patch) {
      return engine.strategicMergePatch(kind, target, patch);
    }

    @Override
    public ObjectNode apply(GroupKind kind, JsonNode customSchema, ObjectNode live, ObjectNode applied, String manager,
        boolean force, String subresource, String apiVersion, String time) {
      return engine.apply(kind, customSchema, live, applied, manager, force, subresource, apiVersion, time);
    }

    @Override
    public ObjectNode recordUpdate(GroupKind kind, JsonNode customSchema, ObjectNode before, ObjectNode after,
        String manager, String subresource, String apiVersion, String time) {
      JsonNode quick = OwnedValuesShortcut.managedFields(before, after, manager, subresource, apiVersion, time);
      JsonNode full = ManagedFields.afterUpdate(MergeSchema.of(kind, customSchema), before, after, manager, subresource,
          apiVersion, time, FieldSetMemo.create());
      full = full == null ? MissingNode.getInstance() : full;
      if (quick == null) {
        misses++;
      } else if (Json.write(quick).equals(Json.write(full))) {
        hits++;
      } else {
        disagreements.add(kind + " " + manager + " " + subresource + "\n  quick " + quick + "\n  full  " + full);
      }
      ObjectNode stored = engine.recordUpdate(kind, customSchema, before, after, manager, subresource, apiVersion, time);
      JsonNode recorded = stored.path("metadata").path("managedFields");
      if (!Json.write(recorded).equals(Json.write(full))) {
        engineDisagreements.add(kind + " " + manager + " " + subresource + "\n  engine " + recorded
            + "\n  full  " + full);
      }
      return stored;
    }
  }

  @Test
  void aSimulatedClusterAtWork_theShortcutAgreesWithTheFullAlgorithmOnEveryWriteItTakes() {
    Checking checking = new Checking();
    dev.converge.inmemory.sim.Simulation sim = dev.converge.inmemory.sim.Simulation.builder().seed(3)
        .pool(dev.converge.inmemory.sim.node.NodePool.plain(4))
        .kubelet(dev.converge.inmemory.sim.node.KubeletConfig.defaults()
            .withStatusReportPeriod(java.time.Duration.ofMinutes(1)))
        .server(b -> b.patchEngine(checking)).build().start();
    sim.create("""
        {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},
           "spec":{"containers":[{"name":"a","image":"agent:1","readinessProbe":{"periodSeconds":5}}]}}}}""");
    sim.create(Fixtures.deployment("default", "web", "nginx:1").json().toString());
    sim.runFor(java.time.Duration.ofMinutes(5));
    sim.nodes().fail("node-2");
    sim.runFor(java.time.Duration.ofMinutes(2));
    sim.nodes().recover("node-2");
    sim.runFor(java.time.Duration.ofMinutes(3));

    assertThat(checking.disagreements).isEmpty();
    assertThat(checking.engineDisagreements).isEmpty();
    assertThat(checking.hits).isGreaterThan(200);
    assertThat(checking.misses).isGreaterThan(20);
  }

  @Test
  void declines_anotherManager_anAddedField_aChangedArray_orMetadata() {
    Resource before = storedLease();
    String time = "2025-01-01T00:01:00Z";
    String v = "coordination.k8s.io/v1";
    ObjectNode renew = after(before, root -> Trees.object(root, "spec").put("renewTime", "x"));
    assertThat(OwnedValuesShortcut.managedFields(before.json(), renew, "someone-else", null, v, time)).isNull();
    assertThat(OwnedValuesShortcut.managedFields(before.json(), renew, NODE.name(), "status", v, time)).isNull();
    assertThat(OwnedValuesShortcut.managedFields(before.json(), renew, NODE.name(), null, "v2", time)).isNull();
    ObjectNode added = after(before, root -> Trees.object(root, "spec").put("acquireTime", "x"));
    assertThat(OwnedValuesShortcut.managedFields(before.json(), added, NODE.name(), null, v, time)).isNull();
    ObjectNode owners = after(before, root -> Trees.object(root, "metadata").putArray("ownerReferences"));
    assertThat(OwnedValuesShortcut.managedFields(before.json(), owners, NODE.name(), null, v, time)).isNull();
    ObjectNode labelled = after(before, root -> Trees.object(Trees.object(root, "metadata"), "labels").put("a", "b"));
    assertThat(OwnedValuesShortcut.managedFields(before.json(), labelled, NODE.name(), null, v, time)).isNull();
    ObjectNode typeChange = after(before, root -> Trees.object(root, "spec").put("leaseDurationSeconds", "40"));
    assertThat(OwnedValuesShortcut.managedFields(before.json(), typeChange, NODE.name(), null, v, time)).isNull();
  }
}
