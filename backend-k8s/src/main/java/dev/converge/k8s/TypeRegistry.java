package dev.converge.k8s;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.BackendException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The kinds the server serves, discovered on first use and refreshed on demand, when a kind is asked for
 * that the last discovery did not know (at most once per {@code missRefreshInterval}, so a typo cannot flood
 * the server with discovery), and when this backend writes or deletes a CustomResourceDefinition (the kind is
 * read from the CRD itself, because the server's discovery serves it only once it is Established).
 *
 * <p>A CRD deleted through this backend that the server keeps while it removes the custom resources (the
 * {@code customresourcecleanup.apiextensions.k8s.io} finalizer) still serves its kind until it is gone; its kind
 * is <em>retiring</em>: every {@link #types()} call discovers again (at most once per {@code
 * missRefreshInterval}) until discovery no longer serves it.
 */
final class TypeRegistry {
  static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");

  private final ApiDiscovery discovery;
  private final long missRefreshNanos;
  private final AtomicLong lastRefresh = new AtomicLong();
  private volatile @Nullable ResourceTypes types;
  private final Set<GroupKind> retiring = ConcurrentHashMap.newKeySet();

  TypeRegistry(ApiDiscovery discovery, Duration missRefreshInterval) {
    this.discovery = discovery;
    this.missRefreshNanos = missRefreshInterval.toNanos();
  }

  ResourceTypes types() {
    ResourceTypes current = types;
    if (current == null || (!retiring.isEmpty() && System.nanoTime() - lastRefresh.get() >= missRefreshNanos)) {
      return refresh();
    }
    return current;
  }

  synchronized ResourceTypes refresh() {
    ResourceTypes discovered = discovery.discover();
    lastRefresh.set(System.nanoTime());
    types = discovered;
    retiring.removeIf(kind -> discovered.find(kind).isEmpty());
    return discovered;
  }

  /**
   * The type of {@code kind}, discovering again if it is unknown.
   *
   * @throws BackendException.NotFound if the server does not serve it
   */
  ResourceType require(GroupKind kind) {
    return find(kind).orElseThrow(() -> new BackendException.NotFound(
        "the server does not serve kind " + kind + " (not found by discovery)"));
  }

  /** The type of {@code kind}, discovering again (rate-limited) if it is unknown. */
  Optional<ResourceType> find(GroupKind kind) {
    Optional<ResourceType> type = types().find(kind);
    if (type.isPresent()) {
      return type;
    }
    if (System.nanoTime() - lastRefresh.get() >= missRefreshNanos) {
      return refresh().find(kind);
    }
    return Optional.empty();
  }

  /** A CRD was created or changed through this backend: serve its kind from now on. */
  synchronized void learn(Resource crd) {
    ApiDiscovery.fromCrd(crd.json()).ifPresent(type -> types = types().with(type));
  }

  /** A CRD was deleted through this backend: its kind is no longer served. */
  synchronized void forget(Resource crd) {
    ApiDiscovery.fromCrd(crd.json()).ifPresent(type -> {
      retiring.remove(type.groupKind());
      types = types().without(type.groupKind());
    });
  }

  /**
   * A CRD was deleted through this backend but the server keeps it (terminating) while it deletes the custom
   * resources: its kind goes once discovery stops serving it.
   */
  void retire(Resource crd) {
    ApiDiscovery.fromCrd(crd.json()).ifPresent(type -> retiring.add(type.groupKind()));
  }
}
