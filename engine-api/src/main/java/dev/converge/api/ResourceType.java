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

  public ResourceType {
    checkArgument(!version.isEmpty(), "version must not be empty");
    checkArgument(!plural.isEmpty() && plural.equals(plural.toLowerCase()), "plural must be lower case: %s", plural);
  }

  public static ResourceType namespaced(String group, String version, String kind, String plural, String... shortNames) {
    return new ResourceType(GroupKind.of(group, kind), version, plural, true, ImmutableList.copyOf(shortNames), true);
  }

  public static ResourceType cluster(String group, String version, String kind, String plural, String... shortNames) {
    return new ResourceType(GroupKind.of(group, kind), version, plural, false, ImmutableList.copyOf(shortNames), true);
  }

  /** The same type without a status subresource (ConfigMap, Secret, RBAC objects, …). */
  public ResourceType withoutStatus() {
    return new ResourceType(groupKind, version, plural, namespaced, shortNames, false);
  }

  public String group() {
    return groupKind.group();
  }

  public String kind() {
    return groupKind.kind();
  }

  /** {@code apps/v1}, or {@code v1} for the core group. */
  public String apiVersion() {
    return ApiVersions.of(group(), version);
  }

  /** The lower-case singular name ({@code deployment}). */
  public String singular() {
    return kind().toLowerCase();
  }

  /** The key of an object of this type; the namespace is ignored for cluster-scoped types. */
  public ResourceKey key(String namespace, String name) {
    return new ResourceKey(group(), kind(), namespaced ? namespace : "", name);
  }
}
