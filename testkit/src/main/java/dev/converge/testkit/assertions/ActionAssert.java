package dev.converge.testkit.assertions;

import dev.converge.api.Action;
import dev.converge.api.DeleteReason;
import dev.converge.api.Plan;
import dev.converge.api.Propagation;
import dev.converge.api.ResourceKey;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractAssert;

/**
 * Checks on one action of a plan, reached through {@link PlanAssert}: its place in the order, what an update
 * changes, why a delete happens. {@link #and()} returns to the plan.
 */
public final class ActionAssert extends AbstractAssert<ActionAssert, Action> {
  private final PlanAssert plan;
  private final Plan whole;

  ActionAssert(PlanAssert plan, Plan whole, Action action) {
    super(action, ActionAssert.class);
    this.plan = plan;
    this.whole = whole;
  }

  /** Back to the plan, to check another action. */
  public PlanAssert and() {
    return plan;
  }

  /** This action runs in a step strictly before the action on {@code key}. */
  public ActionAssert before(String key) {
    int mine = whole.stepOf(actual.key());
    int theirs = stepOf(key);
    if (mine >= theirs) {
      failWithMessage("expected %s %s (step %s) before the action on %s (step %s):%n%s", actual.verb(), actual.key(),
          mine + 1, key, theirs + 1, PlanAssert.render(whole));
    }
    return this;
  }

  /** This action runs in a step strictly after the action on {@code key}. */
  public ActionAssert after(String key) {
    int mine = whole.stepOf(actual.key());
    int theirs = stepOf(key);
    if (mine <= theirs) {
      failWithMessage("expected %s %s (step %s) after the action on %s (step %s):%n%s", actual.verb(), actual.key(),
          mine + 1, key, theirs + 1, PlanAssert.render(whole));
    }
    return this;
  }

  /** This action is in step {@code step}, counting from 1. */
  public ActionAssert inStep(int step) {
    int mine = whole.stepOf(actual.key()) + 1;
    if (mine != step) {
      failWithMessage("expected %s %s in step %s but it is in step %s:%n%s", actual.verb(), actual.key(), step, mine,
          PlanAssert.render(whole));
    }
    return this;
  }

  /** The diff of this update or replace changes exactly {@code paths} (in any order). */
  public ActionAssert changing(String... paths) {
    List<String> changed = actual.diff().<List<String>>map(d -> d.paths()).orElse(List.of());
    List<String> expected = Arrays.asList(paths);
    if (!(changed.containsAll(expected) && expected.containsAll(changed) && changed.size() == expected.size())) {
      failWithMessage("expected %s %s to change %s but it changes %s", actual.verb(), actual.key(), expected, changed);
    }
    return this;
  }

  /** One of the action's reasons contains {@code text}. */
  public ActionAssert because(String text) {
    if (actual.reasons().stream().noneMatch(reason -> reason.contains(text))) {
      failWithMessage("expected a reason of %s %s to contain \"%s\" but the reasons are %s", actual.verb(), actual.key(),
          text, actual.reasons());
    }
    return this;
  }

  /** This delete happens for {@code why}. */
  public ActionAssert because(DeleteReason why) {
    if (!(actual instanceof Action.Delete delete) || delete.why() != why) {
      failWithMessage("expected %s %s because %s but it is %s", actual.verb(), actual.key(), why.phrase(),
          actual instanceof Action.Delete d ? "because " + d.why().phrase() : "not a delete");
    }
    return this;
  }

  /** This delete or replace propagates with {@code propagation}. */
  public ActionAssert withPropagation(Propagation propagation) {
    Propagation found = actual instanceof Action.Delete d ? d.propagation()
        : actual instanceof Action.Replace r ? r.propagation() : null;
    if (found != propagation) {
      failWithMessage("expected %s %s with propagation %s but it has %s", actual.verb(), actual.key(), propagation, found);
    }
    return this;
  }

  /** This action waits for the action on {@code key} (it is among {@link Action#after()}). */
  public ActionAssert waitsFor(String key) {
    if (!actual.after().contains(ResourceKey.parse(key))) {
      failWithMessage("expected %s %s to wait for %s but it waits for %s", actual.verb(), actual.key(), key, actual.after());
    }
    return this;
  }

  private int stepOf(String key) {
    int step = whole.stepOf(ResourceKey.parse(key));
    if (step < 0) {
      failWithMessage("the plan has no action on %s to order %s %s against:%n%s", key, actual.verb(), actual.key(),
          PlanAssert.render(whole));
    }
    return step;
  }
}
