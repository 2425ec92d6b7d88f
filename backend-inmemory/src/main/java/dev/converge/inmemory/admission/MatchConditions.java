package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.inmemory.cel.AdmissionExpression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A webhook's {@code matchConditions} ({@code k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions}):
 * CEL expressions over {@code object}, {@code oldObject} and {@code request}, evaluated after the rules and
 * selectors matched. One that is false skips the webhook, even when others failed; errors, when none is false,
 * skip it under {@code failurePolicy: Ignore} and refuse the request under {@code Fail} ({@link Failed}).
 */
final class MatchConditions {
  private final Map<String, Object> compiled = new ConcurrentHashMap<>();

  /**
   * Whether every condition holds for the review's {@code request} (its {@code object} and {@code oldObject} are
   * the variables of the same names, at the version the webhook asked for).
   *
   * @throws Failed when one does not compile or fails to evaluate and none is false
   */
  boolean match(JsonNode conditions, JsonNode reviewRequest) {
    if (!conditions.isArray() || conditions.isEmpty()) {
      return true;
    }
    Map<String, JsonNode> values = new HashMap<>(4);
    values.put("object", reviewRequest.path("object"));
    values.put("oldObject", reviewRequest.path("oldObject"));
    values.put("request", requestVariable(reviewRequest));
    List<String> errors = new ArrayList<>();
    for (JsonNode condition : conditions) {
      String expression = condition.path("expression").asText();
      Object program = compiled.computeIfAbsent(expression, MatchConditions::compile);
      if (program instanceof String compileError) {
        errors.add("expression '" + expression + "' resulted in error: " + compileError);
        continue;
      }
      try {
        if (!((AdmissionExpression) program).evaluate(values)) {
          return false;
        }
      } catch (IllegalStateException e) {
        // cel.Error from the admission CEL filter (plugin/cel/filter.go).
        errors.add("expression '" + expression + "' resulted in error: " + e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      // utilerrors.NewAggregate: one error as itself, several as [a, b].
      throw new Failed(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    return true;
  }

  /** Conditions that could not be evaluated, none false: the webhook's failure policy decides. */
  static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message, null, false, false);
    }
  }

  /** The compiled expression, or its compile error as text (kept, so a broken one is compiled once). */
  private static Object compile(String expression) {
    try {
      return AdmissionExpression.compile(expression, AdmissionExpression.MATCH_CONDITION_VARIABLES);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }


  /**
   * The review's request as the {@code request} variable: a typed {@code kubernetes.AdmissionRequest} in
   * Kubernetes, without the review's {@code uid} and objects, whose strings the JSON leaves out when empty are
   * there, empty.
   */
  static JsonNode requestVariable(JsonNode reviewRequest) {
    ObjectNode request = Json.mutableCopy((ObjectNode) reviewRequest);
    for (String field : List.of("name", "namespace", "subResource", "requestSubResource")) {
      if (!request.has(field)) {
        request.put(field, "");
      }
    }
    request.remove(List.of("uid", "object", "oldObject"));
    return request;
  }
}
