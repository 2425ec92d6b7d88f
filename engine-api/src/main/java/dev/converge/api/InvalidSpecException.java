package dev.converge.api;

/**
 * A primary's spec cannot be reconciled. The message is shown to users as is (in a status condition and in
 * CLI errors); {@link #path()} names the offending field when there is one.
 */
public final class InvalidSpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String path;

  public InvalidSpecException(String message) {
    this("", message);
  }

  public InvalidSpecException(String path, String message) {
    super(message);
    this.path = path;
  }

  /** The dotted path of the offending field ({@code spec.global.credentials}), or empty. */
  public String path() {
    return path;
  }
}
