package dev.converge.core.loop;

import static dev.converge.core.testing.AppReconciler.app;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Condition;
import dev.converge.api.Conditions;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.Ownership;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.Selection;
import dev.converge.core.plan.Planner;
import dev.converge.core.testing.AppReconciler;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.testing.TestResources;
import dev.converge.core.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One reconcile pass, called directly, against the fake backend's request transcript: converges from empty
 * (finalizer, five applies, one status write); a second pass makes zero writes; status is written only when it
 * changed and keeps lastTransitionTime; an invalid spec writes nothing but status; pruning spares unowned
 * objects; deletion removes every owned object (the cluster-scoped one included) before the finalizer, and
 * waits for objects that are still terminating; conflicts on status are re-read and retried; a failed read ends
 * the pass with a backoff; the reconciler's randomness is seeded per primary.
 */
class ControlLoopTest {
  private static final ResourceKey APP = AppReconciler.key("shop", "web");
  private static final ResourceKey DEPLOYMENT = ResourceKey.namespaced("apps", "Deployment", "shop", "web");
  private static final ResourceKey SERVICE = ResourceKey.namespaced("", "Service", "shop", "web");
  private static final ResourceKey CONFIG = ResourceKey.namespaced("", "ConfigMap", "shop", "web-config");
  private static final ResourceKey ROLE = ResourceKey.cluster("rbac.authorization.k8s.io", "ClusterRole", "shop-web-reader");

