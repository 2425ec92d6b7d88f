package dev.converge.core.exec;

import static dev.converge.core.testing.TestResources.configMap;
import static dev.converge.core.testing.TestResources.create;
import static dev.converge.core.testing.TestResources.createOrderedAfter;
import static dev.converge.core.testing.TestResources.delete;
import static dev.converge.core.testing.TestResources.deployment;
import static dev.converge.core.testing.TestResources.replace;
import static dev.converge.core.testing.TestResources.service;
import static dev.converge.core.testing.TestResources.serviceAccount;
import static dev.converge.core.testing.TestResources.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Action;
import dev.converge.api.Lookup;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Readiness;
import dev.converge.api.ReadyGate;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Step;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ForwardingBackend;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.core.testing.FakeBackend;
import dev.converge.core.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The executor's rules, against the fake backend's request transcript: steps in order and actions in plan
 * order; at most {@code parallelism} lanes; gates hold dependents (WAITING) and their dependents (SKIPPED)
 * without blocking; conflicts re-read and retry; unavailability without a sleeper fails as retryable with the
 * server's Retry-After, with a sleeper backs off; stop-dependents; read-your-writes; uid preconditions on
 * delete; replace waits for the old object to be gone; the report's contents and the metrics.
 */
class PlanExecutorTest {
  private final VirtualScheduler clock = new VirtualScheduler();
  private final FakeBackend backend = new FakeBackend(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PlanExecutor executor = PlanExecutor.builder(backend).meterRegistry(registry).build();

  private static Plan plan(List<List<Action>> steps, Map<ResourceKey, ReadyGate> gates) {
    return new Plan(steps.stream().map(s -> new Step(ImmutableList.copyOf(s))).collect(ImmutableList.toImmutableList()),
        ImmutableMap.copyOf(gates));
  }

  private static Plan plan(List<List<Action>> steps) {
    return plan(steps, Map.of());
  }

  private static List<String> lines(ExecutionReport report) {
    return report.outcomes().stream().map(ActionOutcome::toString).toList();
  }

  private static final Resource SA = serviceAccount("ns", "app");
  private static final Resource CM = configMap("ns", "app");
  private static final Resource WEB = deployment("ns", "web", "nginx:1");
  private static final Resource SVC = service("ns", "web");

  @Test
  void steps_runInOrder_andActionsInPlanOrderWithinAStep() {
    Plan plan = plan(List.of(List.of(create(SA), create(CM)), List.of(create(WEB, SA.key(), CM.key()))));

    ExecutionReport report = executor.execute(plan, Observed.empty());

    assertThat(backend.transcript()).containsExactly(
        "apply ServiceAccount/ns/app", "apply ConfigMap/ns/app", "apply apps/Deployment/ns/web");
    assertThat(report.isComplete()).isTrue();
    assertThat(report.requeueAfter()).isEmpty();
    assertThat(report.summary()).isEqualTo("3 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed");
  }

  @Test
  void emptyPlan_doesNothing() {
    ExecutionReport report = executor.execute(Plan.empty(), Observed.empty());

    assertThat(backend.transcript()).isEmpty();
    assertThat(report.outcomes()).isEmpty();
    assertThat(report.isComplete()).isTrue();
    assertThat(report.writes()).isZero();
  }

  @Test
  void parallelism_boundsTheLanesOfAStep() {
    List<Runnable> submitted = new ArrayList<>();
    Executor recording = task -> {
      submitted.add(task);
      task.run();
    };
    PlanExecutor bounded = PlanExecutor.builder(backend).parallelism(3).executor(recording).build();
    List<Action> seven = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      seven.add(create(configMap("ns", "cm" + i)));
    }

    ExecutionReport report = bounded.execute(plan(List.of(seven, List.of(create(SA)))), Observed.empty());

    assertThat(submitted).hasSize(3 + 1); // three lanes for seven actions, one lane for the single action
    assertThat(report.count(ActionStatus.APPLIED)).isEqualTo(8);
    assertThat(backend.writes()).hasSize(8);
  }

