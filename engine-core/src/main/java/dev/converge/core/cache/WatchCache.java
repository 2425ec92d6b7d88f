package dev.converge.core.cache;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import com.google.common.collect.ImmutableSortedSet;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.WatchEvent;
import dev.converge.core.time.TaskScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The engine's watch cache: one informer per kind over a {@link Backend} (see {@link Informer} for the list,
 * watch, resume and re-list rules), each holding every object of its kind cluster-wide, as
 * controller-runtime's cache does for the kinds a controller watches. The same watch feeds the store and the
 * {@link CacheListener}s (the event routing), which are told after the store was updated, as client-go's
 * {@code SharedInformer} does.
 *
 * <p>The engine's own writes are fed in with {@link #recordWrite} and {@link #recordDelete} (read-your-writes:
 * the next pass sees them before their watch events arrive); {@link KindStore} has the rules that keep
 * either source from taking the cache back in time.
 *
 * <p>Lifecycle: {@link #start()} lists every kind on the calling thread and opens the watches; failures are
 * retried on the {@link TaskScheduler}. A kind has synced once its first list completed; readers ({@link
 * CachedBackend}) go to the server for kinds that have not. {@link #close()} ends the watches. Thread-safe.
 */
public final class WatchCache implements AutoCloseable {
  private final ImmutableMap<GroupKind, Informer> informers;
  private final List<CacheListener> listeners = new CopyOnWriteArrayList<>();

  private WatchCache(Builder builder) {
    ImmutableMap.Builder<GroupKind, Informer> byKind = ImmutableMap.builder();
    for (GroupKind kind : builder.kinds) {
      KindStore store = new KindStore(builder.indexedLabel);
      CacheMetrics metrics = new CacheMetrics(builder.registry, kind, store);
      byKind.put(kind, new Informer(builder.backend, kind, builder.scheduler, builder.reconnectDelay, store, metrics,
          this::dispatch));
    }
    this.informers = byKind.build();
  }

  /**
   * A builder for a cache over {@code backend} (which every list and watch goes to) that schedules its retries
   * on {@code scheduler}.
   */
  public static Builder builder(Backend backend, TaskScheduler scheduler) {
    return new Builder(backend, scheduler);
  }

  /** Adds a listener; add them before {@link #start()} to hear about every object of the initial lists. */
  public void addListener(CacheListener listener) {
    listeners.add(listener);
  }

  /** Lists every kind (in the order they were added) and opens the watches. Idempotent. */
  public void start() {
    for (Informer informer : informers.values()) {
      informer.start();
    }
  }

  /** Ends every watch and cancels pending retries; no listener is called afterwards. */
  @Override
  public void close() {
    for (Informer informer : informers.values()) {
      informer.close();
    }
  }

  /** The kinds this cache holds. */
  public ImmutableSet<GroupKind> kinds() {
    return informers.keySet();
  }

  /** Whether {@code kind} is cached and its first list has completed. */
  public boolean hasSynced(GroupKind kind) {
    Informer informer = informers.get(kind);
    return informer != null && informer.hasSynced();
  }

  /** Whether every kind has synced. */
  public boolean hasSynced() {
    return informers.values().stream().allMatch(Informer::hasSynced);
  }

  /**
   * The cached object at {@code key}.
   *
   * @throws IllegalArgumentException if its kind is not cached
   */
  public Optional<Resource> get(ResourceKey key) {
    return informer(key.groupKind()).store().get(key);
  }

  /**
   * The cached objects of {@code kind} in {@code namespace} (null: all namespaces) that match {@code labels},
   * in key order.
   *
   * @throws IllegalArgumentException if {@code kind} is not cached
   */
  public ImmutableList<Resource> list(GroupKind kind, @Nullable String namespace, LabelSelector labels) {
    return informer(kind).store().select(namespace, labels);
  }

  /** The keys of the cached objects of {@code kind}, in order. @throws IllegalArgumentException if not cached */
  public ImmutableSortedSet<ResourceKey> keys(GroupKind kind) {
    return informer(kind).store().keys();
  }

  /** The number of objects cached, all kinds. */
  public int size() {
    return informers.values().stream().mapToInt(i -> i.store().size()).sum();
  }

  /**
   * The last resourceVersion {@code kind}'s informer has seen (list, event or bookmark), or null before its
   * first list. @throws IllegalArgumentException if not cached
   */
  public @Nullable String resourceVersion(GroupKind kind) {
    return informer(kind).resourceVersion();
  }

  /**
   * The engine wrote {@code stored} (the server's answer to an apply, create, update or status update): the
   * cache holds it unless it already holds a newer state. Ignored for kinds not cached.
   */
  public void recordWrite(Resource stored) {
    Informer informer = informers.get(stored.groupKind());
    if (informer != null) {
      informer.store().written(stored);
    }
  }

  /**
   * The engine deleted {@code live} (the object as it read it) with {@code propagation}. The entry goes,
   * unless the server only marks the object: Kubernetes keeps an object with finalizers (and one deleted in
   * the foreground, or orphaning its dependents, which adds one) until they are removed, and the watch
   * reports that. Ignored for kinds not cached.
   */
  public void recordDelete(Resource live, Propagation propagation) {
    Informer informer = informers.get(live.groupKind());
    if (informer != null) {
      boolean lingers = !live.finalizers().isEmpty() || propagation != Propagation.BACKGROUND;
      informer.store().deleted(live, lingers);
    }
  }

  private Informer informer(GroupKind kind) {
    Informer informer = informers.get(kind);
    checkArgument(informer != null, "%s is not cached (cached: %s)", kind, informers.keySet());
    return informer;
  }

  private void dispatch(WatchEvent event) {
    for (CacheListener listener : listeners) {
      listener.onChange(event);
    }
  }

  /** Configures a {@link WatchCache}. */
  public static final class Builder {
    private final Backend backend;
    private final TaskScheduler scheduler;
    private final LinkedHashSet<GroupKind> kinds = new LinkedHashSet<>();
    private Duration reconnectDelay = Duration.ofSeconds(1);
    private @Nullable String indexedLabel;
    private MeterRegistry registry = new CompositeMeterRegistry();

    private Builder(Backend backend, TaskScheduler scheduler) {
      this.backend = backend;
      this.scheduler = scheduler;
    }

    /** Caches {@code kind} (cluster-wide, every object). */
    public Builder kind(GroupKind kind) {
      kinds.add(kind);
      return this;
    }

    /** Caches each of {@code cached}. */
    public Builder kinds(Collection<GroupKind> cached) {
      kinds.addAll(cached);
      return this;
    }

    /** How long a failed list or a dropped watch waits before it is tried again (default 1 s). */
    public Builder reconnectDelay(Duration delay) {
      checkArgument(!delay.isNegative(), "delay must not be negative");
      this.reconnectDelay = delay;
      return this;
    }

    /**
     * Indexes objects by the value of {@code labelKey}, so that a selection by equality on it (the owner label
     * every pass selects by) is answered without scanning the kind, as client-go's {@code Indexer}.
     */
    public Builder indexLabel(String labelKey) {
      this.indexedLabel = labelKey;
      return this;
    }

    /** Where {@code converge.cache.size}, {@code .relists} and {@code .watch.restarts} go (default: nowhere). */
    public Builder meterRegistry(MeterRegistry meterRegistry) {
      this.registry = meterRegistry;
      return this;
    }

    public WatchCache build() {
      return new WatchCache(this);
    }
  }
}
