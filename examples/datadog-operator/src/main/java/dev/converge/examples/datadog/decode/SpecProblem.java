package dev.converge.examples.datadog.decode;

/**
 * One thing wrong with a DatadogAgent, at a field.
 *
 * @param path the dotted path of the field, with list indices ({@code spec.override.nodeAgent.env[0].name})
 * @param problem what is wrong, without the path
 */
public record SpecProblem(String path, String problem) {

  /** {@code path: problem}, the form users see. */
  @Override
  public String toString() {
    return path.isEmpty() ? problem : path + ": " + problem;
  }
}
