package dev.converge.api;

/** Why the planner deletes an object. */
public enum DeleteReason {
  /** The primary still exists but no longer wants the object (a feature was turned off): pruning. */
  NO_LONGER_DESIRED("no longer desired"),
  /** The primary is gone (being deleted): everything it owned goes, in reverse order. */
  OWNER_DELETED("owner is being deleted");

  private final String phrase;

  DeleteReason(String phrase) {
    this.phrase = phrase;
  }

  /** {@return the reason as plans print it} */
  public String phrase() {
    return phrase;
  }
}
