package dev.converge.api;

/**
 * A JSON tree is not a valid resource. {@link #path()} is the dotted path of the offending field
 * ({@code metadata.name}), empty when the whole document is wrong.
 */
public final class InvalidResourceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String path;
  private final String problem;

  public InvalidResourceException(String path, String problem) {
    super(path.isEmpty() ? problem : path + ": " + problem);
    this.path = path;
    this.problem = problem;
  }

  /** The dotted path of the offending field, or empty. */
  public String path() {
    return path;
  }

  /** What is wrong with it, without the path. */
  public String problem() {
    return problem;
  }
}
