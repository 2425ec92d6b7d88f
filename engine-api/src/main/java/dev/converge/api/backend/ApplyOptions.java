package dev.converge.api.backend;

/**
 * Options of a server-side apply.
 *
 * @param fieldManager the manager that will own the applied fields
 * @param force whether to take ownership of fields other managers own instead of failing with a conflict
 */
public record ApplyOptions(String fieldManager, boolean force) {
  /** The engine's default manager name. */
  public static final String DEFAULT_FIELD_MANAGER = "converge";

  /**
   * Checks the manager name: the API server rejects an empty one and one over 128 characters.
   *
   * @param fieldManager the manager that will own the applied fields
   * @param force whether to take ownership of fields other managers own
   */
  public ApplyOptions {
    if (fieldManager.isEmpty() || fieldManager.length() > 128) {
      throw new IllegalArgumentException("fieldManager must be 1 to 128 characters");
    }
  }

  /**
   * {@return the engine's defaults: manager {@code converge}, forced, as controllers that own their objects
   * do}
   */
  public static ApplyOptions defaults() {
    return new ApplyOptions(DEFAULT_FIELD_MANAGER, true);
  }

  /**
   * {@return options for {@code fieldManager}, not forced: a field another manager owns is a conflict}
   *
   * @param fieldManager the manager that will own the applied fields
   */
  public static ApplyOptions manager(String fieldManager) {
    return new ApplyOptions(fieldManager, false);
  }

  /** {@return these options, forced: fields other managers own are taken over instead of failing} */
  public ApplyOptions forced() {
    return new ApplyOptions(fieldManager, true);
  }
}
