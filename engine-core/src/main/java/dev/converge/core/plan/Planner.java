package dev.converge.core.plan;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Action;
import dev.converge.api.DeleteReason;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Propagation;
import dev.converge.api.ReadyGate;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a desired graph with actual state and returns the ordered plan. Pure and deterministic: the same
 * inputs always give an equal plan.
 *
 * <p>This first version creates missing objects, updates objects whose desired fields differ (compared
 * naively) and prunes owned objects that are no longer desired, in one step each.
 */
public final class Planner {
  private static final Planner DEFAULTS = new Planner();

  private Planner() {}

  /** A planner with the built-in rules. */
  public static Planner defaults() {
    return DEFAULTS;
  }

  /** The plan that takes {@code actual} to {@code desired}. */
  public Plan plan(DesiredGraph desired, Observed actual) {
    List<Action> applies = new ArrayList<>();
    ImmutableMap.Builder<ResourceKey, ReadyGate> gates = ImmutableMap.builder();
    for (DesiredResource entry : desired.resources().values()) {
      ReadyGate gate = entry.effectiveGate();
      if (gate != null) {
        gates.put(entry.key(), gate);
      }
      Resource want = entry.resource();
      Resource live = actual.get(want.key()).orElse(null);
      if (live == null) {
        applies.add(new Action.Create(want, ImmutableList.of("not found"), ImmutableList.of(), ImmutableList.of()));
      } else if (!NaiveDiff.covers(live.json(), want.json())) {
        applies.add(new Action.Update(want, live, NaiveDiff.diff(live.json(), want.json()), ImmutableList.of("differs"), ImmutableList.of(), ImmutableList.of()));
      }
    }
    List<Action> deletes = new ArrayList<>();
    desired.owner().ifPresent(owner -> {
      for (Resource live : actual.ownedBy(owner)) {
        if (!desired.contains(live.key())) {
          deletes.add(new Action.Delete(live, DeleteReason.NO_LONGER_DESIRED, Propagation.BACKGROUND,
              ImmutableList.of(DeleteReason.NO_LONGER_DESIRED.phrase()), ImmutableList.of(), ImmutableList.of()));
        }
      }
    });
    ImmutableList.Builder<Step> steps = ImmutableList.builder();
    if (!applies.isEmpty()) {
      steps.add(new Step(ImmutableList.copyOf(applies)));
    }
    if (!deletes.isEmpty()) {
      steps.add(new Step(ImmutableList.copyOf(deletes)));
    }
    ImmutableList<Step> built = steps.build();
    return built.isEmpty() ? Plan.empty() : new Plan(built, gates.buildKeepingLast());
  }
}
