package dev.converge.core.loop;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.converge.api.GroupKind;
import dev.converge.api.OwnerReference;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.WatchEvent;
import dev.converge.core.cache.WatchCache;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Turns the changes a {@link WatchCache} takes in into primary keys for the work queue, as controller-runtime's
 * {@code For(primary)} and {@code Owns(child)} do: a change of a primary enqueues that primary; a change of an
 * object of another cached kind enqueues the primary named by its {@link Ownership#OWNER_ANNOTATION} annotation
 * or, failing that, by an owner reference of the primary's kind ({@code EnqueueRequestForOwner}). Events carry
 * no work of their own: the loop is level-triggered and reads everything again.
 *
 * <p>The router shares the cache's watches (one per kind) with the loop's reads, and hears of a change only
 * after the cache holds it, as handlers of client-go's {@code SharedInformer} do; so the pass an event brings
 * reads at least the state that caused it. The cache's rules apply: a dropped watch resumes from the last
 * version seen (nothing is replayed), a {@code 410 Gone} re-lists and tells of every object again, which
 * enqueues every primary.
 *
 * <p>Primaries the reconciler does not {@link dev.converge.api.Reconciler#manages manage} are never enqueued, nor are
 * the owned objects that name them, as a controller-runtime predicate filters events before the queue.
 *
 * <p>The known primaries (for resync) are the cache's managed primaries, as an informer's resync replays its store.
 * The router owns the cache's lifecycle: {@link #start()} starts it, {@link #close()} closes it.
 */
public final class EventRouter implements AutoCloseable {
  private final WatchCache cache;
  private final GroupKind primaryKind;
  private final boolean primaryNamespaced;
  private final Predicate<Resource> managed;
  private final Consumer<ResourceKey> sink;
  private boolean started;
  private volatile boolean closed;

  EventRouter(WatchCache cache, GroupKind primaryKind, boolean primaryNamespaced, Predicate<Resource> managed,
      Consumer<ResourceKey> sink) {
    this.cache = cache;
    this.primaryKind = primaryKind;
    this.primaryNamespaced = primaryNamespaced;
    this.managed = managed;
    this.sink = sink;
  }

  /**
   * Starts the cache: lists the primary kind, then the owned kinds (each list enqueues the primaries it
   * concerns), and opens the watches. A list or watch that fails now is retried after the reconnect delay.
   */
  public void start() {
    synchronized (this) {
      if (started || closed) {
        return;
      }
      started = true;
    }
    cache.addListener(this::route);
    cache.start();
  }

  /** The managed primaries the cache holds (seen and not deleted), in key order. */
  public ImmutableSortedSet<ResourceKey> knownPrimaries() {
    ImmutableSortedSet.Builder<ResourceKey> known = ImmutableSortedSet.naturalOrder();
    for (ResourceKey key : cache.keys(primaryKind)) {
      if (isManaged(key)) {
        known.add(key);
      }
    }
    return known.build();
  }

  /** The cache this router listens to. */
  public WatchCache cache() {
    return cache;
  }

  /** Closes the cache (every watch, every pending reconnect); no event reaches the sink afterwards. */
  @Override
  public void close() {
    closed = true;
    cache.close();
  }

  /**
   * The primary an owned object belongs to: its {@link Ownership#OWNER_ANNOTATION} if that names a primary of
   * {@code primaryKind}, else its controller owner reference of that kind, else any owner reference of that
   * kind. A namespaced primary is in the object's namespace (Kubernetes owner references never cross
   * namespaces).
   */
  public static Optional<ResourceKey> primaryOf(Resource owned, GroupKind primaryKind, boolean primaryNamespaced) {
    Optional<String> annotation = owned.annotation(Ownership.OWNER_ANNOTATION);
    if (annotation.isPresent()) {
      try {
        ResourceKey key = ResourceKey.parse(annotation.get());
        if (key.groupKind().equals(primaryKind)) {
          return Optional.of(key);
        }
      } catch (IllegalArgumentException malformed) {
        // Someone else's or a damaged annotation: fall back to owner references.
      }
    }
    ImmutableList<OwnerReference> refs = owned.ownerReferences();
    for (boolean controllerOnly : new boolean[] {true, false}) {
      for (OwnerReference ref : refs) {
        if ((ref.controller() || !controllerOnly) && ref.groupKind().equals(primaryKind)) {
          return Optional.of(ResourceKey.of(primaryKind, primaryNamespaced ? owned.namespace() : "", ref.name()));
        }
      }
    }
    return Optional.empty();
  }

  private void route(WatchEvent event) {
    if (closed || event.type() == WatchEvent.Type.BOOKMARK) {
      return;
    }
    Resource object = event.object();
    if (object.groupKind().equals(primaryKind)) {
      if (managed.test(object)) {
        sink.accept(object.key());
      }
    } else {
      primaryOf(object, primaryKind, primaryNamespaced).filter(this::isManaged).ifPresent(sink);
    }
  }

  /** Whether the cache's primary {@code key} is managed; an unseen one is enqueued, and its pass finds out. */
  private boolean isManaged(ResourceKey key) {
    return cache.get(key).map(managed::test).orElse(true);
  }
}
