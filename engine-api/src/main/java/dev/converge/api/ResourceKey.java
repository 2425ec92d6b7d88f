package dev.converge.api;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import java.util.List;

/**
 * The identity of a resource: group, kind, namespace and name. Cluster-scoped resources have an empty
 * namespace.
 *
 * <p>The string form, used in plans, golden files and the {@code converge.dev/depends-on} annotation, joins
 * the non-empty parts with {@code /}: {@code apps/DaemonSet/datadog/datadog-agent}, {@code
 * ServiceAccount/datadog/datadog-agent} (core group), {@code Namespace/datadog} (core, cluster-scoped),
 * {@code rbac.authorization.k8s.io/ClusterRole/datadog-agent}. It parses back unambiguously because a kind
 * always starts with an upper-case letter and a group never does. Keys order by group, kind, namespace and
 * name, in that order (cluster-scoped before namespaced within a kind).
 *
 * @param group the API group, empty for the core group
 * @param kind the kind
 * @param namespace the namespace, empty for cluster-scoped resources
 * @param name the name
 */
public record ResourceKey(String group, String kind, String namespace, String name)
    implements Comparable<ResourceKey> {

  private static final Splitter SLASH = Splitter.on('/');

  /**
   * Checks the parts: a kind starts with an upper-case letter, a name is not empty, and no part holds a
   * {@code /} (which would make the string form ambiguous).
   *
   * @param group the API group, empty for the core group
   * @param kind the kind
   * @param namespace the namespace, empty for cluster-scoped resources
   * @param name the name
   */
  public ResourceKey {
    checkArgument(!kind.isEmpty() && Character.isUpperCase(kind.charAt(0)), "invalid kind: '%s'", kind);
    checkArgument(!name.isEmpty(), "name must not be empty (kind %s)", kind);
    checkArgument(name.indexOf('/') < 0 && namespace.indexOf('/') < 0, "name and namespace must not contain '/'");
    checkArgument(group.indexOf('/') < 0, "group must not contain '/': %s", group);
  }

  /**
   * {@return the key of an object of {@code groupKind}}
   *
   * @param groupKind the group and kind
   * @param namespace the namespace, empty for cluster-scoped resources
   * @param name the name
   */
  public static ResourceKey of(GroupKind groupKind, String namespace, String name) {
    return new ResourceKey(groupKind.group(), groupKind.kind(), namespace, name);
  }

  /**
   * {@return a cluster-scoped key}
   *
   * @param group the API group, empty for the core group
   * @param kind the kind
   * @param name the name
   */
  public static ResourceKey cluster(String group, String kind, String name) {
    return new ResourceKey(group, kind, "", name);
  }

  /**
   * {@return a namespaced key}
   *
   * @param group the API group, empty for the core group
   * @param kind the kind
   * @param namespace the namespace, not empty
   * @param name the name
   */
  public static ResourceKey namespaced(String group, String kind, String namespace, String name) {
    checkArgument(!namespace.isEmpty(), "namespace must not be empty");
    return new ResourceKey(group, kind, namespace, name);
  }

  /**
   * Parses the string form produced by {@link #toString()}.
   *
   * @param text {@code [group/]Kind/[namespace/]name}
   * @return the key
   * @throws IllegalArgumentException naming the problem when {@code text} is not a key
   */
  public static ResourceKey parse(String text) {
    List<String> parts = SLASH.splitToList(text.trim());
    for (String part : parts) {
      checkArgument(!part.isEmpty(), "invalid resource key '%s': empty segment", text);
    }
    boolean firstIsKind = Character.isUpperCase(parts.get(0).charAt(0));
    switch (parts.size()) {
      case 2:
        checkArgument(firstIsKind, "invalid resource key '%s': expected Kind/name", text);
        return new ResourceKey("", parts.get(0), "", parts.get(1));
      case 3:
        return firstIsKind
            ? new ResourceKey("", parts.get(0), parts.get(1), parts.get(2))
            : new ResourceKey(parts.get(0), parts.get(1), "", parts.get(2));
      case 4:
        checkArgument(!firstIsKind, "invalid resource key '%s': expected group/Kind/namespace/name", text);
        return new ResourceKey(parts.get(0), parts.get(1), parts.get(2), parts.get(3));
      default:
        throw new IllegalArgumentException(
            "invalid resource key '" + text + "': expected [group/]Kind/[namespace/]name");
    }
  }

  /** {@return the group and kind} */
  public GroupKind groupKind() {
    return new GroupKind(group, kind);
  }

  /** {@return whether the key has no namespace} */
  public boolean isClusterScoped() {
    return namespace.isEmpty();
  }

  @Override
  public int compareTo(ResourceKey other) {
    // Keys of resources share their group, kind and namespace strings (String.compareTo has no identity check).
    int c = compare(group, other.group);
    if (c == 0) {
      c = compare(kind, other.kind);
    }
    if (c == 0) {
      c = compare(namespace, other.namespace);
    }
    return c != 0 ? c : compare(name, other.name);
  }

  private static int compare(String a, String b) {
    return a == b ? 0 : a.compareTo(b);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(group.length() + kind.length() + namespace.length() + name.length() + 3);
    if (!group.isEmpty()) {
      out.append(group).append('/');
    }
    out.append(kind).append('/');
    if (!namespace.isEmpty()) {
      out.append(namespace).append('/');
    }
    return out.append(name).toString();
  }
}
