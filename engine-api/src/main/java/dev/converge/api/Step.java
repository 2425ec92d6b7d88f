package dev.converge.api;

import com.google.common.collect.ImmutableList;

/**
 * One layer of a plan: actions that may run concurrently, ordered by key. A step starts when every action of
 * the previous step has finished.
 */
public record Step(ImmutableList<Action> actions) {
  public Step {
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a step has at least one action");
    }
  }
}
