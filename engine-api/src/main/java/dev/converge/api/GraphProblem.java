package dev.converge.api;

/**
 * One reason a {@link DesiredGraph} is invalid.
 *
 * @param key the resource at fault
 * @param field the dotted path of the offending field ({@code metadata.name}), or empty
 * @param message what is wrong
 */
public record GraphProblem(ResourceKey key, String field, String message) {
  @Override
  public String toString() {
    return key + (field.isEmpty() ? "" : " " + field) + ": " + message;
  }
}
