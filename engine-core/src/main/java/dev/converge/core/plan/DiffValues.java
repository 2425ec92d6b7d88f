package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.core.schema.Quantity;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * How the diff compares scalar values and recognises the zero values a server drops. Consulted only where
 * the plain {@code equals} of two nodes fails, so the no-change path costs one comparison per leaf.
 */
final class DiffValues {
  private DiffValues() {}

  /**
   * Whether two scalars denote the same value: equal nodes; numbers of equal value whatever their Java type
   * (YAML's {@code 1} is an int, a server's may be a long); and int-or-string by value, because
   * {@code intstr.IntOrString} fields ({@code targetPort}, {@code maxUnavailable}, probe ports) accept both
   * {@code 8080} and {@code "8080"} and a manifest may use either, while {@code "10%"} stays a string.
   */
  static boolean sameScalar(JsonNode desired, JsonNode live) {
    if (desired.equals(live)) {
      return true;
    }
    if (desired.isNumber() && live.isNumber()) {
      return sameNumber(desired, live);
    }
    if (desired.isNumber() && live.isTextual()) {
      return desired.isIntegralNumber() && desired.asText().equals(live.textValue());
    }
    if (desired.isTextual() && live.isNumber()) {
      return live.isIntegralNumber() && live.asText().equals(desired.textValue());
    }
    return false;
  }

  private static boolean sameNumber(JsonNode a, JsonNode b) {
    if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
      return a.longValue() == b.longValue();
    }
    return a.decimalValue().compareTo(b.decimalValue()) == 0;
  }

  /**
   * Whether two values are the same resource quantity ({@code 1000m} and {@code 1}, {@code 1Gi} and {@code
   * 1024Mi}, the number {@code 2} and the string {@code "2"}): the API server canonicalises quantities on
   * write ({@code resource.Quantity}'s canonical form), so only the amount is comparable.
   */
  static boolean sameQuantity(JsonNode desired, @Nullable JsonNode live) {
    if (live == null || !isQuantityText(desired) || !isQuantityText(live)) {
      return false;
    }
    return Quantity.sameAmount(desired.asText(), live.asText());
  }

  private static boolean isQuantityText(JsonNode node) {
    return node.isTextual() || node.isNumber();
  }

  /**
   * Whether the server drops {@code node} when it is written: Go's {@code omitempty} omits {@code ""},
   * {@code 0}, {@code false}, empty maps and slices, and JSON {@code null} means "unset". An object whose
   * every field is a zero value is itself dropped field by field, so it counts as zero too.
   */
  static boolean isZero(JsonNode node) {
    switch (node.getNodeType()) {
      case NULL:
      case MISSING:
        return true;
      case STRING:
        return node.textValue().isEmpty();
      case BOOLEAN:
        return !node.booleanValue();
      case NUMBER:
        return node.isIntegralNumber() ? node.canConvertToLong() && node.longValue() == 0 : node.decimalValue().signum() == 0;
      case ARRAY:
        return node.isEmpty();
      case OBJECT:
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          if (!isZero(field.getValue())) {
            return false;
          }
        }
        return true;
      default:
        return false;
    }
  }
}
