package dev.converge.api;

/**
 * A primary's spec cannot be reconciled. The message is shown to users as is (in a status condition and in
 * CLI errors); {@link #path()} names the offending field when there is one.
 */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The dotted path of the offending field, or empty. */
  private final String path;

  /**
   * A spec that cannot be reconciled, with no single field to blame.
   *
   * @param message what users see
   */
  public InvalidSpecException(String message) {
    this("", message);
  }

  /**
   * A spec that cannot be reconciled because of one field.
   *
   * @param path the dotted path of the offending field
   * @param message what users see
   */
  public InvalidSpecException(String path, String message) {
    super(message);
    this.path = path;
  }

  /** {@return the dotted path of the offending field ({@code spec.global.credentials}), or empty} */
  public String path() {
    return path;
  }
}
