package dev.converge.api;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Optional;

/**
 * The ordered changes that take actual state to desired state: a list of {@link Step}s, each a set of
 * {@link Action}s that may run concurrently. An empty plan means the system has converged. The gates of the
 * desired graph travel with the plan so the executor can hold dependents of resources that are not ready.
 *
 * @param steps the steps, in order
 * @param gates the readiness gate of every resource that has one, by key
 */
public record Plan(ImmutableList<Step> steps, ImmutableMap<ResourceKey, ReadyGate> gates) {
  private static final Plan EMPTY = new Plan(ImmutableList.of(), ImmutableMap.of());

  /** {@return the plan with nothing to do} */
  public static Plan empty() {
    return EMPTY;
  }

  /** {@return whether there is nothing to do: the system has converged} */
  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** {@return every action, step by step} */
  public ImmutableList<Action> actions() {
    return steps.stream().flatMap(step -> step.actions().stream()).collect(ImmutableList.toImmutableList());
  }

  /** {@return the number of actions} */
  public int size() {
    int n = 0;
    for (Step step : steps) {
      n += step.actions().size();
    }
    return n;
  }

  /**
   * {@return the action on {@code key}, if the plan has one}
   *
   * @param key the resource's key
   */
  public Optional<Action> find(ResourceKey key) {
    for (Step step : steps) {
      for (Action action : step.actions()) {
        if (action.key().equals(key)) {
          return Optional.of(action);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the index of the step holding the action on {@code key}, or -1}
   *
   * @param key the resource's key
   */
  public int stepOf(ResourceKey key) {
    for (int i = 0; i < steps.size(); i++) {
      for (Action action : steps.get(i).actions()) {
        if (action.key().equals(key)) {
          return i;
        }
      }
    }
    return -1;
  }
}
