package dev.converge.inmemory.server;

import java.util.Locale;

/**
 * The {@code fieldValidation} directive of a create, update or patch: what the server does with fields the
 * kind's schema does not declare ({@link FieldDecoding}). The server's default is {@link #WARN}; kubectl sends
 * {@link #STRICT} unless told {@code --validate=warn} or {@code --validate=false}.
 */
public enum FieldValidation {
  /** Drop them silently. */
  IGNORE,
  /** Drop them, with one {@code unknown field "<path>"} warning each (the default). */
  WARN,
  /** Refuse the request: 400 naming every one. */
  STRICT;

  /**
   * The directive a request's {@code fieldValidation} parameter names: {@code Ignore}, {@code Warn} or {@code
   * Strict}; absent or empty means {@link #WARN}.
   *
   * @throws IllegalArgumentException for any other value
   */
  public static FieldValidation parse(String value) {
    return switch (value) {
      case "" -> WARN;
      case "Ignore" -> IGNORE;
      case "Warn" -> WARN;
      case "Strict" -> STRICT;
      default -> throw new IllegalArgumentException(value);
    };
  }

  /** The parameter's value for this directive ({@code Strict}). */
  public String parameter() {
    String name = name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
