package dev.converge.api;

import com.google.common.collect.ImmutableList;

/** A desired graph failed validation. Every problem is listed; nothing from an invalid graph is ever applied. */
public final class InvalidGraphException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** Every problem found, in the order found. */
  private final ImmutableList<GraphProblem> problems;

  /**
   * A graph with problems; the message lists them all.
   *
   * @param problems every problem found, at least one
   */
  public InvalidGraphException(ImmutableList<GraphProblem> problems) {
    super(GraphProblem.summary(problems, "problems"));
    this.problems = problems;
  }

  /** {@return every problem found, in the order found} */
  public ImmutableList<GraphProblem> problems() {
    return problems;
  }
}
