package dev.converge.core.loop;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSortedSet;
import dev.converge.api.GroupKind;
import dev.converge.api.OwnerReference;
import dev.converge.api.Ownership;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.core.time.ScheduledTask;
import dev.converge.core.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns watch events into primary keys for the work queue, as controller-runtime's {@code For(primary)} and
 * {@code Owns(child)} do: an event on a primary enqueues that primary; an event on an object of an owned kind
 * enqueues the primary named by its {@link Ownership#OWNER_ANNOTATION} annotation or, failing that, by an owner
 * reference of the primary's kind ({@code EnqueueRequestForOwner}). Events carry no work of their own: the
 * loop is level-triggered and reads everything again.
 *
 * <p>It also remembers the primaries it has seen, so a driver can resync (re-enqueue all of them
 * periodically) without a request, as an informer's resync replays its cache.
 *
 * <p>A watch that closes with an error is re-opened after a delay on the {@link TaskScheduler}: from the last
 * resourceVersion seen, or, after {@code 410 Gone}, from scratch, which replays every current object as ADDED
 * (a re-list) and so enqueues every primary again.
 */
public final class EventRouter implements AutoCloseable {
  private final Backend backend;
  private final GroupKind primaryKind;
  private final boolean primaryNamespaced;
  private final ImmutableSet<GroupKind> ownedKinds;
  private final Consumer<ResourceKey> sink;
  private final TaskScheduler scheduler;
  private final Duration reconnectDelay;
  private final TreeSet<ResourceKey> known = new TreeSet<>();
  private final List<KindWatch> watches = new ArrayList<>();
  private boolean closed;

  EventRouter(Backend backend, GroupKind primaryKind, boolean primaryNamespaced, ImmutableSet<GroupKind> ownedKinds,
      Consumer<ResourceKey> sink, TaskScheduler scheduler, Duration reconnectDelay) {
    this.backend = backend;
    this.primaryKind = primaryKind;
    this.primaryNamespaced = primaryNamespaced;
    this.ownedKinds = ownedKinds;
    this.sink = sink;
    this.scheduler = scheduler;
    this.reconnectDelay = reconnectDelay;
  }

  /**
   * Opens the watches: the primary kind first, then the owned kinds in order. A watch that cannot be opened now
   * is retried after the reconnect delay.
   */
  public void start() {
    List<KindWatch> opening = new ArrayList<>();
    synchronized (this) {
      if (!watches.isEmpty() || closed) {
        return;
      }
      watches.add(new KindWatch(primaryKind, true));
      for (GroupKind kind : ownedKinds) {
        if (!kind.equals(primaryKind)) {
          watches.add(new KindWatch(kind, false));
        }
      }
      opening.addAll(watches);
    }
    for (KindWatch watch : opening) {
      watch.open();
    }
  }

  /** The primaries seen so far and not deleted, in key order. */
  public synchronized ImmutableSortedSet<ResourceKey> knownPrimaries() {
    return ImmutableSortedSet.copyOf(known);
  }

  /** Closes every watch and cancels pending reconnects; no event reaches the sink afterwards. */
  @Override
  public void close() {
    List<KindWatch> closing;
    synchronized (this) {
      closed = true;
      closing = List.copyOf(watches);
    }
    for (KindWatch watch : closing) {
      watch.close();
    }
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

  private void route(KindWatch watch, WatchEvent event) {
    if (event.type() == WatchEvent.Type.BOOKMARK) {
      return;
    }
    Resource object = event.object();
    if (watch.primary) {
      synchronized (this) {
        if (closed) {
          return;
        }
        if (event.type() == WatchEvent.Type.DELETED) {
          known.remove(object.key());
        } else {
          known.add(object.key());
        }
      }
      sink.accept(object.key());
    } else {
      primaryOf(object, primaryKind, primaryNamespaced).ifPresent(sink);
    }
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** One kind's watch, with what it needs to resume. */
  private final class KindWatch implements WatchListener {
    private final GroupKind kind;
    private final boolean primary;
    private @Nullable String resumeFrom;
    private @Nullable Subscription subscription;
    private @Nullable ScheduledTask reconnect;

    KindWatch(GroupKind kind, boolean primary) {
      this.kind = kind;
      this.primary = primary;
    }

    void open() {
      if (isClosed()) {
        return;
      }
      WatchRequest request = WatchRequest.all(kind).from(resumeFrom()).withBookmarks();
      try {
        Subscription opened = backend.watch(request, this);
        synchronized (this) {
          subscription = opened;
        }
        if (isClosed()) {
          opened.close();
        }
      } catch (BackendException.Gone expired) {
        synchronized (this) {
          resumeFrom = null;
        }
        scheduleReopen();
      } catch (BackendException unavailable) {
        scheduleReopen();
      }
    }

    private synchronized @Nullable String resumeFrom() {
      return resumeFrom;
    }

    @Override
    public void onEvent(WatchEvent event) {
      synchronized (this) {
        String version = event.object().resourceVersion();
        if (version != null) {
          resumeFrom = version;
        }
      }
      route(this, event);
    }

    @Override
    public void onClose(@Nullable BackendException cause) {
      if (cause == null || isClosed()) {
        return;
      }
      if (cause instanceof BackendException.Gone) {
        synchronized (this) {
          resumeFrom = null;
        }
      }
      scheduleReopen();
    }

    private void scheduleReopen() {
      if (isClosed()) {
        return;
      }
      ScheduledTask task = scheduler.schedule(reconnectDelay, this::open);
      synchronized (this) {
        reconnect = task;
      }
    }

    void close() {
      Subscription open;
      ScheduledTask pending;
      synchronized (this) {
        open = subscription;
        pending = reconnect;
        subscription = null;
        reconnect = null;
      }
      if (pending != null) {
        pending.cancel();
      }
      if (open != null) {
        open.close();
      }
    }
  }
}
