package dev.converge.testkit.assertions;

import static dev.converge.testkit.assertions.ConvergeAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.DeleteReason;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.plan.Planner;
import dev.converge.testkit.KubeObjects;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plan assertions pass on the plans the planner makes and fail with a message that names the check and shows
 * the plan: creates/before/after, updates/changing, deletes/because, replaces, isEmpty, actions as a list.
 */
class PlanAssertTest {
  private static final ResourceKey OWNER = ResourceKey.parse("example.dev/App/shop/web");

  private static Resource stored(Resource object) {
    return object.edit(t -> t.withObjectProperty("metadata").put("uid", "u-" + object.name()).put("resourceVersion", "5"));
  }

  /** {@code object} as the planner stamps it for {@link #OWNER} and a server stores it. */
  private static Resource stamped(Resource object) {
    return stored(graph(object).resources().values().iterator().next().resource());
  }

  private static DesiredGraph graph(Resource... objects) {
    DesiredGraph.Builder builder = DesiredGraph.builder().owner(OWNER);
    for (Resource object : objects) {
      builder.add(object);
    }
    return builder.build();
  }

  private final Resource namespace = KubeObjects.namespace("shop");
  private final Resource account = KubeObjects.serviceAccount("shop", "web");
  private final Resource deployment = KubeObjects.deployment("shop", "web", "nginx:1.27", 2, "web");
  private final Plan install = Planner.defaults().plan(graph(namespace, account, deployment), Observed.empty());

  @Test
  void install_createsInOrder() {
    assertThat(install).hasSize(3).isNotEmpty()
        .creates("apps/Deployment/shop/web").after("ServiceAccount/shop/web").waitsFor("ServiceAccount/shop/web")
        .and().creates("Namespace/shop").before("ServiceAccount/shop/web").inStep(1);
    assertThat(install).actions()
        .containsExactly("create Namespace/shop", "create ServiceAccount/shop/web", "create apps/Deployment/shop/web");
  }

  @Test
  void failures_nameTheCheck_andShowThePlan() {
    assertThatThrownBy(() -> assertThat(install).creates("ServiceAccount/shop/web").before("Namespace/shop"))
        .hasMessageContaining("expected create ServiceAccount/shop/web (step 2) before the action on Namespace/shop (step 1)")
        .hasMessageContaining("step 3: create apps/Deployment/shop/web");
    assertThatThrownBy(() -> assertThat(install).deletes("Namespace/shop"))
        .hasMessageContaining("expected the plan to delete Namespace/shop but it plans a create");
    assertThatThrownBy(() -> assertThat(install).creates("ConfigMap/shop/absent"))
        .hasMessageContaining("expected the plan to create ConfigMap/shop/absent but it has no action on it");
    assertThatThrownBy(() -> assertThat(install).isEmpty())
        .hasMessageContaining("expected an empty plan (converged) but it has 3 action(s)");
  }

  @Test
  void updates_changing_theDifferingPathsOnly() {
    Observed live = Observed.of(List.of(stamped(namespace), stamped(account),
        stamped(KubeObjects.deployment("shop", "web", "nginx:1.27", 1, "web"))));
    Plan plan = Planner.defaults().plan(graph(namespace, account, deployment), live);
    assertThat(plan).hasSize(1).updates("apps/Deployment/shop/web").changing("spec.replicas").because("spec.replicas");
    assertThat(plan).doesNotTouch("ServiceAccount/shop/web");
    assertThatThrownBy(() -> assertThat(plan).updates("apps/Deployment/shop/web").changing("spec.template"))
        .hasMessageContaining("to change [spec.template] but it changes [spec.replicas]");
  }

  @Test
  void deletes_becauseNoLongerDesired_andReplaces_forAnImmutableSelector() {
    Resource old = stamped(KubeObjects.configMap("shop", "old", "k", "1"));
    Resource otherSelector = stamped(KubeObjects.deployment("shop", "web", "nginx:1.27", 2, "web")
        .edit(t -> t.withObjectProperty("spec").withObjectProperty("selector").withObjectProperty("matchLabels").put("app", "old")));
    Plan plan = Planner.defaults().plan(graph(namespace, account, deployment),
        Observed.of(List.of(stamped(namespace), stamped(account), old, otherSelector)));
    assertThat(plan).deletes("ConfigMap/shop/old").because(DeleteReason.NO_LONGER_DESIRED)
        .and().replaces("apps/Deployment/shop/web").withPropagation(Propagation.ORPHAN);
    assertThat(Planner.defaults().plan(graph(namespace), Observed.of(List.of(stamped(namespace))))).isEmpty();
  }
}
