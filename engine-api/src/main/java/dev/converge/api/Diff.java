package dev.converge.api;

import com.google.common.collect.ImmutableList;

/**
 * The field-level difference between a desired and a live object, ordered by path. Only fields the desired
 * object sets are compared; an empty diff means the live object already satisfies the desired one.
 */
public record Diff(ImmutableList<FieldChange> changes) {
  private static final Diff NONE = new Diff(ImmutableList.of());

  public static Diff none() {
    return NONE;
  }

  public static Diff of(ImmutableList<FieldChange> changes) {
    return changes.isEmpty() ? NONE : new Diff(changes);
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The changed paths, in order. */
  public ImmutableList<String> paths() {
    return changes.stream().map(FieldChange::path).collect(ImmutableList.toImmutableList());
  }
}
