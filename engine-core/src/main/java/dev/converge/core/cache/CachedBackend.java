package dev.converge.core.cache;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Selection;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Backend} that reads kinds a {@link WatchCache} holds from memory, as a controller-runtime client
 * reads from its cache: {@link #get}, {@link #list} (a first page; the whole list, as kube-apiserver's watch
 * cache ignores {@code limit} when it serves a list) and {@link #observe} make no request for a kind that has
 * synced. Kinds that are not cached, or not synced yet, are read from the server behind it.
 *
 * <p>Writes go to the server, and their results are fed into the cache (read-your-writes): a pass that
 * created objects finds them on the next pass even before their watch events arrive. Watches go to the server.
 */
public final class CachedBackend implements Backend {
  private final Backend server;
  private final WatchCache cache;

  /** Reads through {@code cache}; everything else goes to {@code server}, which the cache must list and watch. */
  public CachedBackend(Backend server, WatchCache cache) {
    this.server = server;
    this.cache = cache;
  }

  /** The backend behind the cache (for reads that must see the server: a re-read after a conflict). */
  public Backend server() {
    return server;
  }

  public WatchCache cache() {
    return cache;
  }

  @Override
  public ResourceTypes types() {
    return server.types();
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    return cached(key.groupKind()) ? cache.get(key) : server.get(key);
  }

  @Override
  public ListResult list(ListRequest request) {
    GroupKind kind = request.kind();
    if (!cached(kind) || request.continueToken() != null) {
      return server.list(request);
    }
    String namespace = request.namespace();
    ImmutableList<Resource> items = cache.list(kind, null, request.labels()).stream()
        .filter(o -> namespace == null || o.namespace().isEmpty() || namespace.equals(o.namespace()))
        .filter(o -> request.fields().isEverything() || request.fields().matches(o))
        .collect(ImmutableList.toImmutableList());
    String version = cache.resourceVersion(kind);
    return new ListResult(items, version == null ? "" : version, null);
  }

  /** Every key and kind of the selection from the cache where it has synced, from the server otherwise. */
  @Override
  public Observed observe(Selection selection) {
    List<Resource> found = new ArrayList<>();
    Set<ResourceKey> seen = new HashSet<>();
    for (GroupKind kind : selection.kinds()) {
      List<Resource> objects = cached(kind) ? cache.list(kind, null, selection.labels()) : listAll(kind, selection);
      for (Resource object : objects) {
        if (seen.add(object.key())) {
          found.add(object);
        }
      }
    }
    for (ResourceKey key : selection.keys()) {
      if (seen.contains(key)) {
        continue;
      }
      try {
        get(key).ifPresent(object -> {
          seen.add(object.key());
          found.add(object);
        });
      } catch (BackendException.NotFound kindNotServed) {
        // The kind is not served (yet): the object does not exist. A CRD created by this plan will serve it.
      }
    }
    return Observed.of(found);
  }

  @Override
  public Resource create(Resource resource) {
    return remember(server.create(resource));
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    return remember(server.apply(resource, options));
  }

  @Override
  public Resource update(Resource resource) {
    return remember(server.update(resource));
  }

  @Override
  public Resource updateStatus(Resource resource) {
    return remember(server.updateStatus(resource));
  }

  /** Deletes on the server; the cached object (if any) goes from the cache as {@link WatchCache#recordDelete} says. */
  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    Optional<Resource> live = cache.kinds().contains(key.groupKind()) ? cache.get(key) : Optional.empty();
    boolean existed = server.delete(key, options);
    live.ifPresent(object -> cache.recordDelete(object, options.propagation()));
    return existed;
  }

  @Override
  public Subscription watch(WatchRequest request, WatchListener listener) {
    return server.watch(request, listener);
  }

  private boolean cached(GroupKind kind) {
    return cache.hasSynced(kind);
  }

  private Resource remember(Resource stored) {
    cache.recordWrite(stored);
    return stored;
  }

  /** Every page of {@code kind} matching the selection's labels, from the server. */
  private List<Resource> listAll(GroupKind kind, Selection selection) {
    List<Resource> all = new ArrayList<>();
    String token = null;
    do {
      ListResult page = server.list(ListRequest.all(kind).withLabels(selection.labels()).page(Informer.PAGE_SIZE, token));
      all.addAll(page.items());
      token = page.continueToken();
    } while (token != null);
    return all;
  }
}
