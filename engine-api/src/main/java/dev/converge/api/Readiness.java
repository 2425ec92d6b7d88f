package dev.converge.api;

/**
 * Whether a resource is ready for its dependents, and why not.
 *
 * @param isReady whether dependents may proceed
 * @param reason a short explanation, for reports ({@code "2/3 replicas available"})
 */
public record Readiness(boolean isReady, String reason) {
  private static final Readiness READY = new Readiness(true, "ready");

  /** {@return ready} */
  public static Readiness ready() {
    return READY;
  }

  /**
   * {@return not ready, because of {@code reason}}
   *
   * @param reason a short explanation, for reports
   */
  public static Readiness notReady(String reason) {
    return new Readiness(false, reason);
  }
}
