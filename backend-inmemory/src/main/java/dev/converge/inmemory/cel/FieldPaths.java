package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code fieldPath} of a validation rule, as {@code ValidFieldPath} (apiextensions-apiserver's {@code
 * schema/cel/validation.go}) reads it relative to the rule's node: {@code .name} and {@code ['name']} (single
 * quotes, with backslash escapes) name a property of an object, or a key of a map ({@code additionalProperties});
 * list indexes are not paths. The result is the path as {@code field.Path} prints it: {@code spec.name}, {@code
 * labels[app]}.
 */
final class FieldPaths {
  private FieldPaths() {}

  /** {@code fieldPath} normalised, or null when it does not name a field of {@code schema}. */
  static @Nullable String normalize(String fieldPath, JsonNode schema) {
    List<String> tokens = tokens(fieldPath);
    if (tokens == null) {
      return null;
    }
    StringBuilder path = new StringBuilder();
    JsonNode at = schema;
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      String name;
      if (token.equals("[")) {
        if (i + 2 >= tokens.size() || !tokens.get(i + 2).equals("]")) {
          return null;
        }
        String quoted = tokens.get(i + 1);
        if (quoted.length() < 2 || quoted.charAt(0) != '\'' || quoted.charAt(quoted.length() - 1) != '\'') {
          return null;
        }
        name = unescape(quoted.substring(1, quoted.length() - 1));
        if (name == null) {
          return null;
        }
        i += 2;
      } else if (token.equals(".")) {
        if (i + 1 >= tokens.size() || isDelimiter(tokens.get(i + 1))) {
          return null;
        }
        name = tokens.get(++i);
      } else {
        return null;
      }
      if (at.path("properties").isObject() && !at.path("properties").isEmpty()) {
        JsonNode property = at.path("properties").get(name);
        if (property == null) {
          return null;
        }
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(name);
        at = property;
      } else if (at.path("additionalProperties").isObject()) {
        path.append('[').append(name).append(']');
        at = at.path("additionalProperties");
      } else {
        return null;
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static boolean isDelimiter(String token) {
    return token.equals(".") || token.equals("[") || token.equals("]");
  }

  /** {@code .}, {@code [} and {@code ]} alone, a single-quoted string whole, other text between them; null if a quote is open. */
  private static @Nullable List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '.' || c == '[' || c == ']') {
        tokens.add(String.valueOf(c));
        i++;
      } else if (c == '\'') {
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != '\'') {
          end += text.charAt(end) == '\\' ? 2 : 1;
        }
        if (end >= text.length()) {
          return null;
        }
        tokens.add(text.substring(i, end + 1));
        i = end + 1;
      } else {
        int end = i;
        while (end < text.length() && ".[]'".indexOf(text.charAt(end)) < 0) {
          end++;
        }
        tokens.add(text.substring(i, end));
        i = end;
      }
    }
    return tokens;
  }

  /** Go's escapes inside single quotes ({@code \a \b \f \n \r \t \v \' \\}); null for another. */
  private static @Nullable String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= text.length()) {
        return null;
      }
      switch (text.charAt(i)) {
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'v' -> out.append('\u000b');
        case '\'' -> out.append('\'');
        case '\\' -> out.append('\\');
        default -> {
          return null;
        }
      }
    }
    return out.toString();
  }
}
