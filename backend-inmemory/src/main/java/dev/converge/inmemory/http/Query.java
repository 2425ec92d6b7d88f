package dev.converge.inmemory.http;

import com.google.common.collect.ImmutableMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A request's query parameters, decoded; the first value of a repeated parameter wins. */
final class Query {
  private final ImmutableMap<String, String> values;

  private Query(ImmutableMap<String, String> values) {
    this.values = values;
  }

  static Query parse(@Nullable String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new Query(ImmutableMap.of());
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      values.putIfAbsent(key, value);
    }
    return new Query(ImmutableMap.copyOf(values));
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  @Nullable String get(String name) {
    return values.get(name);
  }

  String get(String name, String fallback) {
    String value = values.get(name);
    return value == null ? fallback : value;
  }

  /** {@code true}, {@code 1} (and an empty value, as Go's {@code strconv.ParseBool} rejects but kubectl never sends) are true. */
  boolean flag(String name) {
    String value = values.get(name);
    return value != null && (value.equals("true") || value.equals("1") || value.equals("True"));
  }

  /** An integer parameter; absent or empty is {@code fallback}. @throws NumberFormatException if malformed */
  long number(String name, long fallback) {
    String value = values.get(name);
    return value == null || value.isEmpty() ? fallback : Long.parseLong(value);
  }
}
