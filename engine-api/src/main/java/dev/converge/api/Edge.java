package dev.converge.api;

/**
 * One ordering constraint: {@code dependent} waits for {@code prerequisite}. For deletes the plan reverses
 * it: the dependent is deleted first.
 *
 * @param prerequisite the resource that goes first
 * @param dependent the resource that waits
 * @param rule why
 * @param detail where the rule found the reference ({@code "spec.template.spec.serviceAccountName"}), or empty
 */
public record Edge(ResourceKey prerequisite, ResourceKey dependent, EdgeRule rule, String detail) {

  /**
   * {@return an edge: {@code dependent} waits for {@code prerequisite} because of {@code rule}}
   *
   * @param prerequisite the resource that goes first
   * @param dependent the resource that waits
   * @param rule why
   * @param detail where the rule found the reference, or empty
   */
  public static Edge of(ResourceKey prerequisite, ResourceKey dependent, EdgeRule rule, String detail) {
    return new Edge(prerequisite, dependent, rule, detail);
  }

  /**
   * {@return the rule's phrase with its detail: {@code "namespaced object"} or {@code "referenced service
   * account (spec.template.spec.serviceAccountName)"}}
   */
  public String explanation() {
    return detail.isEmpty() ? rule.phrase() : rule.phrase() + " (" + detail + ")";
  }

  /** The phrase plans print on the dependent: {@code "after Namespace/datadog: namespaced object"}. */
  @Override
  public String toString() {
    return "after " + prerequisite + ": " + explanation();
  }
}
