package dev.converge.core.cache;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedSet;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.WatchEvent;
import dev.converge.core.cache.ResourceVersions.Order;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The objects of one kind as an informer knows them: client-go's thread-safe {@code Indexer} plus the
 * engine's own writes, which JOSDK keeps beside its informers ({@code TemporaryResourceCache}) so that a pass
 * reads what the previous one wrote even before the watch event arrives.
 *
 * <p>The rules that keep it from going back in time, with versions ordered by {@link ResourceVersions}:
 *
 * <ul>
 *   <li>a watch event or a written object replaces the entry only if it is newer; an event at the entry's own
 *       version (the echo of the engine's write) changes nothing and is not passed on, as JOSDK skips the
 *       events of its own updates;
 *   <li>a deletion (a DELETED event, or a delete by the engine) removes the entry and leaves a tombstone at
 *       the deleted version, so that neither a late event about the object before the delete nor the result
 *       of a write that raced with it (a worker feeding its write after the watch told of the deletion)
 *       brings it back; a newer state (the object was created again) clears it;
 *   <li>an object that carries finalizers, or is deleted with foreground or orphan propagation, is only marked
 *       by the server ({@code deletionTimestamp}) and lives on: its entry stays until the watch says otherwise.
 * </ul>
 *
 * <p>Thread-safe: one lock; nothing here calls out.
 */
final class KindStore {
  /**
   * Deletions remembered per kind. A tombstone only has to outlive the writes in flight when the deletion was
   * seen (milliseconds), so the oldest are forgotten first and memory stays bounded however many objects come
   * and go.
   */
  static final int MAX_TOMBSTONES = 10_000;

  private final @Nullable String indexedLabel;
  private final Map<ResourceKey, Resource> objects = new HashMap<>();
  private final Map<String, Set<ResourceKey>> byLabel = new HashMap<>();
  private final Map<ResourceKey, String> tombstones = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<ResourceKey, String> eldest) {
      return size() > MAX_TOMBSTONES;
    }
  };

  /** @param indexedLabel a label key whose equality selectors are answered from an index, or null */
  KindStore(@Nullable String indexedLabel) {
    this.indexedLabel = indexedLabel;
  }

  /**
   * Applies one watch event (not a bookmark).
   *
   * @return the event to pass on (typed by what the store held before: ADDED if it held nothing), or null if
   *     the store did not change
   */
  synchronized @Nullable WatchEvent apply(WatchEvent event) {
    Resource object = event.object();
    ResourceKey key = object.key();
    Resource held = objects.get(key);
    if (event.type() == WatchEvent.Type.DELETED) {
      remember(key, object.resourceVersion());
      if (held == null || ResourceVersions.compare(object.resourceVersion(), held.resourceVersion()) == Order.OLDER) {
        return null; // gone already, or the engine has since created it again
      }
      remove(key);
      return event;
    }
    if (!clearsTombstone(key, object) || (held != null && !isNewer(object, held))) {
      return null;
    }
    put(object);
    return new WatchEvent(held == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED, object);
  }

  /**
   * Replaces the contents with a fresh list taken at {@code listVersion}, as client-go's {@code Replace}.
   * Entries the engine wrote after the list was taken are kept.
   *
   * @return one event per listed object (ADDED if new to the store, MODIFIED otherwise, also when unchanged:
   *     client-go's informer calls {@code OnUpdate} for every object after a re-list) and a DELETED for every
   *     object that is gone, in key order
   */
  synchronized List<WatchEvent> replace(Collection<Resource> listed, String listVersion) {
    List<WatchEvent> events = new ArrayList<>();
    Set<ResourceKey> seen = new HashSet<>();
    for (Resource object : listed) {
      ResourceKey key = object.key();
      seen.add(key);
      if (!clearsTombstone(key, object)) {
        continue; // the engine deleted it after this list was taken
      }
      Resource held = objects.get(key);
      Resource kept = held != null && !isNewer(object, held) ? held : object;
      if (kept != held) {
        put(kept);
      }
      events.add(new WatchEvent(held == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED, kept));
    }
    for (Resource held : List.copyOf(objects.values())) {
      if (!seen.contains(held.key())
          && ResourceVersions.compare(held.resourceVersion(), listVersion) != Order.NEWER) {
        remove(held.key());
        events.add(new WatchEvent(WatchEvent.Type.DELETED, held));
      }
    }
    events.sort((a, b) -> a.object().key().compareTo(b.object().key()));
    return events;
  }

  /** The engine wrote {@code stored} (the server's answer to an apply, update or status update). */
  synchronized void written(Resource stored) {
    ResourceKey key = stored.key();
    if (stored.isBeingDeleted() && stored.finalizers().isEmpty()) {
      // Removing the last finalizer of a deleted object deletes it: the server's answer is its last state.
      deleted(stored, false);
      return;
    }
    Resource held = objects.get(key);
    if (clearsTombstone(key, stored) && (held == null || isNewer(stored, held))) {
      put(stored);
    }
  }

  /**
   * The engine deleted {@code live} (the object as it was when the delete was planned).
   *
   * @param lingers whether the server only marks it ({@code deletionTimestamp}): it has finalizers, or the
   *     propagation adds one; then the entry stays and the watch tells when it is gone
   */
  synchronized void deleted(Resource live, boolean lingers) {
    ResourceKey key = live.key();
    Resource held = objects.get(key);
    if (held == null) {
      return; // the watch told of the deletion already (it arrives before the call returns on some servers)
    }
    if (ResourceVersions.compare(held.resourceVersion(), live.resourceVersion()) == Order.NEWER) {
      return; // the watch already brought a later state (the deletion itself, or a newer object)
    }
    if (lingers) {
      return;
    }
    remove(key);
    remember(key, live.resourceVersion());
  }

  synchronized Optional<Resource> get(ResourceKey key) {
    return Optional.ofNullable(objects.get(key));
  }

  /**
   * The objects in {@code namespace} (null: all) that match {@code labels}, in key order. An equality (or
   * {@code in}) requirement on the indexed label is answered from the index instead of a scan.
   */
  synchronized ImmutableList<Resource> select(@Nullable String namespace, LabelSelector labels) {
    Collection<ResourceKey> candidates = indexed(labels);
    List<Resource> found = new ArrayList<>();
    if (candidates == null) {
      for (Resource object : objects.values()) {
        if (selects(object, namespace, labels)) {
          found.add(object);
        }
      }
    } else {
      for (ResourceKey key : candidates) {
        Resource object = objects.get(key);
        if (object != null && selects(object, namespace, labels)) {
          found.add(object);
        }
      }
    }
    found.sort((a, b) -> a.key().compareTo(b.key()));
    return ImmutableList.copyOf(found);
  }

  synchronized ImmutableSortedSet<ResourceKey> keys() {
    return ImmutableSortedSet.copyOf(objects.keySet());
  }

  synchronized int size() {
    return objects.size();
  }

  private static boolean selects(Resource object, @Nullable String namespace, LabelSelector labels) {
    return (namespace == null || namespace.equals(object.namespace())) && labels.matches(object);
  }

  /** The keys the index offers for {@code labels}, or null when it cannot narrow them down. */
  private @Nullable Collection<ResourceKey> indexed(LabelSelector labels) {
    if (indexedLabel == null) {
      return null;
    }
    for (LabelSelector.Requirement requirement : labels.requirements()) {
      if (requirement.key().equals(indexedLabel) && requirement.operator() == LabelSelector.Operator.IN) {
        List<ResourceKey> keys = new ArrayList<>();
        for (String value : requirement.values()) {
          keys.addAll(byLabel.getOrDefault(value, Set.of()));
        }
        return keys;
      }
    }
    return null;
  }

  /** Whether {@code object} may enter the store past a tombstone of its key (and clears it if so). */
  private boolean clearsTombstone(ResourceKey key, Resource object) {
    String deletedAt = tombstones.get(key);
    if (deletedAt == null) {
      return true;
    }
    Order order = ResourceVersions.compare(object.resourceVersion(), deletedAt);
    if (order == Order.OLDER || order == Order.SAME) {
      return false; // the object as it was before the engine deleted it
    }
    tombstones.remove(key);
    return true;
  }

  /** Whether {@code candidate} should replace {@code held}: newer, or not comparable (the latest arrival wins). */
  private static boolean isNewer(Resource candidate, Resource held) {
    Order order = ResourceVersions.compare(candidate.resourceVersion(), held.resourceVersion());
    return order == Order.NEWER || order == Order.UNKNOWN;
  }

  private void remember(ResourceKey key, @Nullable String deletedAt) {
    if (deletedAt == null) {
      tombstones.remove(key);
    } else {
      tombstones.merge(key, deletedAt, (kept, fresh) -> ResourceVersions.compare(fresh, kept) == Order.OLDER ? kept : fresh);
    }
  }

  private void put(Resource object) {
    Resource previous = objects.put(object.key(), object);
    if (indexedLabel != null) {
      unindex(previous);
      String value = object.labels().get(indexedLabel);
      if (value != null) {
        byLabel.computeIfAbsent(value, v -> new HashSet<>()).add(object.key());
      }
    }
  }

  private void remove(ResourceKey key) {
    unindex(objects.remove(key));
  }

  private void unindex(@Nullable Resource object) {
    if (object == null || indexedLabel == null) {
      return;
    }
    String value = object.labels().get(indexedLabel);
    if (value != null) {
      Set<ResourceKey> keys = byLabel.get(value);
      if (keys != null) {
        keys.remove(object.key());
        if (keys.isEmpty()) {
          byLabel.remove(value);
        }
      }
    }
  }
}
