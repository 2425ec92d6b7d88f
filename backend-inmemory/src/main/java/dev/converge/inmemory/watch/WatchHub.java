package dev.converge.inmemory.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Fans committed changes out to the open watches of their kind, as kube-apiserver's watch cache does
 * ({@code cacheWatcher.convertToWatchEvent}): a modification that moves an object into a watch's selection
 * is an ADDED event, one that moves it out is a DELETED event carrying the previous state at the new
 * revision. Deliveries queue up in commit order and are handed to the {@link WatchDispatcher} by
 * {@link #drain()} once the request that caused them has finished. Not thread-safe: the server calls it under
 * its lock.
 *
 * <p>Watches that select one value of their kind's trigger field are indexed by that value, as the watch cache's
 * trigger functions index them: pod watches by node ({@code spec.nodeName=<node>}, every kubelet's; {@code
 * pod.NodeNameTriggerFunc}), and watches of a Node, Secret or ConfigMap by name ({@code metadata.name=<name>}:
 * every kubelet's watch of its own Node and of the Secrets and ConfigMaps its pods use). A change is matched
 * against the watches of its value (before and after) and the unindexed ones, not against every kubelet's.
 * Watches of one change receive it in the order they were opened, as before.
 */
public final class WatchHub implements ChangeListener {
  /** The name bookmark objects carry: {@code Resource} needs one, and no real object can have it. */
  public static final String BOOKMARK_NAME = "~bookmark";

  /** Per kind, the field its watches are indexed by. */
  private static final Map<GroupKind, String> TRIGGERS = Map.of(
      GroupKind.of("", "Pod"), "spec.nodeName",
      GroupKind.of("", "Node"), "metadata.name",
      GroupKind.of("", "Secret"), "metadata.name",
      GroupKind.of("", "ConfigMap"), "metadata.name");

  private final Map<GroupKind, KindWatchers> watchers = new HashMap<>();
  private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
  private final List<WatchEventCounter> counters = new ArrayList<>();
  private WatchDispatcher dispatcher;
  private WatchFaults faults = WatchFaults.NONE;
  private long nextId;
  private boolean draining;
  /**
   * The watches that asked for bookmarks, by the second their next one is due: the cacher's {@code
   * watcherBookmarkTimeBuckets}. Closed watches are dropped when their second comes.
   */
  private final TreeMap<Long, List<Watcher>> bookmarkBuckets = new TreeMap<>();
  /** The first second not dispatched yet; a watch due before it waits for it. */
  private long startBucket = Long.MIN_VALUE;
  private long bookmarkFrequencyNanos;
  private static final long SECOND = 1_000_000_000L;
  /** A watch's last BOOKMARK comes this long before its deadline ({@code cacheWatcher.nextBookmarkTime}). */
  private static final long PRE_TIMEOUT = 2 * SECOND;

  public WatchHub(WatchDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  public void setDispatcher(WatchDispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  public void setFaults(WatchFaults faults) {
    this.faults = faults;
  }

  /**
   * How often a watch that asked for bookmarks gets one ({@code defaultBookmarkFrequency}, a minute); zero for
   * none but those {@link #bookmark} sends.
   */
  public void setBookmarkFrequency(Duration frequency) {
    this.bookmarkFrequencyNanos = frequency.toNanos();
  }

  /** Counts the events sent to every watch opened from now on. */
  public void addEventCounter(WatchEventCounter counter) {
    counters.add(counter);
  }

  /**
   * Opens a watch: synthetic ADDED events for {@code added} (a watch without a version), then the replay of
   * {@code replay} (a watch from a version), queued before any later change.
   */
  public Watcher open(Identity identity, ResourceType type, @Nullable String namespace, LabelSelector labels,
      FieldSelector fields, boolean bookmarks, WatchListener listener, List<Resource> added, List<Change> replay) {
    return open(identity, type, namespace, labels, fields, bookmarks, listener, added, replay, 0, 0);
  }

  /**
   * {@link #open(Identity, ResourceType, String, LabelSelector, FieldSelector, boolean, WatchListener, List, List)}
   * at {@code nowNanos}, for a watch the server ends at {@code deadlineNanos} (its {@code timeoutSeconds}; 0 for
   * none): a watch that asked for bookmarks gets its first a bookmark frequency later, or two seconds before its
   * deadline if that comes first.
   */
  public Watcher open(Identity identity, ResourceType type, @Nullable String namespace, LabelSelector labels,
      FieldSelector fields, boolean bookmarks, WatchListener listener, List<Resource> added, List<Change> replay,
      long nowNanos, long deadlineNanos) {
    Watcher watcher = new Watcher(++nextId, identity, type, namespace, labels, fields, bookmarks, listener,
        deadlineNanos);
    if (!counters.isEmpty()) {
      WatchEventCounter.Tally[] tallies = new WatchEventCounter.Tally[counters.size()];
      for (int i = 0; i < tallies.length; i++) {
        tallies[i] = counters.get(i).counterFor(watcher);
      }
      watcher.tallies(tallies);
    }
    for (Resource object : added) {
      enqueue(watcher, new WatchEvent(WatchEvent.Type.ADDED, object));
    }
    KindWatchers ofKind = watchers.computeIfAbsent(type.groupKind(), k -> new KindWatchers(TRIGGERS.get(k)));
    // A watch of one trigger value (a kubelet's of its own Node, resumed every few minutes) skips the changes of
    // other values by that value alone, before its selectors are evaluated: the same events, far less work.
    String value = ofKind.valueOf(watcher);
    for (Change change : replay) {
      if (value != null && !value.equals(ofKind.valueOf(change.object()))
          && (change.previous() == null || !value.equals(ofKind.valueOf(change.previous())))) {
        continue;
      }
      WatchEvent event = convert(watcher, change);
      if (event != null) {
        enqueue(watcher, event);
      }
    }
    ofKind.add(watcher);
    if (bookmarks) {
      scheduleBookmark(watcher, nowNanos);
    }
    return watcher;
  }

  /**
   * Puts a watch in the bucket of its next BOOKMARK ({@code addWatcherThreadUnsafe} with {@code
   * nextBookmarkTime}): a frequency from now, or two seconds before its deadline if sooner; none once that moment
   * has passed. A watch due in a second already dispatched waits for the next.
   */
  private void scheduleBookmark(Watcher watcher, long nowNanos) {
    if (bookmarkFrequencyNanos <= 0) {
      return;
    }
    long next = nowNanos + bookmarkFrequencyNanos;
    if (watcher.deadlineNanos() != 0) {
      next = Math.min(next, watcher.deadlineNanos() - PRE_TIMEOUT);
    }
    if (next < nowNanos) {
      return;
    }
    long bucket = Math.max(Math.floorDiv(next, SECOND), startBucket);
    bookmarkBuckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add(watcher);
  }

  /**
   * Sends a BOOKMARK carrying {@code revision} to every open watch whose bookmark is due by the second of {@code
   * nowNanos}, and schedules its next: what the cacher's dispatch loop does when its bookmark timer fires (about
   * every second).
   */
  public void dispatchBookmarks(long revision, long nowNanos) {
    long current = Math.floorDiv(nowNanos, SECOND);
    if (current < startBucket) {
      return;
    }
    startBucket = current + 1;
    SortedMap<Long, List<Watcher>> due = bookmarkBuckets.headMap(current, true);
    if (due.isEmpty()) {
      return;
    }
    List<List<Watcher>> expired = new ArrayList<>(due.values());
    due.clear();
    Map<ResourceType, WatchEvent> events = new HashMap<>();
    for (List<Watcher> bucket : expired) {
      for (Watcher watcher : bucket) {
        if (watcher.isClosed()) {
          continue;
        }
        enqueue(watcher, events.computeIfAbsent(watcher.type(),
            type -> new WatchEvent(WatchEvent.Type.BOOKMARK, bookmarkObject(type, revision))));
        scheduleBookmark(watcher, nowNanos);
      }
    }
  }

  /** Closes a watch; {@code cause} null for a close by the client. Closing twice is harmless. */
  public void close(Watcher watcher, @Nullable BackendException cause) {
    if (watcher.isClosed()) {
      return;
    }
    watcher.markClosed();
    KindWatchers ofKind = watchers.get(watcher.type().groupKind());
    if (ofKind != null) {
      ofKind.remove(watcher);
    }
    pending.add(Delivery.close(watcher, cause));
  }

  /** Ends every watch of {@code kind} (its CRD was deleted: the kind is no longer served). */
  public void closeKind(GroupKind kind, BackendException cause) {
    KindWatchers ofKind = watchers.get(kind);
    if (ofKind != null) {
      for (Watcher watcher : ofKind.all()) {
        close(watcher, cause);
      }
    }
  }

  /** Open watches, all kinds. */
  public int size() {
    return watchers.values().stream().mapToInt(KindWatchers::size).sum();
  }

  /** The event a change means for {@code watcher}, or null when it does not concern it. */
  public static @Nullable WatchEvent convert(Watcher watcher, Change change) {
    boolean now = change.type() != Change.Type.DELETED && watcher.selects(change.object());
    boolean before = change.previous() != null && watcher.selects(change.previous());
    switch (change.type()) {
      case ADDED:
        return now ? new WatchEvent(WatchEvent.Type.ADDED, change.object()) : null;
      case MODIFIED:
        if (now && before) {
          return new WatchEvent(WatchEvent.Type.MODIFIED, change.object());
        }
        if (now) {
          return new WatchEvent(WatchEvent.Type.ADDED, change.object());
        }
        if (before) {
          return new WatchEvent(WatchEvent.Type.DELETED, Trees.withResourceVersion(change.previous(), change.revision()));
        }
        return null;
      case DELETED:
        return before ? new WatchEvent(WatchEvent.Type.DELETED, change.object()) : null;
      default:
        throw new AssertionError(change.type());
    }
  }

  @Override
  public void onChange(Change change) {
    KindWatchers ofKind = watchers.get(change.object().groupKind());
    if (ofKind == null || ofKind.size() == 0) {
      return;
    }
    for (Watcher watcher : ofKind.candidates(change)) {
      WatchEvent event = convert(watcher, change);
      if (event == null) {
        continue;
      }
      if (faults.dropBefore(watcher, event)) {
        close(watcher, new BackendException.Unavailable(500,
            "watch of " + watcher.type().plural() + " closed by the server (injected fault)", Duration.ZERO));
        continue;
      }
      enqueue(watcher, event);
    }
  }

  /**
   * Queues a BOOKMARK carrying {@code revision} for every watch that asked for bookmarks, now, whenever their
   * scheduled ones are due ({@link #dispatchBookmarks}).
   */
  public void bookmark(long revision) {
    // One event per resource type, shared by its watches: a BOOKMARK carries nothing else, and every informer of
    // a simulated cluster asks for them.
    Map<ResourceType, WatchEvent> events = new HashMap<>();
    for (KindWatchers ofKind : watchers.values()) {
      for (Watcher watcher : ofKind.all()) {
        if (watcher.wantsBookmarks()) {
          enqueue(watcher, events.computeIfAbsent(watcher.type(),
              type -> new WatchEvent(WatchEvent.Type.BOOKMARK, bookmarkObject(type, revision))));
        }
      }
    }
  }

  /** An object of {@code type} carrying only {@code metadata.resourceVersion} (and the placeholder name). */
  public static Resource bookmarkObject(ResourceType type, long revision) {
    ObjectNode object = Json.object();
    object.put("apiVersion", type.apiVersion());
    object.put("kind", type.kind());
    ObjectNode metadata = object.putObject("metadata");
    metadata.put("name", BOOKMARK_NAME);
    metadata.set("resourceVersion", Json.uniqueText(Long.toString(revision)));
    return Resource.of(object);
  }

  private void enqueue(Watcher watcher, WatchEvent event) {
    watcher.countDelivered(event.type());
    pending.add(Delivery.event(watcher, event));
  }

  /** Hands every queued delivery to the dispatcher, in order. Re-entrant calls return at once. */
  public void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      Delivery next;
      while ((next = pending.poll()) != null) {
        dispatcher.dispatch(next);
      }
    } finally {
      draining = false;
    }
  }

  /**
   * The open watches of one kind: those that select one value of the kind's trigger field, by that value, and the
   * others, each list in the order the watches were opened.
   */
  private static final class KindWatchers {
    /** The trigger field ({@code spec.nodeName}), or null when the kind's watches are not indexed. */
    private final @Nullable String field;
    /** The field's path segments ({@code spec}, {@code nodeName}). */
    private final String[] path;
    /** Whether the field is {@code metadata.name}, which every object carries as its name. */
    private final boolean byName;
    private final List<Watcher> unindexed = new ArrayList<>();
    private final Map<String, List<Watcher>> byValue = new HashMap<>();
    private int indexed;

    KindWatchers(@Nullable String field) {
      this.field = field;
      this.path = field == null ? new String[0] : field.split("\\.");
      this.byName = "metadata.name".equals(field);
    }

    void add(Watcher watcher) {
      String value = valueOf(watcher);
      if (value == null) {
        unindexed.add(watcher);
      } else {
        byValue.computeIfAbsent(value, n -> new ArrayList<>()).add(watcher);
        indexed++;
      }
    }

    void remove(Watcher watcher) {
      String value = valueOf(watcher);
      if (value == null) {
        unindexed.remove(watcher);
        return;
      }
      List<Watcher> watching = byValue.get(value);
      if (watching != null && watching.remove(watcher)) {
        indexed--;
        if (watching.isEmpty()) {
          byValue.remove(value);
        }
      }
    }

    int size() {
      return unindexed.size() + indexed;
    }

    /** The watches {@code change} may concern, as a copy (a fault may close one meanwhile), in opening order. */
    List<Watcher> candidates(Change change) {
      if (indexed == 0 || field == null) {
        return List.copyOf(unindexed);
      }
      List<Watcher> out = new ArrayList<>(unindexed);
      String now = valueOf(change.object());
      addAll(out, byValue.get(now));
      if (change.previous() != null) {
        String before = valueOf(change.previous());
        if (!before.equals(now)) {
          addAll(out, byValue.get(before));
        }
      }
      if (out.size() > unindexed.size() && !unindexed.isEmpty()) {
        out.sort(java.util.Comparator.comparingLong(Watcher::id));
      }
      return out;
    }

    /** Every watch of the kind, in opening order. */
    List<Watcher> all() {
      List<Watcher> out = new ArrayList<>(unindexed);
      byValue.values().forEach(out::addAll);
      out.sort(java.util.Comparator.comparingLong(Watcher::id));
      return out;
    }

    private static void addAll(List<Watcher> out, @Nullable List<Watcher> more) {
      if (more != null) {
        out.addAll(more);
      }
    }

    /** The object's value of the trigger field; empty when it has none. */
    private String valueOf(Resource object) {
      if (byName) {
        return object.name();
      }
      JsonNode node = object.json();
      for (String segment : path) {
        node = node.path(segment);
      }
      return node.asText("");
    }

    /** The value of the trigger field a watch selects ({@code spec.nodeName=<node>}), or null. */
    private @Nullable String valueOf(Watcher watcher) {
      return field == null ? null : watcher.fields().requiredValue(field).orElse(null);
    }
  }
}
