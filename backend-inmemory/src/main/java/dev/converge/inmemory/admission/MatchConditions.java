package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.cel.AdmissionExpression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A webhook's {@code matchConditions} ({@code k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions}):
 * CEL expressions over {@code object}, {@code oldObject} and {@code request}, evaluated after the rules and
 * selectors matched. One that is false skips the webhook, even when others failed; errors, when none is false,
 * skip it under {@code failurePolicy: Ignore} and refuse the request under {@code Fail} ({@link Failed}).
 */
final class MatchConditions {
  private final Map<String, Object> compiled = new ConcurrentHashMap<>();

  /**
   * Whether every condition holds.
   *
   * @throws Failed when one does not compile or fails to evaluate and none is false
   */
  boolean match(JsonNode conditions, AdmissionRequest request, String version) {
    if (!conditions.isArray() || conditions.isEmpty()) {
      return true;
    }
    Map<String, JsonNode> values = new HashMap<>(4);
    values.put("object", json(request.object()));
    values.put("oldObject", json(request.oldObject()));
    values.put("request", requestValue(request, version));
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

  private static JsonNode json(@Nullable Resource object) {
    return object == null ? Json.nodes().nullNode() : object.json();
  }

  /** {@code request}: the review's request without the objects, as the conditions see it. */
  private static JsonNode requestValue(AdmissionRequest request, String version) {
    var value = Json.object();
    value.putObject("kind").put("group", request.kind().group()).put("version", version)
        .put("kind", request.kind().kind());
    value.putObject("resource").put("group", request.kind().group()).put("version", version)
        .put("resource", request.resource());
    value.put("subResource", request.subresource());
    value.set("requestKind", value.get("kind"));
    value.set("requestResource", value.get("resource"));
    value.put("requestSubResource", request.subresource());
    value.put("name", request.name());
    value.put("namespace", request.namespace());
    value.put("operation", request.operation().name());
    var user = value.putObject("userInfo");
    user.put("username", request.identity().name());
    var groups = user.putArray("groups");
    request.identity().groups().forEach(groups::add);
    value.put("dryRun", request.dryRun());
    return value;
  }
}
