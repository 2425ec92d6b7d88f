package dev.converge.api;

/**
 * A JSON tree is not a valid resource. {@link #path()} is the dotted path of the offending field
 * ({@code metadata.name}), empty when the whole document is wrong.
 */
public final class InvalidResourceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  /** The dotted path of the offending field, or empty. */
  private final String path;
  /** What is wrong with it, without the path. */
  private final String problem;

  /**
   * A problem at {@code path}; the message is {@code "<path>: <problem>"}.
   *
   * @param path the dotted path of the offending field, or empty for the whole document
   * @param problem what is wrong with it
   */
  public InvalidResourceException(String path, String problem) {
    super(path.isEmpty() ? problem : path + ": " + problem);
    this.path = path;
    this.problem = problem;
  }

  /** {@return the dotted path of the offending field, or empty} */
  public String path() {
    return path;
  }

  /** {@return what is wrong with it, without the path} */
  public String problem() {
    return problem;
  }
}
