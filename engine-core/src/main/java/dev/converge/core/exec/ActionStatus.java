package dev.converge.core.exec;

/** How one action of a plan ended. */
public enum ActionStatus {
  /** Created or updated (by server-side apply); for a replace, deleted and created again. */
  APPLIED,
  /** Deleted, or already gone. */
  DELETED,
  /** Not run: a prerequisite's readiness gate is not met yet; a later pass will try again. */
  WAITING,
  /** Not run: a prerequisite failed, waits or was skipped itself. */
  SKIPPED,
  /** Run and failed; {@link ActionOutcome#error()} says why. */
  FAILED;

  /** Whether the action did what the plan asked. */
  public boolean isSuccess() {
    return this == APPLIED || this == DELETED;
  }
}
