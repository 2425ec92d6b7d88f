package dev.converge.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes name rules (from {@code k8s.io/apimachinery/pkg/util/validation} and {@code
 * apimachinery/pkg/api/validation/path}): most objects need a DNS-1123 subdomain, namespaces a DNS-1123 label,
 * services a DNS-1035 label, and RBAC objects only a valid path segment (they allow {@code :}).
 *
 * <p>The {@code ...Errors} functions return every message apimachinery's {@code IsDNS1123Label} and the others
 * return, in its words ({@code RegexError}: the rule, examples, and the regex used); the {@code check...} functions
 * return the first of them.
 */
public final class Names {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

  private Names() {}

  /**
   * {@return why {@code name} is not a DNS-1123 label (≤ 63 characters), or empty when it is one}
   *
   * @param name the name
   */
  public static Optional<String> checkDns1123Label(String name) {
    return first(dns1123LabelErrors(name));
  }


  /**
   * {@return why {@code name} is not a DNS-1123 subdomain (≤ 253 characters), or empty when it is one}
   *
   * @param name the name
   */
  public static Optional<String> checkDns1123Subdomain(String name) {
    return first(dns1123SubdomainErrors(name));
  }


  /**
   * {@return why {@code name} is not a DNS-1035 label (a letter first), or empty when it is one}
   *
   * @param name the name
   */
  public static Optional<String> checkDns1035Label(String name) {
    return first(dns1035LabelErrors(name));
  }


  /**
   * {@return why {@code name} is not a valid path segment name, or empty when it is one}
   *
   * @param name the name
   */
  public static Optional<String> checkPathSegment(String name) {
    if (name.equals(".") || name.equals("..")) {
      return Optional.of("may not be '.' or '..'");
    }
    if (name.indexOf('/') >= 0 || name.indexOf('%') >= 0) {
      return Optional.of("may not contain '/' or '%'");
    }
    return Optional.empty();
  }

  /**
   * Why {@code key} does not name a valid object, or empty when it does: the namespace must be a DNS-1123
   * label, the name must follow its kind's rule.
   *
   * @param key the key
   * @return the problem, naming the field and the value, or empty
   */
  public static Optional<String> check(ResourceKey key) {
    if (!key.namespace().isEmpty()) {
      Optional<String> problem = checkDns1123Label(key.namespace());
      if (problem.isPresent()) {
        return Optional.of("metadata.namespace '" + key.namespace() + "' is invalid: " + problem.get());
      }
    }
    Optional<String> problem = nameRule(key.groupKind(), key.name());
    return problem.map(p -> "metadata.name '" + key.name() + "' is invalid: " + p);
  }

  private static Optional<String> nameRule(GroupKind kind, String name) {
    if (kind.isCore() && kind.kind().equals("Namespace")) {
      return checkDns1123Label(name);
    }
    if (kind.isCore() && kind.kind().equals("Service")) {
      return checkDns1035Label(name);
    }
    if (kind.group().equals("rbac.authorization.k8s.io")) {
      return checkPathSegment(name);
    }
    return checkDns1123Subdomain(name);
  }


  /**
   * {@return why {@code key} is not a valid label or annotation key ({@code [prefix/]name}), or empty}
   *
   * @param key the label or annotation key
   */
  public static Optional<String> checkQualifiedName(String key) {
    return first(qualifiedNameErrors(key));
  }


  /**
   * {@return why {@code value} is not a valid label value (≤ 63 characters, may be empty), or empty}
   *
   * @param value the label value
   */
  public static Optional<String> checkLabelValue(String value) {
    return first(labelValueErrors(value));
  }

  // ---------------------------------------------------------------- apimachinery's messages

