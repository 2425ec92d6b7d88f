package dev.converge.core.cache;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.core.time.ScheduledTask;
import dev.converge.core.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One kind's list-and-watch, as client-go's {@code Reflector} feeding a {@code SharedIndexInformer}:
 *
 * <ol>
 *   <li>list every object of the kind (in pages of {@value #PAGE_SIZE}, as client-go's pager), replace the
 *       store with them and remember the list's resourceVersion; the kind has now synced;
 *   <li>watch from that version, with bookmarks; every event and bookmark moves the version on;
 *   <li>a watch that ends or cannot be opened is opened again after the reconnect delay <em>from the last
 *       version seen</em>, without a list (client-go re-watches from {@code LastSyncResourceVersion});
 *   <li>{@code 410 Gone} (the version left the server's history) makes the next attempt a list again, whose
 *       replace tells listeners about every object and every deletion missed meanwhile;
 *   <li>a list that fails is tried again after the delay; until the first one succeeds the kind has not synced
 *       and readers go to the server.
 * </ol>
 *
 * <p>Every retry is a task on the {@link TaskScheduler}, so a simulation runs them in virtual time. Listeners
 * are called after the store was updated, under this informer's lock, so they see one kind's changes one at a
 * time and in order. No backend call is made while the lock is held (a synchronous watch delivers events
 * from inside the call), and events of a watch that has been replaced are ignored.
 */
final class Informer {
  /** Objects per list page, client-go's default ({@code pager.defaultPageSize}). */
  static final int PAGE_SIZE = 500;

  private final Backend backend;
  private final GroupKind kind;
  private final TaskScheduler scheduler;
  private final Duration reconnectDelay;
  private final KindStore store;
  private final CacheMetrics metrics;
  private final Consumer<WatchEvent> listeners;

  // Guarded by this.
  private @Nullable String version;
  private boolean synced;
  private boolean needsList = true;
  private boolean started;
  private boolean closed;
  private long session;
  private boolean watchedBefore;
  private @Nullable Subscription subscription;
  private @Nullable ScheduledTask retry;

  Informer(Backend backend, GroupKind kind, TaskScheduler scheduler, Duration reconnectDelay, KindStore store,
      CacheMetrics metrics, Consumer<WatchEvent> listeners) {
    this.backend = backend;
    this.kind = kind;
    this.scheduler = scheduler;
    this.reconnectDelay = reconnectDelay;
    this.store = store;
    this.metrics = metrics;
    this.listeners = listeners;
  }

  GroupKind kind() {
    return kind;
  }

  KindStore store() {
    return store;
  }

  /** Lists and watches now, on the calling thread; a failure is retried on the scheduler. Idempotent. */
  void start() {
    synchronized (this) {
      if (started || closed) {
        return;
      }
      started = true;
    }
    connect();
  }

  /** Whether the first list has completed (the store then stays synced through drops and re-lists). */
  synchronized boolean hasSynced() {
    return synced;
  }

  /** The last resourceVersion seen (list, event or bookmark), or null before the first list. */
  synchronized @Nullable String resourceVersion() {
    return version;
  }

  /** Ends the watch and cancels a pending retry; no listener is called afterwards. */
  void close() {
    Subscription open;
    ScheduledTask pending;
    synchronized (this) {
      closed = true;
      session++;
      open = subscription;
      pending = retry;
      subscription = null;
      retry = null;
    }
    if (pending != null) {
      pending.cancel();
    }
    if (open != null) {
      open.close();
    }
  }

  /** Lists if it must, then watches. */
  private void connect() {
    boolean list;
    synchronized (this) {
      if (closed) {
        return;
      }
      retry = null;
      list = needsList;
    }
    if (list && !list()) {
      return;
    }
    watch();
  }

  /** Lists every page and replaces the store; false (and a retry scheduled) if a request failed. */
  private boolean list() {
    List<Resource> items = new ArrayList<>();
    String listVersion = null;
    try {
      String token = null;
      do {
        ListResult page = backend.list(ListRequest.all(kind).page(PAGE_SIZE, token));
        items.addAll(page.items());
        if (listVersion == null) {
          listVersion = page.resourceVersion(); // every page is served at the first page's version
        }
        token = page.continueToken();
      } while (token != null);
    } catch (BackendException failed) {
      // 410 on a continue token (the list's version expired mid-way), 404 (the kind is not served yet: a CRD
      // in flight), 429, 5xx: list again later, from scratch.
      scheduleRetry();
      return false;
    }
    synchronized (this) {
      if (closed) {
        return false;
      }
      if (synced) {
        metrics.relist();
      }
      List<WatchEvent> events = store.replace(items, listVersion);
      version = listVersion;
      synced = true;
      needsList = false;
      for (WatchEvent event : events) {
        listeners.accept(event);
      }
    }
    return true;
  }

  private void watch() {
    long id;
    String from;
    synchronized (this) {
      if (closed) {
        return;
      }
      id = ++session;
      from = version;
    }
    Session listener = new Session(id);
    Subscription opened;
    try {
      opened = backend.watch(WatchRequest.all(kind).from(from).withBookmarks(), listener);
    } catch (BackendException.Gone expired) {
      synchronized (this) {
        needsList = true;
      }
      scheduleRetry();
      return;
    } catch (BackendException failed) {
      scheduleRetry();
      return;
    }
    boolean current;
    synchronized (this) {
      current = !closed && session == id;
      if (current) {
        subscription = opened;
        if (watchedBefore) {
          metrics.watchRestart();
        }
        watchedBefore = true;
      }
    }
    if (!current) {
      opened.close(); // closed meanwhile, or the watch already ended during the call (its retry is scheduled)
    }
  }

  private void scheduleRetry() {
    synchronized (this) {
      if (closed || retry != null) {
        return;
      }
      retry = scheduler.schedule(reconnectDelay, this::connect);
    }
  }

  /** One watch's listener; ignores everything once a newer watch (or close) has replaced it. */
  private final class Session implements WatchListener {
    private final long id;

    Session(long id) {
      this.id = id;
    }

    @Override
    public void onEvent(WatchEvent event) {
      synchronized (Informer.this) {
        if (closed || session != id) {
          return;
        }
        String seen = event.object().resourceVersion();
        if (seen != null) {
          version = seen;
        }
        if (event.type() == WatchEvent.Type.BOOKMARK) {
          return;
        }
        WatchEvent change = store.apply(event);
        if (change != null) {
          listeners.accept(change);
        }
      }
    }

    @Override
    public void onClose(@Nullable BackendException cause) {
      synchronized (Informer.this) {
        if (closed || session != id) {
          return; // closed by us, or an old watch
        }
        session++;
        subscription = null;
        if (cause instanceof BackendException.Gone) {
          needsList = true;
        }
      }
      // Ended by the server (a timeout, a drop) or expired: watch again from the last version, or re-list.
      scheduleRetry();
    }
  }
}