  @Test
  void gate_holdsDependents_andTheirDependentsAreSkipped() {
    Resource worker = configMap("ns", "after-svc");
    Plan plan = plan(
        List.of(List.of(create(WEB)), List.of(create(SVC, WEB.key())), List.of(create(worker, SVC.key()))),
        Map.of(WEB.key(), ReadyGates.deploymentAvailable()));

    ExecutionReport report = executor.execute(plan, Observed.empty());

    assertThat(lines(report)).containsExactly(
        "create apps/Deployment/ns/web APPLIED",
        "create Service/ns/web WAITING: waiting for apps/Deployment/ns/web: Deployment available: "
            + "waiting for the controller to observe generation 1",
        "create ConfigMap/ns/after-svc SKIPPED: prerequisite Service/ns/web is waiting");
    assertThat(backend.transcript()).containsExactly("apply apps/Deployment/ns/web");
    assertThat(report.isWaiting()).isTrue();
    assertThat(report.requeueAfter()).hasValue(PlanExecutor.DEFAULT_WAITING_RECHECK);
  }

  @Test
  void gate_met_letsTheDependentRun() {
    Resource available = backend.put(WEB);
    available = backend.setStatus(WEB.key(), FakeBackend.json(
        "{'observedGeneration': 1, 'updatedReplicas': 1, 'availableReplicas': 1}"));
    backend.clearTranscript();
    Plan plan = plan(List.of(List.of(createOrderedAfter(SVC, WEB.key()))), Map.of(WEB.key(), ReadyGates.deploymentAvailable()));

    ExecutionReport report = executor.execute(plan, Observed.of(List.of(available)));

    assertThat(lines(report)).containsExactly("create Service/ns/web APPLIED");
    assertThat(backend.transcript()).containsExactly("apply Service/ns/web"); // the gate read the observed state
  }

  @Test
  void gate_onAPrerequisiteNotObserved_readsItFromTheServer() {
    Plan plan = plan(List.of(List.of(createOrderedAfter(SVC, WEB.key()))), Map.of(WEB.key(), ReadyGates.deploymentAvailable()));

    ExecutionReport report = executor.execute(plan, Observed.empty());

    assertThat(lines(report)).containsExactly(
        "create Service/ns/web WAITING: waiting for apps/Deployment/ns/web: Deployment available: does not exist");
    assertThat(report.outcome(SVC.key()).orElseThrow().requests()).containsExactly("get apps/Deployment/ns/web");
    assertThat(backend.writes()).isEmpty();
  }

  @Test
  void gate_isEvaluatedOncePerStepForManyDependents() {
    Plan plan = plan(List.of(List.of(createOrderedAfter(SVC, WEB.key()), createOrderedAfter(CM, WEB.key()))),
        Map.of(WEB.key(), ReadyGates.deploymentAvailable()));

    executor.execute(plan, Observed.empty());

    assertThat(backend.transcript()).containsExactly("get apps/Deployment/ns/web");
  }

  @Test
  void readYourWrites_laterStepsSeeWhatEarlierStepsWrote() {
    ReadyGate labelled = new ReadyGate() {
      @Override
      public Readiness check(Resource live, Lookup cluster) {
        return live.labels().containsKey("ready") ? Readiness.ready() : Readiness.notReady("not labelled");
      }

      @Override
      public String describe() {
        return "labelled";
      }
    };
    Resource live = backend.put(WEB);
    backend.clearTranscript();
    Resource labelledWeb = WEB.withLabel("ready", "yes");
    Plan plan = plan(List.of(List.of(update(labelledWeb, live)), List.of(create(SVC, WEB.key()))), Map.of(WEB.key(), labelled));

    ExecutionReport report = executor.execute(plan, Observed.of(List.of(live)));

    assertThat(lines(report)).containsExactly("update apps/Deployment/ns/web APPLIED", "create Service/ns/web APPLIED");
    assertThat(backend.transcript()).containsExactly("apply apps/Deployment/ns/web", "apply Service/ns/web");
    Resource written = report.observed().get(WEB.key()).orElseThrow();
    assertThat(written.labels()).containsEntry("ready", "yes");
    assertThat(written.resourceVersion()).isEqualTo(backend.peek(WEB.key()).orElseThrow().resourceVersion());
    assertThat(report.observed().get(SVC.key()).orElseThrow().uid()).isNotNull();
  }

