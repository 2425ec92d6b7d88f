package dev.converge.api;

import com.google.common.collect.ImmutableSortedSet;
import java.util.ArrayList;
import java.util.List;

/** A recursive-descent parser for the label selector string syntax ({@code a=b,c in (x,y),!d}). */
final class LabelSelectorParser {
  private final String text;
  private int pos;

  LabelSelectorParser(String text) {
    this.text = text;
  }

  LabelSelector parse() {
    List<LabelSelector.Requirement> requirements = new ArrayList<>();
    skipSpaces();
    if (pos == text.length()) {
      return LabelSelector.everything();
    }
    while (true) {
      requirements.add(requirement());
      skipSpaces();
      if (pos == text.length()) {
        return LabelSelector.of(requirements);
      }
      expect(',');
    }
  }

  private LabelSelector.Requirement requirement() {
    skipSpaces();
    if (peek('!')) {
      pos++;
      String key = word();
      return new LabelSelector.Requirement(key, LabelSelector.Operator.DOES_NOT_EXIST, ImmutableSortedSet.of());
    }
    String key = word();
    skipSpaces();
    if (pos == text.length() || peek(',')) {
      return new LabelSelector.Requirement(key, LabelSelector.Operator.EXISTS, ImmutableSortedSet.of());
    }
    if (text.startsWith("!=", pos)) {
      pos += 2;
      return new LabelSelector.Requirement(key, LabelSelector.Operator.NOT_IN, ImmutableSortedSet.of(value()));
    }
    if (text.startsWith("==", pos)) {
      pos += 2;
      return new LabelSelector.Requirement(key, LabelSelector.Operator.IN, ImmutableSortedSet.of(value()));
    }
    if (peek('=')) {
      pos++;
      return new LabelSelector.Requirement(key, LabelSelector.Operator.IN, ImmutableSortedSet.of(value()));
    }
    String operator = word();
    LabelSelector.Operator op = switch (operator) {
      case "in" -> LabelSelector.Operator.IN;
      case "notin" -> LabelSelector.Operator.NOT_IN;
      default -> throw error("expected one of '=', '==', '!=', 'in', 'notin' after '" + key + "', got '" + operator + "'");
    };
    skipSpaces();
    expect('(');
    ImmutableSortedSet.Builder<String> values = ImmutableSortedSet.naturalOrder();
    while (true) {
      skipSpaces();
      values.add(value());
      skipSpaces();
      if (peek(')')) {
        pos++;
        return new LabelSelector.Requirement(key, op, values.build());
      }
      expect(',');
    }
  }

  private String word() {
    skipSpaces();
    int start = pos;
    while (pos < text.length() && isWordChar(text.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw error("expected a label key");
    }
    return text.substring(start, pos);
  }

  private String value() {
    skipSpaces();
    int start = pos;
    while (pos < text.length() && isWordChar(text.charAt(pos))) {
      pos++;
    }
    return text.substring(start, pos);
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/';
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
    pos++;
  }

  private void skipSpaces() {
    while (pos < text.length() && text.charAt(pos) == ' ') {
      pos++;
    }
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("invalid label selector '" + text + "' at position " + pos + ": " + message);
  }
}
