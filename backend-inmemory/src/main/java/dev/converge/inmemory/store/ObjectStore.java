package dev.converge.inmemory.store;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.NavigableMap;
import java.util.HashMap;
import org.jspecify.annotations.Nullable;

/**
 * All objects, by kind, with one global revision counter: every write takes the next revision, so
 * {@code resourceVersion} is monotonic across the whole cluster as with etcd. Not thread-safe: the API server
 * serializes access under its lock.
 *
 * <p>Each kind keeps its last {@code historyLimit} changes, and past that those younger than the freshness, up
 * to {@link #HISTORY_UPPER_BOUND} (kube-apiserver's watch cache keeps a window per resource, at least 75 s of
 * events while it can); older revisions are compacted and watches or list continuations that need them get 410
 * Gone.
 */
public final class ObjectStore implements ObjectCache {
  /** The field indexed for core Pods, as the watch cache's {@code spec.nodeName} index. */
  public static final String POD_NODE_INDEX = "spec.nodeName";

  private final Map<GroupKind, KindTable> tables = new HashMap<>();
  private final List<ChangeListener> listeners = new ArrayList<>();
  /** The most changes of one kind kept however fresh they are: the watch cache's {@code upperBoundCapacity}. */
  public static final int HISTORY_UPPER_BOUND = 100 * 1024;

  private final int historyLimit;
  private final long freshNanos;
  private final LongSupplier clock;
  private long revision;

  /** A store that keeps the last {@code historyLimit} changes of each kind and no more. */
  public ObjectStore(int historyLimit) {
    this(historyLimit, 0, () -> 0);
  }

  /**
   * @param historyLimit how many changes of each kind are kept for watches and list continuations, at least
   * @param freshNanos how long a change is kept past {@code historyLimit} (up to {@link #HISTORY_UPPER_BOUND}
   *     changes of the kind); 0 for none
   * @param clock the time a change is committed at, in nanoseconds
   */
  public ObjectStore(int historyLimit, long freshNanos, LongSupplier clock) {
    checkArgument(historyLimit > 0, "historyLimit must be positive");
    checkArgument(freshNanos >= 0, "freshNanos must not be negative");
    this.historyLimit = historyLimit;
    this.freshNanos = freshNanos;
    this.clock = clock;
  }

  /** The revision of the last write (0 before the first). */
  @Override
  public long revision() {
    return revision;
  }

  /** Takes the next revision for a write about to be committed. */
  public long reserveRevision() {
    return ++revision;
  }

  public void addListener(ChangeListener listener) {
    listeners.add(listener);
  }

  /** The table of {@code kind}, created empty on first use. */
  public KindTable table(GroupKind kind) {
    return tables.computeIfAbsent(kind, k -> new KindTable(k, historyLimit, freshNanos,
        k.isCore() && k.kind().equals("Pod") ? POD_NODE_INDEX : null));
  }

  /** The tables, by kind, in kind order. */
  public Map<GroupKind, KindTable> tables() {
    return Collections.unmodifiableMap(new java.util.TreeMap<>(tables));
  }

  @Override
  public @Nullable Resource get(GroupKind kind, String namespace, String name) {
    KindTable table = tables.get(kind);
    return table == null ? null : table.get(new ObjectName(namespace, name));
  }

  /** The live objects of {@code kind}, in order. */
  @Override
  public NavigableMap<ObjectName, Resource> objects(GroupKind kind) {
    KindTable table = tables.get(kind);
    return table == null ? java.util.Collections.emptyNavigableMap() : table.objects();
  }

  @Override
  public NavigableMap<ObjectName, Resource> inNamespace(GroupKind kind, String namespace) {
    KindTable table = tables.get(kind);
    return table == null ? java.util.Collections.emptyNavigableMap() : table.inNamespace(namespace);
  }

  @Override
  public java.util.Set<GroupKind> kinds() {
    return java.util.Collections.unmodifiableSet(tables.keySet());
  }

  /**
   * Commits a change whose revision was taken with {@link #reserveRevision()} (and stamped into the object by
   * the caller), then tells every listener.
   */
  public Change commit(Change change) {
    checkState(change.revision() == revision, "commit of revision %s while the store is at %s", change.revision(), revision);
    table(change.object().groupKind()).apply(change, freshNanos == 0 ? 0 : clock.getAsLong());
    for (ChangeListener listener : listeners) {
      listener.onChange(change);
    }
    return change;
  }

  /** Drops the history of every kind up to {@code upTo}, as an etcd compaction does. */
  public void compact(long upTo) {
    for (KindTable table : tables.values()) {
      table.compact(upTo);
    }
  }

  /** Removes a kind and its objects without events (its CRD is gone and its objects were deleted). */
  public void dropKind(GroupKind kind) {
    tables.remove(kind);
  }
}
