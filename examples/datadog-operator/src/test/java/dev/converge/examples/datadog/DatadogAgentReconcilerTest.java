package dev.converge.examples.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Action;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.plan.Planner;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The reconciler against the pure planner (the pure half of the real operator's pitfalls): a second pass over
 * what the first wrote plans nothing; two DatadogAgents in one namespace never plan to delete each other's
 * objects; a label edit on the DatadogAgent plans an update of the pod template.
 */
class DatadogAgentReconcilerTest {
  private final DatadogAgentReconciler reconciler = new DatadogAgentReconciler();

  private DesiredGraph desired(Resource primary, Observed observed, long seed) {
    DatadogAgent dda = reconciler.decode(primary);
    return reconciler.desired(dda, DatadogTestContext.of(primary, observed, seed));
  }

  /** What a server holds after applying {@code graph}: the objects plus server-assigned fields. */
  private static Observed applied(DesiredGraph graph, Observed before) {
    AtomicInteger version = new AtomicInteger(100);
    List<Resource> objects = new ArrayList<>(before.objects().values());
    for (DesiredResource entry : graph.resources().values()) {
      objects.removeIf(o -> o.key().equals(entry.key()));
      objects.add(entry.resource().edit(tree -> tree.withObjectProperty("metadata")
          .put("resourceVersion", Integer.toString(version.incrementAndGet())).put("uid", "u-" + entry.key().name())));
    }
    return Observed.of(objects);
  }

  @Test
  void identity_isTheDatadogAgentKind() {
    assertThat(reconciler.primaryKind().toString()).isEqualTo("datadoghq.com/DatadogAgent");
  }

  @Test
  void secondPass_plansNothing() {
    Resource primary = DatadogFixtures.exampleAgent();
    DesiredGraph first = desired(primary, Observed.empty(), 1);
    Observed live = applied(first, Observed.empty());
    DesiredGraph second = desired(primary, live, 2);
    Plan plan = Planner.defaults().plan(second, live);
    assertThat(plan.actions()).isEmpty();
  }

  @Test
  void twoAgentsInOneNamespace_neverDeleteEachOthersObjects() {
    Resource a = DatadogFixtures.agent("datadog", DatadogFixtures.MINIMAL);
    Resource b = DatadogFixtures.agent("canary", DatadogFixtures.MINIMAL);
    Observed live = applied(desired(b, Observed.empty(), 2), applied(desired(a, Observed.empty(), 1), Observed.empty()));
    for (Resource primary : List.of(a, b)) {
      Plan plan = Planner.defaults().plan(desired(primary, live, 3), live);
      assertThat(plan.actions()).as(primary.name()).isEmpty();
    }
    // Turning a feature off in one prunes only its own objects.
    Resource bWithoutAdmission = DatadogFixtures.agent("canary", DatadogFixtures.MINIMAL + "  features:\n    admissionController:\n      enabled: false\n");
    Plan plan = Planner.defaults().plan(desired(bWithoutAdmission, live, 3), live);
    assertThat(plan.actions()).filteredOn(action -> action instanceof Action.Delete).extracting(action -> action.key().toString())
        .containsExactlyInAnyOrder("Service/datadog/canary-admission-controller",
            "admissionregistration.k8s.io/MutatingWebhookConfiguration/canary-webhook");
  }

  @Test
  void labelEdit_plansAnUpdateOfThePodTemplate() {
    Resource primary = DatadogFixtures.exampleAgent();
    Observed live = applied(desired(primary, Observed.empty(), 1), Observed.empty());
    Resource edited = primary.edit(tree -> tree.withObjectProperty("spec").withObjectProperty("override").withObjectProperty("nodeAgent")
        .withObjectProperty("labels").put("team", "observability"));
    Plan plan = Planner.defaults().plan(desired(edited, live, 2), live);
    assertThat(plan.actions()).extracting(action -> action.getClass().getSimpleName() + " " + action.key())
        .containsExactly("Update apps/DaemonSet/datadog/datadog-agent");
  }

  @Test
  void invalidSpec_isRejectedBeforeAnythingIsRendered() {
    assertThatThrownBy(() -> reconciler.decode(DatadogFixtures.agent("datadog", "  global:\n    site: x\n")))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessage("credentials not configured in the DatadogAgent, can't reconcile");
  }

  @Test
  void ownedKinds_includeTheClusterScopedOnes() {
    assertThat(reconciler.ownedKinds()).extracting(Object::toString).contains(
        "rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
        "admissionregistration.k8s.io/MutatingWebhookConfiguration");
  }

  @Test
  void desired_ownsEverythingByThePrimary() {
    Resource primary = DatadogFixtures.exampleAgent();
    DesiredGraph graph = desired(primary, Observed.empty(), 1);
    for (DesiredResource entry : graph.resources().values()) {
      assertThat(dev.converge.api.Ownership.isOwnedBy(entry.resource(), primary.key())).as(entry.key().toString()).isTrue();
    }
    assertThat(graph.resources().keySet()).contains(ResourceKey.parse("apps/DaemonSet/datadog/datadog-agent"));
  }
}