  private final VirtualScheduler clock = new VirtualScheduler();
  private final FakeBackend backend = new FakeBackend(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ControlLoop<AppReconciler.App> loop = loop(7);

  private ControlLoop<AppReconciler.App> loop(long seed) {
    return ControlLoop.builder(backend, new AppReconciler(), clock).seed(seed).meterRegistry(registry).build();
  }

  private PassResult convergeFromEmpty() {
    backend.put(app("shop", "web", "shop:1"));
    PassResult first = loop.reconcile(APP);
    backend.clearTranscript();
    return first;
  }

  private Condition ready() {
    return Conditions.find(backend.peek(APP).orElseThrow().status().path("conditions"), "Ready").orElseThrow();
  }

  @Test
  void converges_fromEmpty() {
    backend.put(app("shop", "web", "shop:1"));

    PassResult result = loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly(
        "update example.dev/App/shop/web",
        "apply ServiceAccount/shop/web",
        "apply ConfigMap/shop/web-config",
        "apply rbac.authorization.k8s.io/ClusterRole/shop-web-reader",
        "apply Service/shop/web",
        "apply apps/Deployment/shop/web",
        "updateStatus example.dev/App/shop/web");
    assertThat(result.phase()).isEqualTo(PassResult.Phase.RECONCILED);
    assertThat(result.outcome()).isEqualTo(Outcome.converged());
    assertThat(result.writes()).isEqualTo(7);
    assertThat(result.statusWritten()).isTrue();
    assertThat(result.requeue()).isEqualTo(Requeue.none());
    assertThat(result.report().summary()).isEqualTo("5 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed");
    Resource primary = backend.peek(APP).orElseThrow();
    assertThat(primary.finalizers()).containsExactly(ControlLoop.FINALIZER);
    assertThat(ready()).isEqualTo(new Condition("Ready", "True", "Converged", "", "2025-01-01T00:00:00Z"));
    assertThat(primary.status().path("availableReplicas").asInt(-1)).isZero();
    Resource role = backend.peek(ROLE).orElseThrow();
    assertThat(Ownership.isOwnedBy(role, APP)).isTrue();
    assertThat(role.ownerReferences()).isEmpty(); // cluster-scoped child of a namespaced primary: label only
    assertThat(backend.peek(DEPLOYMENT).orElseThrow().ownerReferences()).extracting(r -> r.name()).containsExactly("web");
  }

  @Test
  void aPrimaryTheReconcilerDoesNotManage_isLeftAlone_evenWhenItIsDeleted() {
    ControlLoop<AppReconciler.App> teamA = ControlLoop.builder(backend,
        AppReconciler.managing(primary -> primary.labels().containsKey("team-a")), clock).build();
    backend.put(app("shop", "web", "shop:1"));

    PassResult ignored = teamA.reconcile(APP);

    assertThat(ignored.phase()).isEqualTo(PassResult.Phase.IGNORED);
    assertThat(ignored.tag()).isEqualTo("ignored");
    assertThat(backend.writes()).isEmpty();
    assertThat(backend.peek(APP).orElseThrow().finalizers()).isEmpty();

    // Managed, it is reconciled as usual; a primary being deleted that it does not manage is not torn down.
    backend.put(backend.peek(APP).orElseThrow().withLabel("team-a", "true"));
    assertThat(teamA.reconcile(APP).phase()).isEqualTo(PassResult.Phase.RECONCILED);
    assertThat(backend.peek(DEPLOYMENT)).isPresent();
    backend.put(backend.peek(APP).orElseThrow().edit(tree -> tree.withObjectProperty("metadata").remove("labels")));
    backend.clearTranscript();
    backend.deleteAsUser(APP);

    assertThat(teamA.reconcile(APP).phase()).isEqualTo(PassResult.Phase.IGNORED);
    assertThat(backend.writes()).isEmpty();
    assertThat(backend.peek(DEPLOYMENT)).isPresent();
    assertThat(backend.peek(APP).orElseThrow().finalizers()).containsExactly(ControlLoop.FINALIZER);
  }

  @Test
  void secondPass_makesZeroWrites() {
    convergeFromEmpty();

    PassResult second = loop.reconcile(APP);

    assertThat(backend.writes()).isEmpty();
    assertThat(second.writes()).isZero();
    assertThat(second.statusWritten()).isFalse();
    assertThat(second.tag()).isEqualTo("converged");
    // Reads only: the primary, one list per owned kind; no re-observation when nothing was written.
    assertThat(backend.transcript()).containsExactly(
        "get example.dev/App/shop/web",
        "list ServiceAccount -l converge.dev/owner=" + Ownership.labelValue(APP),
        "list ConfigMap -l converge.dev/owner=" + Ownership.labelValue(APP),
        "list apps/Deployment -l converge.dev/owner=" + Ownership.labelValue(APP),
        "list Service -l converge.dev/owner=" + Ownership.labelValue(APP),
        "list rbac.authorization.k8s.io/ClusterRole -l converge.dev/owner=" + Ownership.labelValue(APP));
  }

  @Test
  void drift_isRepaired() {
    convergeFromEmpty();
    backend.put(backend.peek(DEPLOYMENT).orElseThrow().edit(tree -> ((com.fasterxml.jackson.databind.node.ObjectNode)
        tree.withObjectProperty("spec").withObjectProperty("template").withObjectProperty("spec")
            .withArrayProperty("containers").get(0)).put("image", "evil:latest")));

    loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("apply apps/Deployment/shop/web");
    assertThat(backend.peek(DEPLOYMENT).orElseThrow().spec().toString()).contains("shop:1");
  }

  @Test
  void status_isWrittenOnlyWhenItChanged_andKeepsTransitionTimes() {
    convergeFromEmpty();
    clock.runFor(Duration.ofMinutes(3));
    backend.setStatus(DEPLOYMENT, FakeBackend.json("{'availableReplicas': 1}"));

    PassResult changed = loop.reconcile(APP);
    PassResult unchanged = loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("updateStatus example.dev/App/shop/web");
    assertThat(changed.statusWritten()).isTrue();
    assertThat(unchanged.statusWritten()).isFalse();
    assertThat(backend.peek(APP).orElseThrow().status().path("availableReplicas").asInt()).isEqualTo(1);
    assertThat(ready().lastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");
  }

  @Test
  void invalidSpec_writesNothingButStatus() {
    backend.put(app("shop", "web", null));

    PassResult result = loop.reconcile(APP);
    PassResult again = loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("updateStatus example.dev/App/shop/web");
    assertThat(result.outcome()).isEqualTo(Outcome.invalid("spec.image is required"));
    assertThat(result.requeue()).isEqualTo(Requeue.none());
    assertThat(again.writes()).isZero();
    assertThat(ready()).isEqualTo(new Condition("Ready", "False", "InvalidSpec", "spec.image is required", "2025-01-01T00:00:00Z"));
    assertThat(backend.peek(APP).orElseThrow().finalizers()).isEmpty();
  }

  @Test
  void invalidSpecAfterConverging_leavesOwnedObjectsAlone() {
    convergeFromEmpty();
    backend.put(backend.peek(APP).orElseThrow().edit(tree -> tree.withObjectProperty("spec").remove("image")));

    loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("updateStatus example.dev/App/shop/web");
    assertThat(backend.peek(DEPLOYMENT)).isPresent();
    assertThat(ready().status()).isEqualTo("False");
  }

  @Test
  void invalidGraph_appliesNothing_isReportedAsFailed_andBacksOff() {
    backend.put(app("shop", "web", "shop:1").edit(tree -> tree.withObjectProperty("spec").put("brokenDependency", true)));

    PassResult result = loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("update example.dev/App/shop/web", "updateStatus example.dev/App/shop/web");
    assertThat(result.tag()).isEqualTo("failed");
    assertThat(result.requeue()).isEqualTo(Requeue.backoff(Duration.ZERO));
    assertThat(ready().reason()).isEqualTo("Failed");
    assertThat(ready().message()).contains("Namespace/nowhere");
  }

  @Test
  void anObjectAnotherPrimaryOwns_isNotTakenOver_thePassAppliesNothing_andSaysWhoOwnsIt() {
    ResourceKey api = AppReconciler.key("shop", "api");
    Resource theirs = TestResources.object("v1", "ConfigMap", "shop", "web-config", "data", Json.object().put("token", "api's"))
        .withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(api)).withAnnotation(Ownership.OWNER_ANNOTATION, api.toString());
    backend.put(theirs);
    backend.put(app("shop", "web", "shop:1"));

    PassResult result = loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("update example.dev/App/shop/web", "updateStatus example.dev/App/shop/web");
    assertThat(result.tag()).isEqualTo("failed");
    assertThat(result.requeue()).isEqualTo(Requeue.backoff(Duration.ZERO));
    assertThat(ready().message()).isEqualTo("ConfigMap/shop/web-config metadata.annotations.converge.dev/owner-key:"
        + " owned by example.dev/App/shop/api, not example.dev/App/shop/web");
    assertThat(backend.peek(CONFIG).orElseThrow().annotations()).containsEntry(Ownership.OWNER_ANNOTATION, api.toString());
    assertThat(backend.peek(DEPLOYMENT)).isEmpty();
  }

  @Test
  void prune_deletesOwnedObjectsNoLongerDesired_andSparesUnownedOnes() {
    convergeFromEmpty();
    Resource lookalike = backend.put(TestResources.service("shop", "web-2"));
    Resource otherOwner = backend.put(TestResources.service("shop", "web-3")
        .withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(APP))
        .withAnnotation(Ownership.OWNER_ANNOTATION, "example.dev/App/shop/other"));
    backend.put(backend.peek(APP).orElseThrow().edit(tree -> tree.withObjectProperty("spec").put("service", false)));
    backend.clearTranscript();

    loop.reconcile(APP);

    assertThat(backend.writes()).containsExactly("delete Service/shop/web");
    assertThat(backend.peek(SERVICE)).isEmpty();
    assertThat(backend.peek(lookalike.key())).isPresent();
    assertThat(backend.peek(otherOwner.key())).isPresent();
  }

