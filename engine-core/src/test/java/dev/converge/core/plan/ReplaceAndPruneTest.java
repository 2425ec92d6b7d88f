package dev.converge.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Action;
import dev.converge.api.DeleteReason;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.GraphProblem;
import dev.converge.api.Observed;
import dev.converge.api.OwnershipConflictException;
import dev.converge.api.Plan;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Immutable fields turn updates into replaces (workloads orphan their pods), and pruning deletes only what
 * this owner owns, with webhook deletes hoisted before the applies and custom resources before their CRD.
 */
class ReplaceAndPruneTest {
  private static final Planner PLANNER = Planner.defaults();
  private static final ResourceKey OWNER = ResourceKey.parse("example.com/App/p/app");

  /** The single action of planning {@code desired} against {@code live}. */
  private static Action only(String desired, String live) {
    Resource want = Manifests.yaml(desired);
    Plan plan = PLANNER.plan(DesiredGraph.builder().add(want).build(), Observed.of(List.of(ServerView.of(Manifests.yaml(live), 1))));
    assertThat(plan.size()).isEqualTo(1);
    return plan.actions().get(0);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
    "apps/v1|Deployment|spec: {selector: {matchLabels: {app: a}}}|spec: {selector: {matchLabels: {app: b}}}|spec.selector|Orphan",
    "apps/v1|DaemonSet|spec: {selector: {matchLabels: {app: a}}}|spec: {selector: {matchLabels: {app: b}}}|spec.selector|Orphan",
    "apps/v1|ReplicaSet|spec: {selector: {matchLabels: {app: a}}}|spec: {selector: {matchLabels: {app: b}}}|spec.selector|Orphan",
    "apps/v1|StatefulSet|spec: {serviceName: a}|spec: {serviceName: b}|spec.serviceName|Orphan",
    "apps/v1|StatefulSet|spec: {podManagementPolicy: Parallel}|spec: {podManagementPolicy: OrderedReady}|spec.podManagementPolicy|Orphan",
    "apps/v1|StatefulSet|spec: {volumeClaimTemplates: [{metadata: {name: a}}]}|spec: {volumeClaimTemplates: [{metadata: {name: b}}]}|spec.volumeClaimTemplates|Orphan",
    "batch/v1|Job|spec: {template: {spec: {containers: [{name: c, image: a}]}}}|spec: {template: {spec: {containers: [{name: c, image: b}]}}}|spec.template|Orphan",
    "v1|Service|spec: {clusterIP: 10.0.0.2}|spec: {clusterIP: 10.0.0.1}|spec.clusterIP|Background",
    "rbac.authorization.k8s.io/v1|RoleBinding|roleRef: {kind: Role, name: a}|roleRef: {kind: Role, name: b}|roleRef|Background",
    "v1|PersistentVolumeClaim|spec: {storageClassName: fast}|spec: {storageClassName: slow}|spec|Background",
    "v1|ConfigMap|data: {k: new}|{immutable: true, data: {k: old}}|data|Background",
  })
  void immutableFieldChange_isAReplace(String apiVersion, String kind, String desired, String live, String field, String propagation) {
    String head = "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: x, namespace: p}\n";
    String liveBody = live.startsWith("{") ? live.substring(1, live.length() - 1).replace(", data", "\ndata") : live;
    Action action = only(head + desired, head + liveBody.replace("immutable: true", "immutable: true"));
    assertThat(action).isInstanceOfSatisfying(Action.Replace.class, replace -> {
      assertThat(replace.immutableFields()).containsExactly(field);
      assertThat(replace.propagation()).isEqualTo(Propagation.fromWireName(propagation));
      assertThat(replace.reasons()).containsExactly("immutable field " + field + " differs");
    });
  }

  @Test
  void clusterRoleBindingRoleRefChange_isAReplace() {
    String head = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\n";
    assertThat(only(head + "roleRef: {kind: ClusterRole, name: a}", head + "roleRef: {kind: ClusterRole, name: b}"))
        .isInstanceOf(Action.Replace.class);
  }

  @Test
  void mutableChanges_stayUpdates() {
    String pvc = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x, namespace: p}\n";
    assertThat(only(pvc + "spec: {resources: {requests: {storage: 2Gi}}}", pvc + "spec: {resources: {requests: {storage: 1Gi}}}"))
        .isInstanceOf(Action.Update.class);
    String cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: p}\n";
    assertThat(only(cm + "data: {k: new}", cm + "data: {k: old}")).isInstanceOf(Action.Update.class);
    String svc = "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: p}\n";
    // No clusterIP allocated yet (the server assigns one later in ServerView, so take it out): setting one is allowed.
    Resource live = ServerView.of(Manifests.yaml(svc + "spec: {type: ClusterIP}"), 1).edit(t -> t.with("spec").remove("clusterIP"));
    Plan plan = PLANNER.plan(DesiredGraph.builder().add(Manifests.yaml(svc + "spec: {clusterIP: 10.0.0.9}")).build(), Observed.of(List.of(live)));
    assertThat(plan.actions().get(0)).isInstanceOf(Action.Update.class);
    String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x, namespace: p}\n";
    assertThat(only(deployment + "spec: {replicas: 2, selector: {matchLabels: {app: a}}}", deployment + "spec: {replicas: 1, selector: {matchLabels: {app: a}}}"))
        .isInstanceOfSatisfying(Action.Update.class, u -> assertThat(u.reasons()).containsExactly("spec.replicas differs"));
  }

  private static DesiredGraph owned(String yaml) {
    DesiredGraph.Builder builder = DesiredGraph.builder().owner(OWNER);
    Manifests.read(yaml).forEach(builder::add);
    return builder.build();
  }

  @Test
  void prune_deletesOnlyObjectsOwnedByThisOwner() {
    DesiredGraph before = owned("""
        {apiVersion: v1, kind: ConfigMap, metadata: {name: keep, namespace: p}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: gone, namespace: p}}
        """);
    List<Resource> live = new ArrayList<>(GoldenPlanTest.applied(before));
    live.add(ServerView.of(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: unowned, namespace: p}}"), 7));
    DesiredGraph.Builder other = DesiredGraph.builder().owner(ResourceKey.parse("example.com/App/p/other"));
    other.add(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: theirs, namespace: p}}"));
    live.add(ServerView.of(other.build().resources().firstEntry().getValue().resource(), 8));
    Plan plan = PLANNER.plan(owned("{apiVersion: v1, kind: ConfigMap, metadata: {name: keep, namespace: p}}"), Observed.of(live));
    assertThat(plan.actions()).extracting(a -> a.verb() + " " + a.key()).containsExactly("delete ConfigMap/p/gone");
    assertThat(((Action.Delete) plan.actions().get(0)).why()).isEqualTo(DeleteReason.NO_LONGER_DESIRED);
  }

  @Test
  void prune_withoutAnOwnerDeletesNothing() {
    List<Resource> live = GoldenPlanTest.applied(owned("{apiVersion: v1, kind: ConfigMap, metadata: {name: gone, namespace: p}}"));
    assertThat(PLANNER.plan(DesiredGraph.empty(), Observed.of(live)).isEmpty()).isTrue();
  }

  @Test
  void prune_leavesObjectsAlreadyBeingDeleted() {
    List<Resource> live = GoldenPlanTest.applied(owned("{apiVersion: v1, kind: ConfigMap, metadata: {name: gone, namespace: p}}"));
    Resource terminating = live.get(0).edit(t -> t.with("metadata").put("deletionTimestamp", "2026-01-01T00:00:01Z"));
    assertThat(PLANNER.plan(owned("{apiVersion: v1, kind: ConfigMap, metadata: {name: other, namespace: p}}"), Observed.of(List.of(terminating)))
        .actions()).extracting(a -> a.verb() + " " + a.key()).containsExactly("create ConfigMap/p/other");
  }

  @Test
  void deletes_hoistWebhooksBeforeApplies_andDeleteCustomResourcesBeforeTheirCrd() {
    DesiredGraph before = owned("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec: {group: example.com, names: {kind: Widget, plural: widgets}}
        ---
        {apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: p}}
        ---
        {apiVersion: v1, kind: Service, metadata: {name: hook, namespace: p}}
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: hook}
        webhooks: [{name: hook.example.com, clientConfig: {service: {namespace: p, name: hook}}}]
        """);
    Plan plan = PLANNER.plan(owned("{apiVersion: v1, kind: ConfigMap, metadata: {name: new, namespace: p}}"),
        Observed.of(GoldenPlanTest.applied(before)));
    assertThat(plan.steps()).extracting(step -> step.actions().stream().map(a -> a.verb() + " " + a.key()).toList()).containsExactly(
        List.of("delete admissionregistration.k8s.io/ValidatingWebhookConfiguration/hook"),
        List.of("create ConfigMap/p/new"),
        List.of("delete example.com/Widget/p/w"),
        List.of("delete Service/p/hook"),
        List.of("delete apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com"));
    assertThat(plan.find(ResourceKey.parse("apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com")).orElseThrow().orderedBy())
        .extracting(Object::toString)
        .containsExactly("after example.com/Widget/p/w: custom resource of this CRD",
            "after Service/p/hook: default kind order (Service before CustomResourceDefinition)");
  }

  @Test
  void applyingAnotherOwnersObject_refusesTheWholePlan_namingEachObjectAndItsOwner() {
    ResourceKey other = ResourceKey.parse("example.com/App/p/other");
    DesiredGraph.Builder theirs = DesiredGraph.builder().owner(other);
    theirs.add(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: shared, namespace: p}, data: {k: theirs}}"));
    List<Resource> live = new ArrayList<>(GoldenPlanTest.applied(theirs.build()));
    live.add(ServerView.of(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: adopted, namespace: p}}"), 9));
    DesiredGraph mine = owned("""
        {apiVersion: v1, kind: ConfigMap, metadata: {name: adopted, namespace: p}, data: {k: mine}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: new, namespace: p}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: shared, namespace: p}, data: {k: mine}}
        """);

    assertThatThrownBy(() -> PLANNER.plan(mine, Observed.of(live)))
        .isInstanceOfSatisfying(OwnershipConflictException.class, e -> assertThat(e.conflicts()).containsExactly(
            new GraphProblem(ResourceKey.parse("ConfigMap/p/shared"), "metadata.annotations.converge.dev/owner-key",
                "owned by example.com/App/p/other, not example.com/App/p/app")))
        .hasMessage("ConfigMap/p/shared metadata.annotations.converge.dev/owner-key: owned by example.com/App/p/other,"
            + " not example.com/App/p/app");
    // Without the other owner's object, an unmarked one is adopted and the rest planned as usual.
    assertThat(PLANNER.plan(mine, Observed.of(live.subList(1, 2))).actions()).extracting(a -> a.verb() + " " + a.key())
        .containsExactly("update ConfigMap/p/adopted", "create ConfigMap/p/new", "create ConfigMap/p/shared");
    // Its own objects are no conflict.
    assertThat(PLANNER.plan(theirs.build(), Observed.of(live.subList(0, 1))).isEmpty()).isTrue();
  }

  @Test
  void applyingAnOwnedObjectWithoutAnOwner_orUnowned_wouldDropItsMarks_andIsRefusedToo() {
    List<Resource> live = GoldenPlanTest.applied(owned("{apiVersion: v1, kind: Namespace, metadata: {name: shop}}"));
    Resource namespace = Manifests.yaml("{apiVersion: v1, kind: Namespace, metadata: {name: shop}}");
    String expected = "Namespace/shop metadata.annotations.converge.dev/owner-key: owned by example.com/App/p/app;"
        + " applied without an owner here, it would lose its owner's marks";

    assertThatThrownBy(() -> PLANNER.plan(DesiredGraph.builder().add(namespace).build(), Observed.of(live)))
        .isInstanceOf(OwnershipConflictException.class).hasMessage(expected);
    DesiredGraph unowned = DesiredGraph.builder().owner(ResourceKey.parse("example.com/App/p/other"))
        .add(DesiredResource.of(namespace).unowned()).build();
    assertThatThrownBy(() -> PLANNER.plan(unowned, Observed.of(live))).isInstanceOf(OwnershipConflictException.class)
        .hasMessage(expected);
    // A label alone (written by hand, or by a hash of another key) is another owner's mark as well.
    Resource labelled = ServerView.of(Manifests.yaml(
        "{apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {converge.dev/owner: 0123456789abcdef0123}}}"), 3);
    assertThatThrownBy(() -> PLANNER.plan(owned("{apiVersion: v1, kind: Namespace, metadata: {name: shop}}"),
        Observed.of(List.of(labelled)))).isInstanceOf(OwnershipConflictException.class)
        .hasMessage("Namespace/shop metadata.labels.converge.dev/owner: owned by the owner labelled"
            + " converge.dev/owner=0123456789abcdef0123, not example.com/App/p/app");
  }

  @Test
  void teardown_ofNothingOwnedIsEmpty() {
    assertThat(PLANNER.planTeardown(OWNER, Observed.empty()).isEmpty()).isTrue();
  }
}
