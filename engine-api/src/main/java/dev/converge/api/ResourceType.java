package dev.converge.api;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;

/**
 * What a server knows about a kind: its preferred version, its plural resource name, whether it is
 * namespaced, and its short names. Backends learn these through discovery; the built-in table is
 * {@link ResourceTypes#builtins()}.
 *
 * @param groupKind the group and kind
 * @param version the served (preferred) version
 * @param plural the lower-case plural used in URLs and RBAC rules ({@code deployments})
 * @param namespaced whether objects of this kind live in a namespace
 * @param shortNames kubectl short names ({@code deploy})
 * @param statusSubresource whether {@code status} is a subresource (written only through {@code /status})
 */
public record ResourceType(
    GroupKind groupKind,
    String version,
    String plural,
    boolean namespaced,
    ImmutableList<String> shortNames,
    boolean statusSubresource) {

  /**
   * Checks the version and the plural, which end up in URLs and RBAC rules.
   *
   * @param groupKind the group and kind
   * @param version the served version, not empty
   * @param plural the plural, lower case
   * @param namespaced whether objects of this kind live in a namespace
   * @param shortNames kubectl short names
   * @param statusSubresource whether {@code status} is a subresource
   */
  public ResourceType {
    checkArgument(!version.isEmpty(), "version must not be empty");
    checkArgument(!plural.isEmpty() && plural.equals(plural.toLowerCase()), "plural must be lower case: %s", plural);
  }

  /**
   * {@return a namespaced type with a status subresource}
   *
   * @param group the API group, empty for the core group
   * @param version the served version
   * @param kind the kind
   * @param plural the lower-case plural
   * @param shortNames kubectl short names
   */
  public static ResourceType namespaced(String group, String version, String kind, String plural, String... shortNames) {
    return new ResourceType(GroupKind.of(group, kind), version, plural, true, ImmutableList.copyOf(shortNames), true);
  }

  /**
   * {@return a cluster-scoped type with a status subresource}
   *
   * @param group the API group, empty for the core group
   * @param version the served version
   * @param kind the kind
   * @param plural the lower-case plural
   * @param shortNames kubectl short names
   */
  public static ResourceType cluster(String group, String version, String kind, String plural, String... shortNames) {
    return new ResourceType(GroupKind.of(group, kind), version, plural, false, ImmutableList.copyOf(shortNames), true);
  }

  /** {@return the same type without a status subresource (ConfigMap, Secret, RBAC objects, …)} */
  public ResourceType withoutStatus() {
    return new ResourceType(groupKind, version, plural, namespaced, shortNames, false);
  }

  /** {@return the API group, empty for the core group} */
  public String group() {
    return groupKind.group();
  }

  /** {@return the kind} */
  public String kind() {
    return groupKind.kind();
  }

  /** {@return the {@code apiVersion}: {@code apps/v1}, or {@code v1} for the core group} */
  public String apiVersion() {
    return ApiVersions.of(group(), version);
  }

  /** {@return the lower-case singular name ({@code deployment})} */
  public String singular() {
    return kind().toLowerCase();
  }

  /**
   * {@return the key of an object of this type; the namespace is ignored for cluster-scoped types}
   *
   * @param namespace the namespace
   * @param name the name
   */
  public ResourceKey key(String namespace, String name) {
    return new ResourceKey(group(), kind(), namespaced ? namespace : "", name);
  }
}
