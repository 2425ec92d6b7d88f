package dev.converge.k8s;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  /** What an observation shows for {@code key}, given what the cache holds (null if it holds nothing). */
  @Nullable Resource resolve(ResourceKey key, @Nullable Resource cached) {
    Entry entry = entries.get(key);
    if (entry == null) {
      return cached;
    }
    if (cached != null) {
      String version = cached.resourceVersion();
      if (supersedes(version == null ? "" : version, entry)) {
        entries.remove(key, entry);
        return cached;
      }
    }
    return entry.object();
  }

  /** Keys of {@code kind} this overlay holds (written objects the cache may not have yet). */
  List<ResourceKey> keysOf(GroupKind kind) {
    List<ResourceKey> result = new ArrayList<>();
    for (ResourceKey key : entries.keySet()) {
      if (key.groupKind().equals(kind)) {
        result.add(key);
      }
    }
    return result;
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
