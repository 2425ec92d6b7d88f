package dev.converge.api;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A kind within an API group, without a version: {@code apps/Deployment}, or {@code Secret} for the core
 * group (whose name is the empty string).
 *
 * @param group the API group, empty for the core group
 * @param kind the kind, UpperCamelCase
 */
public record GroupKind(String group, String kind) implements Comparable<GroupKind> {

  /**
   * Checks the parts: a kind starts with an upper-case letter, a group has no {@code /}.
   *
   * @param group the API group, empty for the core group
   * @param kind the kind, UpperCamelCase
   */
  public GroupKind {
    checkArgument(!kind.isEmpty(), "kind must not be empty");
    checkArgument(Character.isUpperCase(kind.charAt(0)), "kind must start with an upper-case letter: %s", kind);
    checkArgument(group.indexOf('/') < 0, "group must not contain '/': %s", group);
  }

  /**
   * {@return the group kind}
   *
   * @param group the API group, empty for the core group
   * @param kind the kind, UpperCamelCase
   */
  public static GroupKind of(String group, String kind) {
    return new GroupKind(group, kind);
  }

  /**
   * {@return the group and kind named by an {@code apiVersion} ({@code apps/v1}, {@code v1}) and a kind}
   *
   * @param apiVersion {@code group/version}, or {@code version} for the core group
   * @param kind the kind
   */
  public static GroupKind fromApiVersion(String apiVersion, String kind) {
    return new GroupKind(ApiVersions.group(apiVersion), kind);
  }

  /**
   * {@return the group kind written as {@code Kind} or {@code group/Kind}}
   *
   * @param text the text, as {@link #toString()} writes it
   */
  public static GroupKind parse(String text) {
    int slash = text.lastIndexOf('/');
    return slash < 0 ? new GroupKind("", text) : new GroupKind(text.substring(0, slash), text.substring(slash + 1));
  }

  /** {@return whether the kind is in the core group ({@code v1})} */
  public boolean isCore() {
    return group.isEmpty();
  }

  @Override
  public int compareTo(GroupKind other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return group.isEmpty() ? kind : group + "/" + kind;
  }
}
