package dev.converge.testkit.assertions;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Action;
import dev.converge.api.Plan;
import dev.converge.api.ResourceKey;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.ListAssert;

/**
 * Checks on a {@link Plan}, each failure naming what it looked for and showing the whole plan:
 *
 * <pre>{@code
 * assertThat(plan).creates("apps/DaemonSet/datadog/datadog-agent").after("ServiceAccount/datadog/datadog-agent");
 * assertThat(plan).updates("apps/Deployment/shop/web").changing("spec.replicas");
 * assertThat(plan).deletes("ConfigMap/shop/old").and().hasSize(2);
 * assertThat(replan).isEmpty();
 * }</pre>
 */
public final class PlanAssert extends AbstractAssert<PlanAssert, Plan> {

  PlanAssert(Plan plan) {
    super(plan, PlanAssert.class);
  }

  /** The plan has no action: the system has converged. */
  public PlanAssert isEmpty() {
    isNotNull();
    if (!actual.isEmpty()) {
      failWithMessage("expected an empty plan (converged) but it has %s action(s):%n%s", actual.size(), render(actual));
    }
    return this;
  }

  public PlanAssert isNotEmpty() {
    isNotNull();
    if (actual.isEmpty()) {
      failWithMessage("expected a plan with actions but it is empty");
    }
    return this;
  }

  /** The plan has {@code count} actions. */
  public PlanAssert hasSize(int count) {
    isNotNull();
    if (actual.size() != count) {
      failWithMessage("expected a plan of %s action(s) but it has %s:%n%s", count, actual.size(), render(actual));
    }
    return this;
  }

  /** The plan has {@code count} steps. */
  public PlanAssert hasSteps(int count) {
    isNotNull();
    if (actual.steps().size() != count) {
      failWithMessage("expected a plan of %s step(s) but it has %s:%n%s", count, actual.steps().size(), render(actual));
    }
    return this;
  }

  /** The plan creates {@code key} (in the string form of {@link ResourceKey#toString()}). */
  public ActionAssert creates(String key) {
    return action("create", key);
  }

  /** The plan updates {@code key}; chain {@link ActionAssert#changing} to check the changed paths. */
  public ActionAssert updates(String key) {
    return action("update", key);
  }

  /** The plan deletes {@code key}. */
  public ActionAssert deletes(String key) {
    return action("delete", key);
  }

  /** The plan replaces (deletes, then creates) {@code key}. */
  public ActionAssert replaces(String key) {
    return action("replace", key);
  }

  /** The plan has no action on {@code key}. */
  public PlanAssert doesNotTouch(String key) {
    isNotNull();
    Optional<Action> found = actual.find(ResourceKey.parse(key));
    if (found.isPresent()) {
      failWithMessage("expected no action on %s but the plan has a %s of it:%n%s", key, found.get().verb(), render(actual));
    }
    return this;
  }

  /** The actions as {@code "<verb> <key>"}, in plan order, for transcript-style checks. */
  public ListAssert<String> actions() {
    isNotNull();
    return new ListAssert<>(tokens(actual)).as("actions of the plan");
  }

  private ActionAssert action(String verb, String key) {
    isNotNull();
    ResourceKey parsed = ResourceKey.parse(key);
    Optional<Action> found = actual.find(parsed);
    if (found.isEmpty()) {
      failWithMessage("expected the plan to %s %s but it has no action on it:%n%s", verb, key, render(actual));
    }
    Action action = found.orElseThrow();
    if (!action.verb().equals(verb)) {
      failWithMessage("expected the plan to %s %s but it plans a %s:%n%s", verb, key, action.verb(), render(actual));
    }
    return new ActionAssert(this, actual, action);
  }

  static ImmutableList<String> tokens(Plan plan) {
    return plan.actions().stream().map(a -> a.verb() + " " + a.key()).collect(ImmutableList.toImmutableList());
  }

  /** One line per action: {@code "step 1: create ConfigMap/shop/web"}. */
  static String render(Plan plan) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < plan.steps().size(); i++) {
      for (Action action : plan.steps().get(i).actions()) {
        out.append("  step ").append(i + 1).append(": ").append(action.verb()).append(' ').append(action.key());
        action.diff().ifPresent(diff -> out.append(' ').append(diff.paths()));
        out.append(System.lineSeparator());
      }
    }
    return out.length() == 0 ? "  (no actions)" : out.toString();
  }
}
