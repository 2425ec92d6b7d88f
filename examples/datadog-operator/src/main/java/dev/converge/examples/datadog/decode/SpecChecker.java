package dev.converge.examples.datadog.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a JSON tree against a {@link SpecSchema} strictly: a field the schema does not know is an error (with a
 * suggestion when a known field is a small edit away, to catch typos such as {@code instrumentaton}), a value of
 * the wrong type is an error naming the expected type, and nothing is silently dropped. A JSON {@code null} is
 * treated as an absent field, as the API server does for optional fields.
 */
public final class SpecChecker {
  /** Largest edit distance at which a known field is suggested. */
  static final int MAX_SUGGESTION_DISTANCE = 2;

  private SpecChecker() {}

  /** Every problem of {@code node} against {@code schema}, in document order; empty when it conforms. */
  public static ImmutableList<SpecProblem> check(JsonNode node, SpecSchema schema, String path) {
    List<SpecProblem> problems = new ArrayList<>();
    walk(node, schema, path, problems);
    return ImmutableList.copyOf(problems);
  }

  private static void walk(JsonNode node, SpecSchema schema, String path, List<SpecProblem> problems) {
    if (node.isNull() || node.isMissingNode()) {
      return;
    }
    switch (schema.type()) {
      case STRING:
        if (!node.isTextual()) {
          problems.add(wrongType(path, schema, node));
        } else if (!schema.enumValues().isEmpty() && !schema.enumValues().contains(node.asText())) {
          problems.add(new SpecProblem(path, "unsupported value \"" + node.asText() + "\"; supported values: "
              + String.join(", ", schema.enumValues().stream().map(v -> "\"" + v + "\"").toList())));
        }
        return;
      case BOOLEAN:
        if (!node.isBoolean()) {
          problems.add(wrongType(path, schema, node));
        }
        return;
      case INTEGER:
        if (!node.isIntegralNumber()) {
          problems.add(wrongType(path, schema, node));
        }
        return;
      case ARRAY:
        if (!node.isArray()) {
          problems.add(wrongType(path, schema, node));
          return;
        }
        for (int i = 0; i < node.size(); i++) {
          walk(node.get(i), items(schema), path + "[" + i + "]", problems);
        }
        return;
      case MAP:
        if (!node.isObject()) {
          problems.add(wrongType(path, schema, node));
          return;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
          walk(entry.getValue(), items(schema), child(path, entry.getKey()), problems);
        }
        return;
      case OBJECT:
        if (!node.isObject()) {
          problems.add(wrongType(path, schema, node));
          return;
        }
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
          SpecSchema field = schema.properties().get(entry.getKey());
          if (field == null) {
            problems.add(unknownField(child(path, entry.getKey()), entry.getKey(), schema.properties().keySet()));
          } else {
            walk(entry.getValue(), field, child(path, entry.getKey()), problems);
          }
        }
        return;
      default:
        throw new AssertionError(schema.type());
    }
  }

  private static SpecSchema items(SpecSchema schema) {
    SpecSchema items = schema.items();
    if (items == null) {
      throw new IllegalStateException("array or map schema without items");
    }
    return items;
  }

  static String child(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** The unknown-field problem, with a suggestion when one of {@code known} is close to {@code field}. */
  static SpecProblem unknownField(String path, String field, Iterable<String> known) {
    String suggestion = suggest(field, known);
    return new SpecProblem(path, suggestion == null
        ? "unknown field"
        : "unknown field; did you mean \"" + suggestion + "\"?");
  }

  /** The known name nearest to {@code field} within {@link #MAX_SUGGESTION_DISTANCE}, the first on ties. */
  static @Nullable String suggest(String field, Iterable<String> known) {
    String best = null;
    int bestDistance = MAX_SUGGESTION_DISTANCE + 1;
    for (String candidate : known) {
      int distance = editDistance(field.toLowerCase(), candidate.toLowerCase());
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein distance: insertions, deletions and substitutions each cost one. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static SpecProblem wrongType(String path, SpecSchema schema, JsonNode node) {
    return new SpecProblem(path, "expected " + schema.type().openApiName() + ", got " + describe(node));
  }

  /** {@code string "yes"}, {@code number 1.5}, {@code object}, {@code array}: what the user wrote. */
  static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "string \"" + node.asText() + "\"";
    }
    if (node.isNumber()) {
      return "number " + node.asText();
    }
    if (node.isBoolean()) {
      return "boolean " + node.asText();
    }
    return node.isObject() ? "object" : node.isArray() ? "array" : node.getNodeType().toString().toLowerCase();
  }
}