  @Test
  void deletion_removesEveryOwnedObjectInPlanOrder_thenTheFinalizer() {
    convergeFromEmpty();
    Observed owned = backend.observe(new Selection(com.google.common.collect.ImmutableSet.of(), new AppReconciler().ownedKinds(),
        LabelSelector.equal(Ownership.OWNER_LABEL, Ownership.labelValue(APP))));
    Plan teardown = Planner.defaults().plan(DesiredGraph.builder().owner(APP).build(), owned);
    backend.deleteAsUser(APP);
    backend.clearTranscript();

    PassResult result = loop.reconcile(APP);

    List<String> deletes = teardown.actions().stream().map(a -> "delete " + a.key()).toList();
    assertThat(deletes).hasSize(5);
    assertThat(backend.writes()).containsExactlyElementsOf(ImmutableList.<String>builder()
        .addAll(deletes).add("update example.dev/App/shop/web").build());
    assertThat(result.phase()).isEqualTo(PassResult.Phase.CLEANED_UP);
    assertThat(backend.keys()).isEmpty(); // the primary too: our finalizer was the last one
  }

  @Test
  void deletion_waitsForOwnedObjectsThatAreStillTerminating() {
    convergeFromEmpty();
    Resource stuck = backend.peek(CONFIG).orElseThrow();
    backend.put(stuck.edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("example.dev/hold")));
    backend.deleteAsUser(APP);
    backend.clearTranscript();

    PassResult waiting = loop.reconcile(APP);

    assertThat(waiting.phase()).isEqualTo(PassResult.Phase.CLEANING_UP);
    assertThat(waiting.requeue()).isEqualTo(Requeue.after(Duration.ofSeconds(5)));
    assertThat(backend.writes()).hasSize(5).allMatch(w -> w.startsWith("delete "));
    assertThat(backend.peek(APP).orElseThrow().finalizers()).containsExactly(ControlLoop.FINALIZER);

    backend.put(backend.peek(CONFIG).orElseThrow().edit(tree -> tree.withObjectProperty("metadata").remove("finalizers")));
    backend.deleteAsUser(CONFIG);
    backend.clearTranscript();
    PassResult done = loop.reconcile(APP);

