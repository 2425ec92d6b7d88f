package dev.converge.examples.datadog.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a {@code DatadogAgent} resource into a {@link DatadogAgent}: schema check, validation, defaults (on a
 * copy), binding. Every failure is an {@link InvalidSpecException} whose message users see as is and whose
 * path names the field.
 */
public final class DatadogAgentDecoder {
  private static final ImmutableSet<String> TOP_LEVEL = ImmutableSet.of("apiVersion", "kind", "metadata", "spec", "status");

  private DatadogAgentDecoder() {}

  /**
   * Decodes {@code resource}.
   *
   * @throws InvalidSpecException when the resource is not a {@code datadoghq.com/v2alpha1 DatadogAgent}, has an
   *     unknown field or a value of the wrong type (the message lists every such problem, {@code path: problem},
   *     separated by {@code "; "}), or fails validation (the message is the validation message alone)
   */
  public static DatadogAgent decode(Resource resource) {
    if (!resource.apiVersion().equals(DatadogAgent.API_VERSION) || !resource.kind().equals(DatadogAgent.KIND)) {
      throw new InvalidSpecException("apiVersion", "expected " + DatadogAgent.API_VERSION + " " + DatadogAgent.KIND
          + ", got " + resource.apiVersion() + " " + resource.kind());
    }
    List<SpecProblem> problems = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : resource.json().properties()) {
      if (!TOP_LEVEL.contains(field.getKey())) {
        problems.add(SpecChecker.unknownField(field.getKey(), field.getKey(), TOP_LEVEL));
      }
    }
    JsonNode spec = resource.spec();
    problems.addAll(SpecChecker.check(spec, DatadogAgentSchema.spec(), "spec"));
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems.get(0).path(),
          problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
    }
    Optional<SpecProblem> invalid = AgentValidation.check(resource.name(), spec);
    if (invalid.isPresent()) {
      throw new InvalidSpecException(invalid.get().path(), invalid.get().problem());
    }
    return new DatadogAgent(resource.name(), resource.namespace(), resource.uid(), resource.labels(),
        SpecBinder.spec(AgentDefaults.apply(spec, resource.name())));
  }

  /** Every schema problem of {@code resource}'s spec, for tools that show them all; empty when it conforms. */
  public static ImmutableList<SpecProblem> schemaProblems(Resource resource) {
    return SpecChecker.check(resource.spec(), DatadogAgentSchema.spec(), "spec");
  }
}
