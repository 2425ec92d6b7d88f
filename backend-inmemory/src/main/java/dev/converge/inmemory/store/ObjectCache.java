package dev.converge.inmemory.store;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import java.util.NavigableMap;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of the store: what the built-in controllers read instead of listing through the API (as
 * kube-controller-manager reads its informer caches). Callers must hold the server's lock (controllers run
 * under it).
 */
public interface ObjectCache {

  /** The revision of the last write. */
  long revision();

  @Nullable Resource get(GroupKind kind, String namespace, String name);

  /** Every object of {@code kind}, in namespace and name order. */
  NavigableMap<ObjectName, Resource> objects(GroupKind kind);

  /** The objects of {@code kind} in {@code namespace}, in name order. */
  NavigableMap<ObjectName, Resource> inNamespace(GroupKind kind, String namespace);

  /** The kinds that have (or had) objects. */
  Set<GroupKind> kinds();
}
