package dev.converge.k8s;

import dev.converge.api.GroupKind;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.Selection;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observed state from informers: one cluster-wide informer (list, then watch with bookmarks, resync) per
 * kind, started the first time an observation needs the kind, answered from memory afterwards, with this
 * backend's own writes laid over the cache ({@link WriteOverlay}) until the informer has seen them.
 *
 * <p>The first observation of a kind waits for its informer's initial list ({@code syncTimeout} at most,
 * then {@link BackendException.Unavailable}); later ones make no request at all.
 */
final class InformerCache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InformerCache.class);

  private final RestClient rest;
  private final WatchConnector connector;
  private final Paths paths;
  private final Duration resync;
  private final Duration syncTimeout;
  private final WriteOverlay overlay = new WriteOverlay();
  private final Map<GroupKind, SharedIndexInformer<CachedObject>> informers = new ConcurrentHashMap<>();
  private volatile boolean closed;

  InformerCache(RestClient rest, WatchConnector connector, Paths paths, Duration resync, Duration syncTimeout) {
    this.rest = rest;
    this.connector = connector;
    this.paths = paths;
    this.resync = resync;
    this.syncTimeout = syncTimeout;
  }

  WriteOverlay overlay() {
    return overlay;
  }

  /**
   * The selection, from the cache. Kinds listed in {@code selection.kinds()} must be served; keys of kinds
   * that are not served are simply absent (a CRD in the same plan will serve them).
   */
  Observed observe(Selection selection, TypeRegistry types) {
    Map<ResourceKey, Resource> found = new TreeMap<>();
    for (GroupKind kind : selection.kinds()) {
      ResourceType type = types.require(kind);
      SharedIndexInformer<CachedObject> informer = informer(type);
      overlay.visible(kind, () -> resources(informer)).forEach((key, visible) -> {
        if (selection.labels().matches(visible)) {
          found.put(key, visible);
        }
      });
    }
    for (ResourceKey key : selection.keys()) {
      if (found.containsKey(key)) {
        continue;
      }
      Optional<ResourceType> type = types.find(key.groupKind());
      if (type.isEmpty()) {
        continue;
      }
      SharedIndexInformer<CachedObject> informer = informer(type.get());
      Resource visible = overlay.visible(key, () -> {
        CachedObject object = informer.getIndexer().getByKey(cacheKey(key));
        return object == null ? null : object.resource();
      });
      if (visible != null) {
        found.put(key, visible);
      }
    }
    return Observed.of(found.values());
  }

  /** What the informer's indexer holds now (bookmarks carry no resource). */
  private static List<Resource> resources(SharedIndexInformer<CachedObject> informer) {
    List<Resource> result = new ArrayList<>();
    for (CachedObject object : informer.getIndexer().list()) {
      Resource resource = object.resource();
      if (resource != null) {
        result.add(resource);
      }
    }
    return result;
  }

  private static String cacheKey(ResourceKey key) {
    return key.namespace().isEmpty() ? key.name() : key.namespace() + "/" + key.name();
  }

  private SharedIndexInformer<CachedObject> informer(ResourceType type) {
    if (closed) {
      throw new BackendException.Unavailable(503, "the backend is closed", Duration.ZERO);
    }
    SharedIndexInformer<CachedObject> informer = informers.computeIfAbsent(type.groupKind(), kind -> start(type));
    awaitSynced(type, informer);
    return informer;
  }

  private SharedIndexInformer<CachedObject> start(ResourceType type) {
    DefaultSharedIndexInformer<CachedObject, CachedList> informer = new DefaultSharedIndexInformer<>(
        CachedObject.class,
        new ResourceListerWatcher(rest, connector, paths, type),
        resync.toMillis(),
        new Cache<>(),
        (apiType, failure) -> LOG.warn("informer for {} failed; it lists and watches again: {}",
            type.groupKind(), failure.toString()));
    informer.addEventHandler(new CatchUp());
    informer.run();
    return informer;
  }

  private void awaitSynced(ResourceType type, SharedIndexInformer<CachedObject> informer) {
    long deadline = System.nanoTime() + syncTimeout.toNanos();
    while (!informer.hasSynced()) {
      if (System.nanoTime() > deadline) {
        throw new BackendException.Unavailable(
            503, "the informer for " + type.groupKind() + " did not finish its first list within " + syncTimeout, Duration.ZERO);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BackendException.Unavailable(503, "interrupted waiting for the informer of " + type.groupKind(), Duration.ZERO);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    informers.values().forEach(SharedIndexInformer::stop);
    informers.clear();
  }

  /** Drops overlay entries as the informer catches up with them. */
  private final class CatchUp implements ResourceEventHandler<CachedObject> {
    @Override
    public void onAdd(CachedObject object) {
      seen(object);
    }

    @Override
    public void onUpdate(CachedObject oldObject, CachedObject newObject) {
      seen(newObject);
    }

    @Override
    public void onDelete(CachedObject object, boolean finalStateUnknown) {
      Resource resource = object.resource();
      if (resource != null) {
        overlay.observedDeleted(resource.key(), version(resource));
      }
    }

    private void seen(CachedObject object) {
      Resource resource = object.resource();
      if (resource != null) {
        overlay.observed(resource.key(), version(resource));
      }
    }

    private String version(@Nullable Resource resource) {
      String version = resource == null ? null : resource.resourceVersion();
      return version == null ? "" : version;
    }
  }
}
