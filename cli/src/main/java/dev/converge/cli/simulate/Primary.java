package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;

/**
 * The final status of one custom resource an extension's control loop reconciled during a run.
 *
 * @param kind its kind
 * @param namespace its namespace, empty if cluster-scoped
 * @param name its name
 * @param conditions {@code status.conditions}, in the order the object holds them
 */
public record Primary(String kind, String namespace, String name, ImmutableList<Condition> conditions) {

  /**
   * One entry of {@code status.conditions}.
   *
   * @param type its type
   * @param status {@code True}, {@code False} or {@code Unknown}
   * @param reason its reason, empty if none
   * @param message its message, empty if none
   */
  public record Condition(String type, String status, String reason, String message) {}
}
