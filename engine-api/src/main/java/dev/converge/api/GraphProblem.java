package dev.converge.api;

import java.util.List;

/**
 * One problem with a resource of a {@link DesiredGraph}: a reason the graph is invalid ({@link InvalidGraphException}),
 * or an object its plan would take from another owner ({@link OwnershipConflictException}).
 *
 * @param key the resource at fault
 * @param field the dotted path of the offending field ({@code metadata.name}), or empty
 * @param message what is wrong
 */
public record GraphProblem(ResourceKey key, String field, String message) {
  /**
   * {@return the one problem's text, or {@code "<n> <what>: <first>; <second>; …"}}
   *
   * @param problems at least one
   * @param what what they are, in the plural ({@code "problems"})
   */
  static String summary(List<GraphProblem> problems, String what) {
    return problems.size() == 1
        ? problems.get(0).toString()
        : problems.size() + " " + what + ": " + String.join("; ", problems.stream().map(GraphProblem::toString).toList());
  }

  @Override
  public String toString() {
    return key + (field.isEmpty() ? "" : " " + field) + ": " + message;
  }
}
