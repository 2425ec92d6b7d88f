package dev.converge.api;

import com.google.common.collect.ImmutableList;

/** How a reconcile pass ended, for the status function. */
public sealed interface Outcome permits Outcome.Converged, Outcome.Progressing, Outcome.Invalid, Outcome.Failed {

  /** Every action succeeded and nothing is waiting. */
  record Converged() implements Outcome {}

  /**
   * Actions ran or are held behind readiness gates; another pass will follow.
   *
   * @param waitingFor the actions held back, one {@code "<key>: <reason>"} each
   */
  record Progressing(ImmutableList<String> waitingFor) implements Outcome {}

  /**
   * The primary's spec is invalid; nothing was changed.
   *
   * @param message the decoder's message, as users see it
   */
  record Invalid(String message) implements Outcome {}

  /**
   * Some actions failed.
   *
   * @param errors which and why, one line each
   */
  record Failed(ImmutableList<String> errors) implements Outcome {}

  /** {@return the outcome of a pass that converged} */
  static Outcome converged() {
    return new Converged();
  }

  /**
   * {@return the outcome of a pass whose primary did not decode}
   *
   * @param message the decoder's message
   */
  static Outcome invalid(String message) {
    return new Invalid(message);
  }
}
