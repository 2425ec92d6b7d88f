package dev.converge.inmemory.validation;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An accumulating {@code field.ErrorList}, with causes spelled as {@code k8s.io/apimachinery/pkg/util/validation/field}
 * prints them: {@code <path>: Required value}, {@code <path>: Invalid value: "<value>": <detail>}, …
 */
public final class FieldErrors {
  private final List<String> causes = new ArrayList<>();

  public FieldErrors required(String path) {
    causes.add(path + ": Required value");
    return this;
  }

  public FieldErrors required(String path, String detail) {
    causes.add(path + ": Required value: " + detail);
    return this;
  }

  public FieldErrors invalid(String path, Object value, String detail) {
    causes.add(path + ": Invalid value: " + quote(value) + ": " + detail);
    return this;
  }

  public FieldErrors forbidden(String path, String detail) {
    causes.add(path + ": Forbidden: " + detail);
    return this;
  }

  /** A cause spelled already. */
  public FieldErrors add(String cause) {
    causes.add(cause);
    return this;
  }

  public FieldErrors internal(String path, String detail) {
    causes.add(path + ": Internal error: " + detail);
    return this;
  }

  public FieldErrors duplicate(String path, Object value) {
    causes.add(path + ": Duplicate value: " + quote(value));
    return this;
  }

  public FieldErrors unsupported(String path, Object value, List<String> supported) {
    causes.add(path + ": Unsupported value: " + quote(value) + ": supported values: "
        + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")));
    return this;
  }

  public FieldErrors tooMany(String path, int actual, int max) {
    causes.add(path + ": Too many: " + actual + ": must have at most " + max + " items");
    return this;
  }

  public FieldErrors immutable(String path, Object value) {
    return invalid(path, value, "field is immutable");
  }

  public int size() {
    return causes.size();
  }

  public boolean isEmpty() {
    return causes.isEmpty();
  }

  public ImmutableList<String> causes() {
    return ImmutableList.copyOf(causes);
  }

  /**
   * A Go-like rendering of a value: strings quoted, string maps as {@code map[string]string{"k":"v"}}, string
   * lists as {@code []string{"a", "b"}}.
   */
  static String quote(Object value) {
    if (value instanceof String text) {
      // Go's %q writes control characters as escapes, so a cause stays on one line.
      return "\"" + text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
    }
    if (value instanceof List<?> list) {
      return "[]string{" + list.stream().map(e -> "\"" + e + "\"").collect(Collectors.joining(", ")) + "}";
    }
    if (value instanceof Map<?, ?> map) {
      return "map[string]string{" + map.entrySet().stream()
          .map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
          .collect(Collectors.joining(", ")) + "}";
    }
    return String.valueOf(value);
  }
}
