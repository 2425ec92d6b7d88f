package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validation rule as Go's {@code %#v} prints the internal {@code apiextensions.ValidationRule}, which is the
 * value Kubernetes shows in a CRD's compile-error cause: {@code apiextensions.ValidationRule{Rule:"self > 0",
 * Message:"", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"",
 * OptionalOldSelf:(*bool)(nil)}}. Go prints a set {@code reason} or {@code optionalOldSelf} as the address of its
 * pointer, which varies from run to run; a fixed address stands in for it here.
 */
record GoRule(String text) {
  private static final String ADDRESS = "0xc000000000";

  static GoRule of(JsonNode rule) {
    return new GoRule("apiextensions.ValidationRule{Rule:" + quote(rule.path("rule").asText(""))
        + ", Message:" + quote(rule.path("message").asText(""))
        + ", MessageExpression:" + quote(rule.path("messageExpression").asText(""))
        + ", Reason:(*apiextensions.FieldValueErrorReason)(" + (rule.path("reason").isTextual() ? ADDRESS : "nil") + ")"
        + ", FieldPath:" + quote(rule.path("fieldPath").asText(""))
        + ", OptionalOldSelf:(*bool)(" + (rule.path("optionalOldSelf").isBoolean() ? ADDRESS : "nil") + ")}");
  }

  /** Go's {@code strconv.Quote} for the characters rules hold. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  @Override
  public String toString() {
    return text;
  }
}
