package dev.converge.api;

import com.google.common.collect.ImmutableList;

/**
 * One layer of a plan: actions that may run concurrently, ordered by key. A step starts when every action of
 * the previous step has finished.
 *
 * @param actions the actions, ordered by key
 */
public record Step(ImmutableList<Action> actions) {
  /**
   * Checks that the step is not empty: an empty layer would be a step that waits for nothing.
   *
   * @param actions the actions, at least one
   */
  public Step {
    if (actions.isEmpty()) {
      throw new IllegalArgumentException("a step has at least one action");
    }
  }
}
