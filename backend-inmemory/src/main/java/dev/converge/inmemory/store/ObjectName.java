package dev.converge.inmemory.store;

/**
 * The position of an object within its kind: namespace, then name. Lists return objects in this order,
 * as Kubernetes does (etcd keys are {@code /<resource>/<namespace>/<name>}).
 *
 * @param namespace the namespace, empty for cluster-scoped objects
 * @param name the name
 */
public record ObjectName(String namespace, String name) implements Comparable<ObjectName> {
  /** The smallest name in {@code namespace}: the start of a namespace range. */
  public static ObjectName first(String namespace) {
    return new ObjectName(namespace, "");
  }

  @Override
  public int compareTo(ObjectName other) {
    int c = namespace.compareTo(other.namespace);
    return c != 0 ? c : name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