  private static final String QUALIFIED_NAME_FORMAT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FORMAT);
  private static final String LABEL_VALUE_FORMAT = "(" + QUALIFIED_NAME_FORMAT + ")?";
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FORMAT);
  private static final String QUALIFIED_NAME_MESSAGE =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

  /**
   * {@code IsDNS1123Label}: at most 63 characters; lower case alphanumerics and {@code -}; no dots.
   *
   * @param value the name
   * @return apimachinery's messages, empty when {@code value} is a DNS-1123 label
   */
  public static List<String> dns1123LabelErrors(String value) {
    List<String> errors = new ArrayList<>(1);
    if (value.length() > 63) {
      errors.add(maxLength(63));
    }
    if (!DNS1123_LABEL.matcher(value).matches()) {
      errors.add(DNS1123_SUBDOMAIN.matcher(value).matches() ? "must not contain dots"
          : regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
              + "must start and end with an alphanumeric character", DNS1123_LABEL.pattern(), "my-name", "123-abc"));
    }
    return errors;
  }

  /**
   * {@code IsDNS1123Subdomain}: at most 253 characters of DNS-1123 labels joined by dots.
   *
   * @param value the name
   * @return apimachinery's messages, empty when {@code value} is a DNS-1123 subdomain
   */
  public static List<String> dns1123SubdomainErrors(String value) {
    return bounded(value, 253, DNS1123_SUBDOMAIN, "a lowercase RFC 1123 subdomain must consist of lower case "
        + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character", "example.com");
  }

  /**
   * {@code IsDNS1035Label}: at most 63 characters, a letter first.
   *
   * @param value the name
   * @return apimachinery's messages, empty when {@code value} is a DNS-1035 label
   */
  public static List<String> dns1035LabelErrors(String value) {
    return bounded(value, 63, DNS1035_LABEL, "a DNS-1035 label must consist of lower case alphanumeric characters or "
        + "'-', start with an alphabetic character, and end with an alphanumeric character", "my-name", "abc-123");
  }

  /**
   * {@code IsQualifiedName}: a label or annotation key, {@code [prefix/]name}.
   *
   * @param value the key
   * @return apimachinery's messages, empty when {@code value} is a qualified name
   */
  public static List<String> qualifiedNameErrors(String value) {
    List<String> errors = new ArrayList<>(1);
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      name = parts[1];
      if (parts[0].isEmpty()) {
        errors.add("prefix part must be non-empty");
      } else {
        dns1123SubdomainErrors(parts[0]).forEach(message -> errors.add("prefix part " + message));
      }
    } else {
      return List.of("a qualified name " + regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, "MyName", "my.name",
          "123-abc") + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errors.add("name part " + maxLength(63));
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errors.add("name part " + regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FORMAT, "MyName", "my.name", "123-abc"));
    }
    return errors;
  }

  /**
   * {@code IsValidLabelValue}: at most 63 characters, empty or a qualified name's name part.
   *
   * @param value the label value
   * @return apimachinery's messages, empty when {@code value} is a valid label value
   */
  public static List<String> labelValueErrors(String value) {
    return bounded(value, 63, LABEL_VALUE, "a valid label must be an empty string or consist of alphanumeric "
        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character", "MyValue", "my_value",
        "12345");
  }

  /** apimachinery's usual pair: at most {@code max} characters, and the regex. */
  private static List<String> bounded(String value, int max, Pattern regex, String message, String... examples) {
    List<String> errors = new ArrayList<>(1);
    if (value.length() > max) {
      errors.add(maxLength(max));
    }
    if (!regex.matcher(value).matches()) {
      errors.add(regexError(message, regex.pattern(), examples));
    }
    return errors;
  }

  private static String maxLength(int length) {
    return "must be no more than " + length + " characters";
  }

  /** apimachinery's {@code RegexError}: the message, its examples and the regex. */
  private static String regexError(String message, String regex, String... examples) {
    StringBuilder text = new StringBuilder(message).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      text.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
    }
    return text.append("regex used for validation is '").append(regex).append("')").toString();
  }

  private static Optional<String> first(List<String> errors) {
    return errors.isEmpty() ? Optional.empty() : Optional.of(errors.get(0));
  }
}
