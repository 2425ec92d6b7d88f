package dev.converge.inmemory.cel;

import java.util.Optional;
import java.util.Set;

/**
 * How a property name of a schema is spelled in CEL ({@code k8s.io/apiserver/pkg/cel/escaping.go}): a CEL
 * reserved word becomes {@code __<word>__}; otherwise, left to right, {@code __} becomes {@code
 * __underscores__}, {@code .} {@code __dot__}, {@code -} {@code __dash__} and {@code /} {@code __slash__}. A name
 * that is empty, starts with a digit or holds any other character cannot be referenced from CEL.
 */
final class CelNames {
  /** CEL's reserved words, as {@code escaping.go} lists them. */
  private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const",
      "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
      "void", "while");

  private CelNames() {}

  /** The CEL spelling of {@code name}, or empty when CEL cannot reference it. */
  static Optional<String> escape(String name) {
    if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
      return Optional.empty();
    }
    if (RESERVED.contains(name)) {
      return Optional.of("__" + name + "__");
    }
    StringBuilder escaped = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_' && i + 1 < name.length() && name.charAt(i + 1) == '_') {
        escaped.append("__underscores__");
        i++;
      } else if (c == '.') {
        escaped.append("__dot__");
      } else if (c == '-') {
        escaped.append("__dash__");
      } else if (c == '/') {
        escaped.append("__slash__");
      } else if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        escaped.append(c);
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(escaped.toString());
  }
}
