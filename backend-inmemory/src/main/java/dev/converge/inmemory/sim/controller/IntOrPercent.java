package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code intstr.GetScaledValueFromIntOrPercent}: an int-or-string such as {@code maxUnavailable} — a number, or
 * a percentage of {@code total} rounded up or down.
 */
final class IntOrPercent {
  private IntOrPercent() {}

  /**
   * The value of {@code field} scaled against {@code total}; {@code fallback} when the field is absent.
   *
   * @throws IllegalArgumentException for a string that is not a percentage
   */
  static int scaled(JsonNode field, int total, boolean roundUp, int fallback) {
    if (field.isMissingNode() || field.isNull()) {
      return fallback;
    }
    if (field.isNumber()) {
      return field.asInt();
    }
    String text = field.asText();
    if (!text.endsWith("%")) {
      try {
        return Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid value for IntOrString: invalid value \"" + text + "\"");
      }
    }
    int percent = Integer.parseInt(text.substring(0, text.length() - 1));
    long product = (long) percent * total;
    return (int) (roundUp ? (product + 99) / 100 : product / 100);
  }
}
