package dev.converge.inmemory.validation;

import dev.converge.api.Names;

/**
 * The name rules of {@link Names} as loops over the characters, for the server's hot path: every write
 * validates its name and every label, and a regular expression allocates a matcher each time. Each method
 * answers exactly whether the corresponding {@code Names.check…} method finds no problem; the server asks
 * {@code Names} for the message only when one of these says no.
 */
final class NameChecks {
  private NameChecks() {}

  /** {@link Names#checkDns1123Label}: at most 63 of {@code [-a-z0-9]}, alphanumeric at both ends. */
  static boolean dns1123Label(String name) {
    return name.length() <= 63 && label(name, 0, name.length(), false);
  }

  /** {@link Names#checkDns1123Subdomain}: at most 253 characters of DNS-1123 labels joined by dots. */
  static boolean dns1123Subdomain(String name) {
    return subdomain(name, 0, name.length());
  }

  private static boolean subdomain(String text, int from, int to) {
    if (to - from > 253) {
      return false;
    }
    int start = from;
    while (true) {
      int dot = text.indexOf('.', start);
      int end = dot < 0 || dot >= to ? to : dot;
      if (!label(text, start, end, false)) {
        return false;
      }
      if (end == to) {
        return true;
      }
      start = end + 1;
    }
  }

  /** {@link Names#checkDns1035Label}: a DNS-1123 label that starts with a letter. */
  static boolean dns1035Label(String name) {
    return name.length() <= 63 && !name.isEmpty() && isLower(name.charAt(0)) && label(name, 0, name.length(), false);
  }

  /** {@link Names#checkQualifiedName}: an optional DNS-1123 subdomain prefix and {@code /}, then a label name. */
  static boolean qualifiedName(String key) {
    int slash = key.indexOf('/');
    if (slash >= 0) {
      if (slash == 0 || !subdomain(key, 0, slash)) {
        return false;
      }
    }
    int start = slash + 1;
    int length = key.length() - start;
    return length >= 1 && length <= 63 && label(key, start, key.length(), true);
  }

  /** {@link Names#checkLabelValue}: empty, or at most 63 characters shaped like a label name. */
  static boolean labelValue(String value) {
    return value.isEmpty() || (value.length() <= 63 && label(value, 0, value.length(), true));
  }

  /** A ConfigMap or Secret key ({@code [-._a-zA-Z0-9]+}). */
  static boolean configKey(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(alphanumeric(c, true) || c == '-' || c == '.' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code text[start, end)} is non-empty, starts and ends with an alphanumeric character, and has
   * only {@code -} (and, for label names, {@code _}, {@code .} and upper case) in between. DNS labels are
   * lower case.
   */
  private static boolean label(String text, int start, int end, boolean labelName) {
    if (end <= start) {
      return false;
    }
    if (!alphanumeric(text.charAt(start), labelName) || !alphanumeric(text.charAt(end - 1), labelName)) {
      return false;
    }
    for (int i = start + 1; i < end - 1; i++) {
      char c = text.charAt(i);
      if (!(alphanumeric(c, labelName) || c == '-' || (labelName && (c == '_' || c == '.')))) {
        return false;
      }
    }
    return true;
  }

  private static boolean alphanumeric(char c, boolean upperCaseToo) {
    return isLower(c) || (c >= '0' && c <= '9') || (upperCaseToo && c >= 'A' && c <= 'Z');
  }

  private static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }
}
