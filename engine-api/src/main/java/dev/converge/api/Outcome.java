package dev.converge.api;

import com.google.common.collect.ImmutableList;

/** How a reconcile pass ended, for the status function. */
public sealed interface Outcome permits Outcome.Converged, Outcome.Progressing, Outcome.Invalid, Outcome.Failed {

  /** Every action succeeded and nothing is waiting. */
  record Converged() implements Outcome {}

  /** Actions ran or are held behind readiness gates; another pass will follow. */
  record Progressing(ImmutableList<String> waitingFor) implements Outcome {}

  /** The primary's spec is invalid; nothing was changed. */
  record Invalid(String message) implements Outcome {}

  /** Some actions failed; {@code errors} says which and why. */
  record Failed(ImmutableList<String> errors) implements Outcome {}

  static Outcome converged() {
    return new Converged();
  }

  static Outcome invalid(String message) {
    return new Invalid(message);
  }
}
