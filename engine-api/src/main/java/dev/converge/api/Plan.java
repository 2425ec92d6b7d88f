package dev.converge.api;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Optional;

/**
 * The ordered changes that take actual state to desired state: a list of {@link Step}s, each a set of
 * {@link Action}s that may run concurrently. An empty plan means the system has converged. The gates of the
 * desired graph travel with the plan so the executor can hold dependents of resources that are not ready.
 */
public record Plan(ImmutableList<Step> steps, ImmutableMap<ResourceKey, ReadyGate> gates) {
  private static final Plan EMPTY = new Plan(ImmutableList.of(), ImmutableMap.of());

  public static Plan empty() {
    return EMPTY;
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  /** Every action, step by step. */
  public ImmutableList<Action> actions() {
    return steps.stream().flatMap(step -> step.actions().stream()).collect(ImmutableList.toImmutableList());
  }

  public int size() {
    int n = 0;
    for (Step step : steps) {
      n += step.actions().size();
    }
    return n;
  }

  /** The action on {@code key}, if the plan has one. */
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

  /** The index of the step holding the action on {@code key}, or -1. */
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
