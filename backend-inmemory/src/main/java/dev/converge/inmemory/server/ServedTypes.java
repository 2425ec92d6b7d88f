package dev.converge.inmemory.server;

import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kinds the server serves: the built-ins, plus each established CRD's kind, minus those whose CRD is
 * gone; and the kinds whose CRD is being deleted, which refuse new objects. Reads are lock-free (the
 * registry is an immutable value swapped on change).
 */
final class ServedTypes {
  private volatile ResourceTypes types;
  private final Set<GroupKind> terminating = ConcurrentHashMap.newKeySet();

  ServedTypes(ResourceTypes initial) {
    this.types = initial;
  }

  ResourceTypes all() {
    return types;
  }

  /** @throws dev.converge.api.backend.BackendException.NotFound if {@code kind} is not served */
  ResourceType get(GroupKind kind) {
    return types.find(kind).orElseThrow(Errors::notServed);
  }

  void serve(ResourceType type) {
    types = types.with(type);
    terminating.remove(type.groupKind());
  }

  void unserve(GroupKind kind) {
    types = types.without(kind);
    terminating.remove(kind);
  }

  void markTerminating(GroupKind kind) {
    terminating.add(kind);
  }

  boolean isTerminating(GroupKind kind) {
    return terminating.contains(kind);
  }
}
