package dev.converge.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes name rules (from {@code k8s.io/apimachinery/pkg/util/validation} and {@code
 * apimachinery/pkg/api/validation/path}): most objects need a DNS-1123 subdomain, namespaces a DNS-1123 label,
 * services a DNS-1035 label, and RBAC objects only a valid path segment (they allow {@code :}).
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
    if (name.length() > 63) {
      return Optional.of("must be no more than 63 characters");
    }
    return DNS1123_LABEL.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
  }

  /**
   * {@return why {@code name} is not a DNS-1123 subdomain (≤ 253 characters), or empty when it is one}
   *
   * @param name the name
   */
  public static Optional<String> checkDns1123Subdomain(String name) {
    if (name.length() > 253) {
      return Optional.of("must be no more than 253 characters");
    }
    return DNS1123_SUBDOMAIN.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }

  /**
   * {@return why {@code name} is not a DNS-1035 label (a letter first), or empty when it is one}
   *
   * @param name the name
   */
  public static Optional<String> checkDns1035Label(String name) {
    if (name.length() > 63) {
      return Optional.of("must be no more than 63 characters");
    }
    return DNS1035_LABEL.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
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

  private static final Pattern LABEL_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");

  /**
   * {@return why {@code key} is not a valid label or annotation key ({@code [prefix/]name}), or empty}
   *
   * @param key the label or annotation key
   */
  public static Optional<String> checkQualifiedName(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty()) {
        return Optional.of("prefix part must be non-empty");
      }
      Optional<String> problem = checkDns1123Subdomain(prefix);
      if (problem.isPresent()) {
        return Optional.of("prefix part " + problem.get());
      }
    }
    if (name.isEmpty() || name.length() > 63) {
      return Optional.of("name part must be non-empty and no more than 63 characters");
    }
    return LABEL_NAME.matcher(name).matches()
        ? Optional.empty()
        : Optional.of("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }

  /**
   * {@return why {@code value} is not a valid label value (≤ 63 characters, may be empty), or empty}
   *
   * @param value the label value
   */
  public static Optional<String> checkLabelValue(String value) {
    if (value.length() > 63) {
      return Optional.of("must be no more than 63 characters");
    }
    return LABEL_VALUE.matcher(value).matches()
        ? Optional.empty()
        : Optional.of("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  }
}