    assertThat(done.phase()).isEqualTo(PassResult.Phase.CLEANED_UP);
    assertThat(backend.writes()).containsExactly("update example.dev/App/shop/web");
    assertThat(backend.keys()).isEmpty();
  }

  @Test
  void deletion_withoutOurFinalizer_doesNothing() {
    backend.put(app("shop", "web", "shop:1").edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("other")));
    backend.deleteAsUser(APP);
    backend.clearTranscript();

    PassResult result = loop.reconcile(APP);

    assertThat(result.phase()).isEqualTo(PassResult.Phase.CLEANED_UP);
    assertThat(backend.transcript()).containsExactly("get example.dev/App/shop/web");
  }

  @Test
  void absentPrimary_doesNothing() {
    PassResult result = loop.reconcile(APP);

    assertThat(result.phase()).isEqualTo(PassResult.Phase.ABSENT);
    assertThat(result.requeue()).isEqualTo(Requeue.none());
    assertThat(backend.transcript()).containsExactly("get example.dev/App/shop/web");
  }

  @Test
  void statusConflict_isReReadAndRetried() {
    backend.put(app("shop", "web", "shop:1"));
    backend.fail("updateStatus", APP, 1, () -> new BackendException.Conflict("the object has been modified"));

    PassResult result = loop.reconcile(APP);

    assertThat(result.statusWritten()).isTrue();
    assertThat(backend.transcript().subList(backend.transcript().size() - 3, backend.transcript().size())).containsExactly(
        "updateStatus example.dev/App/shop/web", "get example.dev/App/shop/web", "updateStatus example.dev/App/shop/web");
    assertThat(registry.get("converge.retries").tags("component", "loop", "reason", "status-conflict").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void finalizerConflict_isReReadAndRetried() {
    backend.put(app("shop", "web", "shop:1"));
    backend.fail("update", APP, 1, () -> new BackendException.Conflict("the object has been modified"));

    PassResult result = loop.reconcile(APP);

    assertThat(result.tag()).isEqualTo("converged");
    assertThat(backend.peek(APP).orElseThrow().finalizers()).containsExactly(ControlLoop.FINALIZER);
  }

  @Test
  void failedRead_endsThePassWithABackoffHonouringRetryAfter() {
    backend.put(app("shop", "web", "shop:1"));
    backend.fail("list", null, 1, () -> new BackendException.Unavailable(429, "too many requests", Duration.ofSeconds(7)));

    PassResult result = loop.reconcile(APP);

    assertThat(result.phase()).isEqualTo(PassResult.Phase.ERROR);
    assertThat(result.requeue()).isEqualTo(Requeue.backoff(Duration.ofSeconds(7)));
    assertThat(result.error()).isEqualTo("429 Unavailable: too many requests");
    assertThat(result.writes()).isEqualTo(1); // the finalizer went in before the list failed
  }

  @Test
  void failedAction_isReportedInStatus_andBacksOff() {
    backend.put(app("shop", "web", "shop:1"));
    backend.fail("apply", DEPLOYMENT, 1, () -> new BackendException.Forbidden("deployments.apps is forbidden"));

    PassResult result = loop.reconcile(APP);

    assertThat(result.outcome()).isEqualTo(new Outcome.Failed(ImmutableList.of(
        "apps/Deployment/shop/web: 403 Forbidden: deployments.apps is forbidden")));
    assertThat(result.requeue()).isEqualTo(Requeue.backoff(Duration.ZERO));
    assertThat(ready().reason()).isEqualTo("Failed");

    PassResult retry = loop.reconcile(APP);
    assertThat(retry.tag()).isEqualTo("converged");
    assertThat(ready().status()).isEqualTo("True");
  }

  @Test
  void randomness_isSeededPerPrimary_andTheTokenIsKept() {
    convergeFromEmpty();
    String token = backend.peek(CONFIG).orElseThrow().json().path("data").path("token").asText();
    loop.reconcile(APP);

    FakeBackend other = new FakeBackend(clock);
    other.put(app("shop", "web", "shop:1"));
    ControlLoop.builder(other, new AppReconciler(), clock).seed(7).build().reconcile(APP);
    FakeBackend reseeded = new FakeBackend(clock);
    reseeded.put(app("shop", "web", "shop:1"));
    ControlLoop.builder(reseeded, new AppReconciler(), clock).seed(8).build().reconcile(APP);

    assertThat(token).isNotEmpty();
    assertThat(backend.writes()).isEmpty();
    assertThat(other.peek(CONFIG).orElseThrow().json().path("data").path("token").asText()).isEqualTo(token);
    assertThat(reseeded.peek(CONFIG).orElseThrow().json().path("data").path("token").asText()).isNotEqualTo(token);
  }

  @Test
  void reconcileTimer_countsPassesByOutcome() {
    convergeFromEmpty();
    loop.reconcile(APP);
    loop.reconcile(AppReconciler.key("shop", "missing"));

    assertThat(registry.get("converge.reconcile").tags("kind", "example.dev/App", "outcome", "converged").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("converge.reconcile").tags("kind", "example.dev/App", "outcome", "absent").timer().count())
        .isEqualTo(1);
  }
}
