package dev.converge.api;

import com.google.common.collect.ImmutableList;

/**
 * A plan would take objects away from their owner: live objects carry ownership marks ({@link Ownership#OWNER_LABEL},
 * {@link Ownership#OWNER_ANNOTATION}) of another owner than the desired graph's, or of an owner where the graph
 * applies them unowned. Applying would rewrite or drop those marks, the other owner would take them back on its
 * next pass, and its pruning or teardown would then delete what this graph still wants. So the planner refuses the
 * whole plan, as Helm refuses to adopt another release's objects and controller-runtime another controller's
 * children: nothing of it is applied. Objects without marks are adopted as before.
 *
 * <p>To move an object between owners, let the old owner give it up (remove it from its graph without pruning, or
 * delete the owner with orphan propagation) or remove both marks by hand.
 */
public final class OwnershipConflictException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  /** One entry per object taken, in key order. */
  private final ImmutableList<GraphProblem> conflicts;

  /**
   * @param conflicts every object the plan would take, at least one
   */
  public OwnershipConflictException(ImmutableList<GraphProblem> conflicts) {
    super(GraphProblem.summary(conflicts, "objects belong to another owner"));
    this.conflicts = conflicts;
  }

  /** {@return every object the plan would take from its owner, in key order} */
  public ImmutableList<GraphProblem> conflicts() {
    return conflicts;
  }
}
