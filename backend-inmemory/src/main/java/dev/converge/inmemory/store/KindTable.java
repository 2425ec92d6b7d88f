package dev.converge.inmemory.store;

import com.google.common.collect.Maps;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The objects of one kind, ordered by namespace and name, with the kind's recent changes (its watch-cache
 * window) and an optional index on one field ({@code spec.nodeName} for pods, as kube-apiserver's watch cache
 * indexes them so that per-node lists and watches do not scan every pod).
 */
public final class KindTable {
  private final GroupKind kind;
  /**
   * Each live object sits in a box held by a sorted map (lists, watches, ranges) and by a hash map (point
   * lookups: GET, every write's read of the stored object). An update replaces the box's content through the
   * hash map, so the constant stream of status writes and Lease renewals never walks the tree; only creates and
   * deletes do.
   */
  private final TreeMap<ObjectName, Box> sorted = new TreeMap<>();
  private final HashMap<ObjectName, Box> byName = new HashMap<>();
  private final NavigableMap<ObjectName, Resource> objects =
      Collections.unmodifiableNavigableMap(Maps.transformValues(sorted, box -> box.value));
  private final ChangeLog history = new ChangeLog();
  private final int historyLimit;
  /** How long a change is kept past {@link #historyLimit}, up to {@link ObjectStore#HISTORY_UPPER_BOUND}. */
  private final long freshNanos;
  private final @Nullable String indexField;
  private final Map<String, TreeMap<ObjectName, Resource>> index = new HashMap<>();
  private long compactedThrough;

  KindTable(GroupKind kind, int historyLimit, long freshNanos, @Nullable String indexField) {
    this.kind = kind;
    this.historyLimit = historyLimit;
    this.freshNanos = freshNanos;
    this.indexField = indexField;
  }

  public GroupKind kind() {
    return kind;
  }

  /** A live object's slot. */
  private static final class Box {
    Resource value;

    Box(Resource value) {
      this.value = value;
    }
  }

  public int size() {
    return byName.size();
  }

  public @Nullable Resource get(ObjectName name) {
    Box box = byName.get(name);
    return box == null ? null : box.value;
  }

  /** The live objects, read-only, in order. */
  public NavigableMap<ObjectName, Resource> objects() {
    return objects;
  }

  /** The live objects of one namespace, read-only, in order. */
  public NavigableMap<ObjectName, Resource> inNamespace(String namespace) {
    return objects.subMap(ObjectName.first(namespace), true, ObjectName.first(namespace + '\0'), false);
  }

  /** The field this table indexes, or null. */
  public @Nullable String indexField() {
    return indexField;
  }

  /** The live objects whose indexed field equals {@code value}, in order. */
  public NavigableMap<ObjectName, Resource> indexed(String value) {
    TreeMap<ObjectName, Resource> bucket = index.get(value);
    return bucket == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(bucket);
  }

  /**
   * The highest revision whose history is gone: a watch or a list continuation from a revision below it
   * cannot be served (410 Gone), as after an etcd compaction.
   */
  public long compactedThrough() {
    return compactedThrough;
  }

  /** The kind's changes after {@code revision}, oldest first; the caller checks {@link #compactedThrough()}. */
  public List<Change> changesAfter(long revision) {
    return history.after(revision);
  }

  /** How many changes of the kind are after {@code revision}. */
  public int countChangesAfter(long revision) {
    return history.countAfter(revision);
  }

  /**
   * The objects after {@code startAfter} (or all, when null) as they were at {@code revision}: the live map
   * with every later change undone. Served without copying when nothing changed since.
   */
  public NavigableMap<ObjectName, Resource> viewAt(long revision, @Nullable ObjectName startAfter) {
    NavigableMap<ObjectName, Resource> live = startAfter == null ? objects : objects.tailMap(startAfter, false);
    if (history.isEmpty() || history.lastRevision() <= revision) {
      return live;
    }
    TreeMap<ObjectName, Resource> view = new TreeMap<>(live);
    history.forEachAfterNewestFirst(revision, change -> {
      ObjectName name = change.objectName();
      if (startAfter != null && name.compareTo(startAfter) <= 0) {
        return;
      }
      Resource before = change.previous();
      if (before == null) {
        view.remove(name);
      } else {
        view.put(name, before);
      }
    });
    return Collections.unmodifiableNavigableMap(view);
  }

  /** Applies {@code change}, committed at {@code nowNanos} (0 when the table keeps no change past its limit). */
  void apply(Change change, long nowNanos) {
    ObjectName name = change.objectName();
    Resource previous = change.previous();
    if (change.type() == Change.Type.DELETED) {
      sorted.remove(name);
      byName.remove(name);
    } else {
      Box box = byName.get(name);
      if (box == null) {
        box = new Box(change.object());
        byName.put(name, box);
        sorted.put(name, box);
      } else {
        box.value = change.object();
      }
    }
    if (indexField != null) {
      String before = previous == null ? null : previous.at(indexField).asText("");
      String after = change.type() == Change.Type.DELETED ? null : change.object().at(indexField).asText("");
      if (before != null && !before.equals(after)) {
        unindex(name, previous);
      }
      if (after != null) {
        index.computeIfAbsent(after, k -> new TreeMap<>()).put(name, change.object());
      }
    }
    history.addLast(change, nowNanos);
    // Past the limit, the oldest change goes once it is stale, or once the kind keeps the most changes it may.
    while (history.size() > historyLimit && (freshNanos == 0 || history.size() > Math.max(historyLimit,
        ObjectStore.HISTORY_UPPER_BOUND) || nowNanos - history.firstNanos() >= freshNanos)) {
      compactedThrough = history.removeFirst();
    }
  }

  private void unindex(ObjectName name, Resource previous) {
    String value = previous.at(indexField).asText("");
    TreeMap<ObjectName, Resource> bucket = index.get(value);
    if (bucket != null) {
      bucket.remove(name);
      if (bucket.isEmpty()) {
        index.remove(value);
      }
    }
  }

  void compact(long revision) {
    while (!history.isEmpty() && history.firstRevision() <= revision) {
      history.removeFirst();
    }
    compactedThrough = Math.max(compactedThrough, revision);
  }
}
