package dev.converge.inmemory.sim.runtime;

import com.google.common.collect.Maps;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.store.ObjectName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A shared informer as client-go's reflector and store make one: one LIST, then one WATCH from the list's
 * resourceVersion, both ordinary requests through the owner's {@link SimClient} (so their cost is accounted),
 * and a local cache that handlers and listers read instead of the API server. A watch that ends with an error
 * (410 Gone after a compaction, a dropped connection) is followed by a relist after {@link #RELIST_DELAY}
 * that turns the difference into add, update and delete notifications, as {@code Reflector.ListAndWatch} and
 * {@code DeltaFIFO.Replace} do.
 *
 * <p>Each watch asks for BOOKMARKs and lasts {@code timeoutSeconds}, drawn from the seed between {@link
 * #MIN_WATCH_TIMEOUT} and twice that, as {@code Reflector.watch} asks the server ({@code minWatchTimeout * (1 +
 * rand.Float64())}, whole seconds): then the server ends it and the informer watches again from the last
 * resourceVersion it saw, an event's or a BOOKMARK's, without a relist. So every informer makes a WATCH request
 * every 5 to 10 minutes for as long as it runs, and one whose version the server no longer keeps (410) relists.
 *
 * <p>Iteration order of {@link #items()} is namespace, then name, so that controllers walking the cache make
 * their requests in a reproducible order.
 */
public final class Informer {
  /** The reflector's back-off before a relist (client-go starts at 800 ms; a round second here). */
  public static final Duration RELIST_DELAY = Duration.ofSeconds(1);
  /** client-go's {@code minWatchTimeout}: a watch lasts between this and twice this. */
  public static final Duration MIN_WATCH_TIMEOUT = Duration.ofMinutes(5);

  /** Notifications of cache changes, after the cache has changed. */
  public interface Handler {
    default void onAdd(Resource object) {}

    default void onUpdate(Resource old, Resource current) {}

    default void onDelete(Resource last) {}

    /**
     * A handler for components that treat an add and an update alike (the object as it now is goes to {@code
     * changed}) and a delete apart (the last state goes to {@code deleted}).
     */
    static Handler of(Consumer<Resource> changed, Consumer<Resource> deleted) {
      return new Handler() {
        @Override
        public void onAdd(Resource object) {
          changed.accept(object);
        }

        @Override
        public void onUpdate(Resource old, Resource current) {
          changed.accept(current);
        }

        @Override
        public void onDelete(Resource last) {
          deleted.accept(last);
        }
      };
    }
  }

  private final SimClient client;
  private final GroupKind kind;
  private final @Nullable String namespace;
  private final LabelSelector labels;
  private final FieldSelector fields;
  private final List<Handler> handlers = new ArrayList<>();
  private final List<Runnable> onSynced = new ArrayList<>();
  /**
   * The cache: each object in a box held by a hash map (lookups, updates: no tree walk for the constant stream of
   * status writes and renewals) and by a sorted map (iteration in order), which only changes on adds and deletes.
   */
  private final Map<ObjectName, Box> byName = new HashMap<>();
  private final TreeMap<ObjectName, Box> sorted = new TreeMap<>();
  private final NavigableMap<ObjectName, Resource> items =
      Collections.unmodifiableNavigableMap(Maps.transformValues(sorted, box -> box.value));

  private static final class Box {
    Resource value;
    /** Taken out of the cache (the object was deleted): {@link #byNameInstance} must not hand it out. */
    boolean removed;

    Box(Resource value) {
      this.value = value;
    }
  }
  /**
   * Once the cache is large, boxes also by the very name string an incoming object carries (the versions of an
   * object share it): the constant stream of updates finds its box by a reference lookup instead of hashing and
   * comparing an {@link ObjectName}. A cache in front of {@link #byName}, checked against the box (still cached,
   * same namespace) and rebuilt from {@link #byName} on a miss.
   */
  private @Nullable NameInstanceCache<Box> byNameInstance;
  private @Nullable Subscription subscription;
  /** The last resourceVersion seen, of the list, an event or a BOOKMARK: where the next watch starts. */
  private String lastResourceVersion = "";
  /** Draws each watch's timeout; made on the first watch. */
  private @Nullable SplittableRandom timeouts;
  private long watches;
  private boolean synced;
  private boolean stopped;
  private long generation;
  private long lists;

  public Informer(SimClient client, GroupKind kind, @Nullable String namespace, LabelSelector labels,
      FieldSelector fields) {
    this.client = client;
    this.kind = kind;
    this.namespace = namespace;
    this.labels = labels;
    this.fields = fields;
  }

  /** An informer on every object of {@code kind}. */
  public static Informer of(SimClient client, GroupKind kind) {
    return new Informer(client, kind, null, LabelSelector.everything(), FieldSelector.everything());
  }

  public GroupKind kind() {
    return kind;
  }

  public Informer addHandler(Handler handler) {
    handlers.add(handler);
    return this;
  }

  /** Runs {@code action} once the first list has filled the cache (at once if it has). */
  public void whenSynced(Runnable action) {
    if (synced) {
      action.run();
    } else {
      onSynced.add(action);
    }
  }

  public boolean hasSynced() {
    return synced;
  }

  /** LISTs and then WATCHes. */
  public void start() {
    relist();
  }

  /** Closes the watch; the cache stays as it was. */
  public void stop() {
    stopped = true;
    generation++;
    if (subscription != null) {
      subscription.close();
      subscription = null;
    }
  }

  /** The cached object, or null. */
  public @Nullable Resource get(String objectNamespace, String name) {
    Box box = byName.get(new ObjectName(objectNamespace, name));
    return box == null ? null : box.value;
  }

  /** The cache, read-only, in namespace and name order. */
  public NavigableMap<ObjectName, Resource> items() {
    return items;
  }

  /** The cached objects of one namespace, in name order. */
  public NavigableMap<ObjectName, Resource> inNamespace(String objectNamespace) {
    return items.subMap(ObjectName.first(objectNamespace), true, ObjectName.first(objectNamespace + '\0'), false);
  }

  public int size() {
    return byName.size();
  }

  /** How many LISTs this informer has made (1 unless its watch was lost). */
  public long lists() {
    return lists;
  }

  /** How many WATCHes this informer has opened (one more every 5 to 10 minutes, and after each relist). */
  public long watches() {
    return watches;
  }

  private void relist() {
    if (stopped) {
      return;
    }
    long current = ++generation;
    lists++;
    ListRequest request = new ListRequest(kind, namespace, labels, fields, 0, null);
    client.list(request, response -> {
      if (current != generation) {
        return;
      }
      if (!response.ok()) {
        client.clock().schedule(RELIST_DELAY, this::relist);
        return;
      }
      replace(response.get());
      lastResourceVersion = response.get().resourceVersion();
      watchFrom(current);
    });
  }

  /** The server ended the watch at its timeout: watch again from the last version seen, with no relist. */
  private void watchEnded(long ended) {
    if (ended != generation || stopped) {
      return;
    }
    long current = ++generation;
    if (subscription != null) {
      subscription.close();
      subscription = null;
    }
    watchFrom(current);
  }

  private void watchFrom(long current) {
    watches++;
    WatchRequest request = new WatchRequest(kind, namespace, labels, fields, lastResourceVersion, true);
    Duration timeout = watchTimeout();
    client.watch(request, new WatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        if (current == generation) {
          lastResourceVersion = event.object().resourceVersion();
          apply(event);
        }
      }

      @Override
      public void onClose(@Nullable BackendException cause) {
        if (current == generation && cause != null) {
          subscription = null;
          client.clock().schedule(RELIST_DELAY, Informer.this::relist);
        }
      }
    }, timeout, response -> {
      if (current != generation) {
        if (response.ok()) {
          response.get().close();
        }
        return;
      }
      if (response.ok()) {
        subscription = response.get();
        // The server ends the watch at its timeout; the reflector sees the end and watches again.
        client.clock().schedule(timeout, () -> watchEnded(current));
      } else {
        client.clock().schedule(RELIST_DELAY, this::relist);
      }
    });
  }

  private Duration watchTimeout() {
    if (timeouts == null) {
      timeouts = client.context().random("reflector " + client.identity().name() + " " + kind + " " + namespace + " "
          + labels + " " + fields);
    }
    return watchTimeout(timeouts);
  }

  /**
   * A reflector's watch {@code timeoutSeconds}: {@link #MIN_WATCH_TIMEOUT} times one plus a fraction drawn from
   * {@code random}, whole seconds ({@code Reflector.watch}: {@code minWatchTimeout * (rand.Float64() + 1.0)}).
   */
  public static Duration watchTimeout(SplittableRandom random) {
    return Duration.ofSeconds((long) (MIN_WATCH_TIMEOUT.toSeconds() * (random.nextDouble() + 1.0)));
  }

  private void replace(ListResult list) {
    Map<ObjectName, Resource> fresh = new HashMap<>();
    for (Resource object : list.items()) {
      fresh.put(name(object), object);
    }
    for (Resource old : new ArrayList<>(items.values())) {
      if (!fresh.containsKey(name(old))) {
        remove(old);
      }
    }
    for (Resource object : list.items()) {
      upsert(object);
    }
    if (!synced) {
      synced = true;
      List<Runnable> actions = new ArrayList<>(onSynced);
      onSynced.clear();
      actions.forEach(Runnable::run);
    }
  }

  private void apply(WatchEvent event) {
    switch (event.type()) {
      case ADDED, MODIFIED -> upsert(event.object());
      case DELETED -> {
        if (byName.containsKey(name(event.object()))) {
          remove(event.object());
        }
      }
      case BOOKMARK -> { }
      default -> throw new AssertionError(event.type());
    }
  }

  /** Above this many cached objects, {@link #byNameInstance} is kept. */
  static final int INSTANCE_CACHE_FROM = 64;

  private void upsert(Resource object) {
    Box box = cachedByInstance(object);
    Resource old = null;
    if (box == null) {
      ObjectName name = name(object);
      box = byName.get(name);
      if (box == null) {
        box = new Box(object);
        byName.put(name, box);
        sorted.put(name, box);
      } else {
        old = box.value;
      }
      rememberInstance(object.name(), box);
    } else {
      old = box.value;
    }
    box.value = object;
    if (old == null) {
      for (Handler handler : handlers) {
        handler.onAdd(object);
      }
    } else if (!java.util.Objects.equals(old.resourceVersion(), object.resourceVersion())) {
      for (Handler handler : handlers) {
        handler.onUpdate(old, object);
      }
    }
  }

  /** The box {@link #byNameInstance} holds for {@code object}'s name instance, if it is still this object's. */
  private @Nullable Box cachedByInstance(Resource object) {
    NameInstanceCache<Box> instances = byNameInstance;
    Box cached = instances == null ? null : instances.get(object.name());
    return cached != null && !cached.removed && cached.value.namespace().equals(object.namespace()) ? cached : null;
  }

  /** Keeps {@code box} by its name instance once the cache is large. */
  private void rememberInstance(String nameInstance, Box box) {
    NameInstanceCache<Box> instances = byNameInstance;
    if (instances == null) {
      if (byName.size() <= INSTANCE_CACHE_FROM) {
        return;
      }
      instances = byNameInstance = new NameInstanceCache<>();
    }
    instances.put(nameInstance, box, byName.size());
  }

  private void remove(Resource last) {
    ObjectName name = name(last);
    Box box = byName.remove(name);
    if (box != null) {
      box.removed = true;
    }
    sorted.remove(name);
    for (Handler handler : handlers) {
      handler.onDelete(last);
    }
  }

  private static ObjectName name(Resource object) {
    return new ObjectName(object.namespace(), object.name());
  }
}