  @Test
  void deletes_areRemovedFromTheReportedState() {
    Resource live = backend.put(CM);

    ExecutionReport report = executor.execute(plan(List.of(List.of(delete(live)))), Observed.of(List.of(live)));

    assertThat(report.observed().contains(CM.key())).isFalse();
    assertThat(backend.peek(CM.key())).isEmpty();
  }

  @Test
  void conflict_isReReadAndRetriedAtOnce() {
    backend.fail("apply", WEB.key(), 1, () -> new BackendException.Conflict("the object has been modified"));

    ExecutionReport report = executor.execute(plan(List.of(List.of(create(WEB)))), Observed.empty());

    ActionOutcome outcome = report.outcome(WEB.key()).orElseThrow();
    assertThat(outcome.status()).isEqualTo(ActionStatus.APPLIED);
    assertThat(outcome.attempts()).isEqualTo(2);
    assertThat(outcome.requests()).containsExactly(
        "apply apps/Deployment/ns/web", "get apps/Deployment/ns/web", "apply apps/Deployment/ns/web");
    assertThat(registry.get("converge.retries").tag("reason", "conflict").counter().count()).isEqualTo(1.0);
  }

  @Test
  void conflict_afterTheBoundedAttempts_failsAsRetryable() {
    backend.fail("apply", WEB.key(), 99, () -> new BackendException.Conflict("the object has been modified"));

    ExecutionReport report = executor.execute(plan(List.of(List.of(create(WEB)))), Observed.empty());

    assertThat(lines(report)).containsExactly(
        "create apps/Deployment/ns/web FAILED x5: 409 Conflict: the object has been modified (retryable)");
    assertThat(report.requeueAfter()).hasValue(Duration.ZERO);
  }

  @Test
  void applyFieldConflict_isNotRetried() {
    backend.fail("apply", WEB.key(), 1, () -> new BackendException.Conflict("conflict with kubectl",
        ImmutableList.of("kubectl: .spec.replicas")));

    ExecutionReport report = executor.execute(plan(List.of(List.of(create(WEB)))), Observed.empty());

    assertThat(lines(report)).containsExactly("create apps/Deployment/ns/web FAILED: 409 Conflict: conflict with kubectl");
    assertThat(backend.transcript()).containsExactly("apply apps/Deployment/ns/web");
  }

  @Test
  void unavailable_withoutASleeper_failsAsRetryableWithTheServersRetryAfter() {
    backend.fail("apply", SA.key(), 1, () -> new BackendException.Unavailable(429, "too many requests", Duration.ofSeconds(3)));

    ExecutionReport report = executor.execute(plan(List.of(List.of(create(SA)), List.of(create(WEB, SA.key())))), Observed.empty());

    assertThat(lines(report)).containsExactly(
        "create ServiceAccount/ns/app FAILED: 429 Unavailable: too many requests (retryable after PT3S)",
        "create apps/Deployment/ns/web SKIPPED: prerequisite ServiceAccount/ns/app failed");
    assertThat(backend.transcript()).containsExactly("apply ServiceAccount/ns/app");
    assertThat(report.requeueAfter()).hasValue(Duration.ofSeconds(3));
  }

