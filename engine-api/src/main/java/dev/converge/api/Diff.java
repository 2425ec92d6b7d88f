package dev.converge.api;

import com.google.common.collect.ImmutableList;

/**
 * The field-level difference between a desired and a live object, ordered by path. Only fields the desired
 * object sets are compared; an empty diff means the live object already satisfies the desired one.
 *
 * @param changes the differing fields, ordered by path
 */
public record Diff(ImmutableList<FieldChange> changes) {
  private static final Diff NONE = new Diff(ImmutableList.of());

  /** {@return the empty diff} */
  public static Diff none() {
    return NONE;
  }

  /**
   * {@return a diff of {@code changes}; the shared empty diff when there are none}
   *
   * @param changes the differing fields, ordered by path
   */
  public static Diff of(ImmutableList<FieldChange> changes) {
    return changes.isEmpty() ? NONE : new Diff(changes);
  }

  /** {@return whether nothing differs} */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** {@return the changed paths, in order} */
  public ImmutableList<String> paths() {
    return changes.stream().map(FieldChange::path).collect(ImmutableList.toImmutableList());
  }
}
