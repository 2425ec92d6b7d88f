package dev.converge.k8s;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Read-your-writes over an informer cache: the results of this backend's own writes, kept until the
 * informer has caught up with them, so that an observation right after a write sees it even before the
 * watch event arrives (the engine plans its next step from what it just wrote).
 *
 * <p>Versions are compared as numbers when both are decimal digit strings, which every known API server
 * uses (etcd revisions; the in-memory cluster and the fabric8 mock use counters too); Kubernetes calls them
 * opaque, so when they are not numbers only equality is trusted, and a written entry stays until the informer
 * reports exactly its version. A cached object replaces a written one at the same or a newer version; it
 * replaces a deletion only at a strictly newer version (the object was created again).
 */
final class WriteOverlay {
  /** A write's result: the object, or null for a deletion, at {@code version}. */
  private record Entry(@Nullable Resource object, String version) {}

  private final Map<ResourceKey, Entry> entries = new ConcurrentHashMap<>();

  /** This backend wrote {@code object}; it is what observations show until the cache catches up. */
  void written(Resource object) {
    String version = object.resourceVersion();
    put(object.key(), new Entry(object, version == null ? "" : version));
  }

  /** This backend deleted {@code key}, whose last known version was {@code version} (empty if unknown). */
  void deleted(ResourceKey key, String version) {
    put(key, new Entry(null, version));
  }

  private void put(ResourceKey key, Entry entry) {
    entries.merge(key, entry, (old, fresh) -> compare(fresh.version(), old.version()) == Order.OLDER ? old : fresh);
  }

  /** The informer saw {@code key} at {@code version} (added or modified): drop entries it has caught up with. */
  void observed(ResourceKey key, String version) {
    entries.computeIfPresent(key, (k, entry) -> supersedes(version, entry) ? null : entry);
  }

  /** The informer saw {@code key} deleted, its last state at {@code version}. */
  void observedDeleted(ResourceKey key, String version) {
    entries.computeIfPresent(key, (k, entry) ->
        entry.object() == null || atLeast(version, entry.version()) ? null : entry);
  }

  /**
   * What an observation shows for {@code key}: this overlay's entry laid over what {@code cache} reads.
   *
   * <p>The entry is read <em>before</em> the cache. The informer updates its indexer first and only then
   * notifies the handler that evicts entries ({@link #observed}, {@link #observedDeleted}), so an entry that is
   * gone when this reads it is one the cache has already caught up with. Read the other way round, an
   * indexer read from before a watch event could meet an overlay from after it: the informer drops a deleted
   * object and its tombstone between the two reads, and the stale object from the indexer shows again.
   */
  @Nullable Resource visible(ResourceKey key, Supplier<@Nullable Resource> cache) {
    Entry entry = entries.get(key);
    Resource cached = cache.get();
    return entry == null ? cached : resolve(key, entry, cached);
  }

  /**
   * What an observation shows for every object of {@code kind}: this overlay's entries of that kind laid
   * over what {@code cache} reads. As in {@link #visible(ResourceKey, Supplier)}, the entries are read first.
   */
  Map<ResourceKey, Resource> visible(GroupKind kind, Supplier<? extends Collection<Resource>> cache) {
    Map<ResourceKey, Entry> written = new HashMap<>();
    entries.forEach((key, entry) -> {
      if (key.groupKind().equals(kind)) {
        written.put(key, entry);
      }
    });
    Map<ResourceKey, Resource> result = new TreeMap<>();
    for (Resource cached : cache.get()) {
      Entry entry = written.remove(cached.key());
      Resource shown = entry == null ? cached : resolve(cached.key(), entry, cached);
      if (shown != null) {
        result.put(cached.key(), shown);
      }
    }
    written.forEach((key, entry) -> {
      Resource shown = resolve(key, entry, null);
      if (shown != null) {
        result.put(key, shown);
      }
    });
    return result;
  }

  /** What an observation shows for {@code key}, given what the cache holds (null if it holds nothing). */
  @Nullable Resource resolve(ResourceKey key, @Nullable Resource cached) {
    return visible(key, () -> cached);
  }

  private @Nullable Resource resolve(ResourceKey key, Entry entry, @Nullable Resource cached) {
    if (cached != null) {
      String version = cached.resourceVersion();
      if (supersedes(version == null ? "" : version, entry)) {
        entries.remove(key, entry);
        return cached;
      }
    }
    return entry.object();
  }

  int size() {
    return entries.size();
  }

  private static boolean supersedes(String cachedVersion, Entry entry) {
    Order order = compare(cachedVersion, entry.version());
    return entry.object() == null ? order == Order.NEWER : order == Order.NEWER || order == Order.SAME;
  }

  private static boolean atLeast(String a, String b) {
    Order order = compare(a, b);
    return order == Order.NEWER || order == Order.SAME;
  }

  /** How version {@code a} relates to version {@code b}. */
  enum Order {
    OLDER,
    SAME,
    NEWER,
    UNKNOWN
  }

  static Order compare(String a, String b) {
    if (a.equals(b)) {
      return Order.SAME;
    }
    if (!isNumber(a) || !isNumber(b)) {
      return Order.UNKNOWN;
    }
    String x = stripZeros(a);
    String y = stripZeros(b);
    int c = x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    return c < 0 ? Order.OLDER : c > 0 ? Order.NEWER : Order.SAME;
  }

  private static boolean isNumber(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }
}