  @Test
  void unavailable_withASleeper_backsOffExponentiallyHonouringRetryAfter() {
    List<Duration> slept = new ArrayList<>();
    PlanExecutor threaded = PlanExecutor.builder(backend).sleeper(slept::add).meterRegistry(registry).build();
    backend.fail("apply", SA.key(), 1, () -> new BackendException.Unavailable(503, "etcd leader changed", Duration.ZERO));
    backend.fail("apply", SA.key(), 1, () -> new BackendException.Unavailable(503, "etcd leader changed", Duration.ZERO));
    backend.fail("apply", SA.key(), 1, () -> new BackendException.Unavailable(429, "slow down", Duration.ofSeconds(2)));

    ExecutionReport report = threaded.execute(plan(List.of(List.of(create(SA)))), Observed.empty());

    assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofSeconds(2));
    assertThat(report.outcome(SA.key()).orElseThrow().attempts()).isEqualTo(4);
    assertThat(report.isComplete()).isTrue();
    assertThat(registry.get("converge.retries").tag("reason", "unavailable").counter().count()).isEqualTo(3.0);
  }

  @Test
  void unavailable_withASleeper_givesUpAfterTheBoundedAttempts() {
    List<Duration> slept = new ArrayList<>();
    PlanExecutor threaded = PlanExecutor.builder(backend).sleeper(slept::add).build();
    backend.fail("apply", SA.key(), 99, () -> new BackendException.Unavailable(500, "internal error", Duration.ZERO));

    ExecutionReport report = threaded.execute(plan(List.of(List.of(create(SA)))), Observed.empty());

    assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    assertThat(lines(report)).containsExactly("create ServiceAccount/ns/app FAILED x5: 500 Unavailable: internal error (retryable)");
  }

  @Test
  void failure_stopsDependents_butNotIndependentActions() {
    Resource other = configMap("ns", "independent");
    Resource grandchild = configMap("ns", "grandchild");
    backend.fail("apply", SA.key(), 1, () -> new BackendException.Forbidden("serviceaccounts is forbidden"));
    Plan plan = plan(List.of(
        List.of(create(SA)),
        List.of(create(WEB, SA.key()), create(other)),
        List.of(create(grandchild, WEB.key()))));

    ExecutionReport report = executor.execute(plan, Observed.empty());

    assertThat(lines(report)).containsExactly(
        "create ServiceAccount/ns/app FAILED: 403 Forbidden: serviceaccounts is forbidden",
        "create apps/Deployment/ns/web SKIPPED: prerequisite ServiceAccount/ns/app failed",
        "create ConfigMap/ns/independent APPLIED",
        "create ConfigMap/ns/grandchild SKIPPED: prerequisite apps/Deployment/ns/web was skipped");
    assertThat(report.hasFailures()).isTrue();
    assertThat(report.requeueAfter()).hasValue(Duration.ZERO);
    assertThat(report.outcome(SA.key()).orElseThrow().retryable()).isFalse();
  }

  @Test
  void kindOrderAlone_neitherStopsNorHoldsAnAction() {
    backend.fail("apply", CM.key(), 1, () -> new BackendException.Forbidden("configmaps is forbidden"));
    Action.Create afterByKindOnly = new Action.Create(WEB, ImmutableList.of("not found"),
        ImmutableList.of(dev.converge.api.Edge.of(CM.key(), WEB.key(), dev.converge.api.EdgeRule.KIND_ORDER, "ConfigMap before Deployment"),
            dev.converge.api.Edge.of(SVC.key(), WEB.key(), dev.converge.api.EdgeRule.KIND_ORDER, "Service before Deployment")),
        ImmutableList.of(CM.key()));
    Plan plan = plan(List.of(List.of(create(CM)), List.of(afterByKindOnly)), Map.of(SVC.key(), ReadyGates.serviceHasEndpoints()));

    ExecutionReport report = executor.execute(plan, Observed.empty());

    assertThat(lines(report)).containsExactly(
        "create ConfigMap/ns/app FAILED: 403 Forbidden: configmaps is forbidden",
        "create apps/Deployment/ns/web APPLIED");
  }

  @Test
  void hardEdgeAndKindOrderFromTheSamePrerequisite_stillStops() {
    backend.fail("apply", CM.key(), 1, () -> new BackendException.Forbidden("configmaps is forbidden"));
    Action.Create both = new Action.Create(WEB, ImmutableList.of("not found"),
        ImmutableList.of(dev.converge.api.Edge.of(CM.key(), WEB.key(), dev.converge.api.EdgeRule.CONFIG_MAP, "volumes"),
            dev.converge.api.Edge.of(CM.key(), WEB.key(), dev.converge.api.EdgeRule.KIND_ORDER, "")),
        ImmutableList.of(CM.key()));

    ExecutionReport report = executor.execute(plan(List.of(List.of(create(CM)), List.of(both))), Observed.empty());

    assertThat(report.outcome(WEB.key()).orElseThrow().status()).isEqualTo(ActionStatus.SKIPPED);
  }

  @Test
  void notFoundOnApply_isRetryable_theNamespaceMayComeLater() {
    backend.fail("apply", CM.key(), 1, () -> new BackendException.NotFound("namespaces \"ns\" not found"));

    ExecutionReport report = executor.execute(plan(List.of(List.of(create(CM)))), Observed.empty());

    assertThat(lines(report)).containsExactly("create ConfigMap/ns/app FAILED: 404 NotFound: namespaces \"ns\" not found (retryable)");
  }

  @Test
  void delete_passesTheLiveUidAsPrecondition_andNeverDeletesANewerObject() {
    Resource old = backend.put(CM);
    backend.deleteAsUser(CM.key());
    Resource newer = backend.put(CM);
    backend.clearTranscript();

    ExecutionReport report = executor.execute(plan(List.of(List.of(delete(old)))), Observed.of(List.of(old)));

    assertThat(newer.uid()).isNotEqualTo(old.uid());
    assertThat(lines(report)).containsExactly("delete ConfigMap/ns/app FAILED: Precondition failed: UID in precondition: "
        + old.uid() + ", UID in object meta: " + newer.uid() + " (the object was replaced; it will be planned again) (retryable)");
    assertThat(backend.transcript()).containsExactly("delete ConfigMap/ns/app", "get ConfigMap/ns/app");
    assertThat(backend.peek(CM.key())).isPresent();
  }

  @Test
  void delete_ofAnObjectAlreadyGone_succeeds() {
    ExecutionReport report = executor.execute(plan(List.of(List.of(delete(CM)))), Observed.of(List.of(CM)));

    assertThat(lines(report)).containsExactly("delete ConfigMap/ns/app DELETED");
  }

  @Test
  void deletes_doNotWaitForGates() {
    Resource live = backend.put(SVC);
    Action.Delete delete = new Action.Delete(live, dev.converge.api.DeleteReason.NO_LONGER_DESIRED,
        dev.converge.api.Propagation.FOREGROUND, ImmutableList.of(), createOrderedAfter(SVC, WEB.key()).orderedBy(), ImmutableList.of());

    ExecutionReport report = executor.execute(plan(List.of(List.of(delete)), Map.of(WEB.key(), ReadyGates.deploymentAvailable())),
        Observed.of(List.of(live)));

    assertThat(lines(report)).containsExactly("delete Service/ns/web DELETED");
  }

  @Test
  void replace_deletesThenCreatesWhenTheOldObjectIsGone() {
    Resource old = backend.put(WEB);
    backend.clearTranscript();
    Resource desired = deployment("ns", "web", "nginx:2");

    ExecutionReport report = executor.execute(plan(List.of(List.of(replace(desired, old)))), Observed.of(List.of(old)));

    assertThat(lines(report)).containsExactly("replace apps/Deployment/ns/web APPLIED x2");
    assertThat(backend.transcript()).containsExactly(
        "delete apps/Deployment/ns/web", "get apps/Deployment/ns/web", "apply apps/Deployment/ns/web");
    assertThat(backend.peek(WEB.key()).orElseThrow().uid()).isNotEqualTo(old.uid());
  }

  @Test
  void replace_whileTheOldObjectIsStillTerminating_failsAsRetryableWithoutTouchingIt() {
    Resource old = backend.put(WEB.edit(tree -> tree.withObjectProperty("metadata").putArray("finalizers").add("orphan")));
    backend.clearTranscript();

    ExecutionReport report = executor.execute(plan(List.of(List.of(replace(deployment("ns", "web", "nginx:2"), old)))),
        Observed.of(List.of(old)));

    assertThat(lines(report)).containsExactly("replace apps/Deployment/ns/web FAILED: "
        + "the old object is still terminating; it will be created once it is gone (retryable)");
    assertThat(backend.transcript()).containsExactly("delete apps/Deployment/ns/web", "get apps/Deployment/ns/web");
    assertThat(backend.peek(WEB.key()).orElseThrow().spec().toString()).contains("nginx:1");
  }

  @Test
  void report_countsWritesRequestsAndPublishesActionMetrics() {
    Resource gone = backend.put(configMap("ns", "old"));
    backend.fail("apply", SVC.key(), 1, () -> new BackendException.Invalid("Service is invalid", ImmutableList.of("spec.ports: Required")));
    Plan plan = plan(List.of(List.of(create(SA), create(SVC)), List.of(delete(gone))));

    ExecutionReport report = executor.execute(plan, Observed.of(List.of(gone)));

    assertThat(report.writes()).isEqualTo(3);
    assertThat(report.requests()).containsExactly("apply ServiceAccount/ns/app", "apply Service/ns/web", "delete ConfigMap/ns/old");
    assertThat(report.withStatus(ActionStatus.FAILED)).extracting(ActionOutcome::key).containsExactly(SVC.key());
    assertThat(report.toString()).isEqualTo("""
        1 applied, 1 deleted, 0 waiting, 0 skipped, 1 failed
          create ServiceAccount/ns/app APPLIED
          create Service/ns/web FAILED: 422 Invalid: Service is invalid
          delete ConfigMap/ns/old DELETED""");
    assertThat(registry.get("converge.actions").tags("verb", "create", "outcome", "applied").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("converge.actions").tags("verb", "create", "outcome", "failed").counter().count()).isEqualTo(1.0);
    assertThat(registry.get("converge.actions").tags("verb", "delete", "outcome", "deleted").counter().count()).isEqualTo(1.0);
  }

  @Test
  void serverWarnings_reachTheirActionsOutcome_eachOnce_throughDecorators() {
    // A server that warns on every apply of the Deployment, behind a decorator that knows nothing of warnings;
    // the first apply conflicts, so the warning comes twice and is kept once.
    Backend warning = new ForwardingBackend(backend) {
      @Override
      public Resource apply(Resource resource, ApplyOptions options) {
        if (resource.key().equals(WEB.key())) {
          ServerWarnings.report("apps/v1 Deployment: an admission note");
        }
        return delegate().apply(resource, options);
      }
    };
    backend.fail("apply", WEB.key(), 1, () -> new BackendException.Conflict("the object has been modified"));
    ExecutionReport report = PlanExecutor.builder(warning).build().execute(plan(List.of(List.of(create(CM), create(WEB)))),
        Observed.empty());

    assertThat(report.outcome(WEB.key()).orElseThrow().warnings()).containsExactly("apps/v1 Deployment: an admission note");
    assertThat(report.outcome(WEB.key()).orElseThrow().attempts()).isEqualTo(2);
    assertThat(report.outcome(CM.key()).orElseThrow().warnings()).isEmpty();
    assertThat(report.warnings()).containsExactly("apps/Deployment/ns/web: apps/v1 Deployment: an admission note");
    List<String> outside = new ArrayList<>();
    ServerWarnings.report("dropped: no call collects it");
    List<String> inside = new ArrayList<>();
    ServerWarnings.collect(outside::add, () -> {
      ServerWarnings.collect(inside::add, () -> {
        ServerWarnings.report("to the innermost sink");
        return null;
      });
      ServerWarnings.report("back to the outer sink");
      return null;
    });
    assertThat(inside).containsExactly("to the innermost sink");
    assertThat(outside).containsExactly("back to the outer sink");
  }
}
