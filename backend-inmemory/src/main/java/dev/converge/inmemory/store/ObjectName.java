package dev.converge.inmemory.store;

import java.util.Comparator;

/**
 * The position of an object within its kind: namespace, then name. Lists return objects in this order,
 * as Kubernetes does (etcd keys are {@code /<resource>/<namespace>/<name>}).
 *
 * @param namespace the namespace, empty for cluster-scoped objects
 * @param name the name
 */
public record ObjectName(String namespace, String name) implements Comparable<ObjectName> {
  private static final Comparator<ObjectName> ORDER =
      Comparator.comparing(ObjectName::namespace).thenComparing(ObjectName::name);

  /** The smallest name in {@code namespace}: the start of a namespace range. */
  public static ObjectName first(String namespace) {
    return new ObjectName(namespace, "");
  }

  @Override
  public int compareTo(ObjectName other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
