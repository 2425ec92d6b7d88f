package dev.converge.inmemory.watch;

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
import org.jspecify.annotations.Nullable;

/**
 * Fans committed changes out to the open watches of their kind, as kube-apiserver's watch cache does
 * ({@code cacheWatcher.convertToWatchEvent}): a modification that moves an object into a watch's selection
 * is an ADDED event, one that moves it out is a DELETED event carrying the previous state at the new
 * revision. Deliveries queue up in commit order and are handed to the {@link WatchDispatcher} by
 * {@link #drain()} once the request that caused them has finished. Not thread-safe: the server calls it under
 * its lock.
 *
 * <p>Watches whose field selector requires one pod's {@code spec.nodeName} (every kubelet's) or one object's
 * {@code metadata.name} are indexed by that value, as the watch cache indexes pod watchers by node: a change
 * is offered to the unindexed watches of its kind and to the indexed ones whose value the object has (before
 * or after the change), not to ten thousand kubelets. Deliveries still go out in the order the watches were
 * opened.
 */
public final class WatchHub implements ChangeListener {
  /** The name bookmark objects carry: {@code Resource} needs one, and no real object can have it. */
  public static final String BOOKMARK_NAME = "~bookmark";

  /** The field watches of pods are indexed by (the watch cache's {@code spec.nodeName} index). */
  private static final String POD_NODE_FIELD = "spec.nodeName";
  private static final String NAME_FIELD = "metadata.name";

  private final Map<GroupKind, List<Watcher>> watchers = new HashMap<>();
  private final Map<GroupKind, KindWatchers> byKind = new HashMap<>();
  private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
  private WatchDispatcher dispatcher;
  private WatchFaults faults = WatchFaults.NONE;
  private long nextId;
  private boolean draining;

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
   * Opens a watch: synthetic ADDED events for {@code added} (a watch without a version), then the replay of
   * {@code replay} (a watch from a version), queued before any later change.
   */
  public Watcher open(Identity identity, ResourceType type, @Nullable String namespace, LabelSelector labels,
      FieldSelector fields, boolean bookmarks, WatchListener listener, List<Resource> added, List<Change> replay) {
    Watcher watcher = new Watcher(++nextId, identity, type, namespace, labels, fields, bookmarks, listener);
    for (Resource object : added) {
      enqueue(watcher, new WatchEvent(WatchEvent.Type.ADDED, object));
    }
    for (Change change : replay) {
      WatchEvent event = convert(watcher, change);
      if (event != null) {
        enqueue(watcher, event);
      }
    }
    watchers.computeIfAbsent(type.groupKind(), k -> new ArrayList<>()).add(watcher);
    byKind.computeIfAbsent(type.groupKind(), KindWatchers::new).add(watcher);
    return watcher;
  }

  /** Closes a watch; {@code cause} null for a close by the client. Closing twice is harmless. */
  public void close(Watcher watcher, @Nullable BackendException cause) {
    if (watcher.isClosed()) {
      return;
    }
    watcher.markClosed();
    List<Watcher> ofKind = watchers.get(watcher.type().groupKind());
    if (ofKind != null) {
      ofKind.remove(watcher);
    }
    KindWatchers indexed = byKind.get(watcher.type().groupKind());
    if (indexed != null) {
      indexed.remove(watcher);
    }
    pending.add(Delivery.close(watcher, cause));
  }

  /** Ends every watch of {@code kind} (its CRD was deleted: the kind is no longer served). */
  public void closeKind(GroupKind kind, BackendException cause) {
    List<Watcher> ofKind = watchers.get(kind);
    if (ofKind != null) {
      for (Watcher watcher : List.copyOf(ofKind)) {
        close(watcher, cause);
      }
    }
  }

  /** Open watches, all kinds. */
  public int size() {
    return watchers.values().stream().mapToInt(List::size).sum();
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
    KindWatchers ofKind = byKind.get(change.object().groupKind());
    if (ofKind == null || ofKind.isEmpty()) {
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

  /** Queues a BOOKMARK carrying {@code revision} for every watch that asked for bookmarks. */
  public void bookmark(long revision) {
    for (List<Watcher> ofKind : watchers.values()) {
      for (Watcher watcher : ofKind) {
        if (watcher.wantsBookmarks()) {
          enqueue(watcher, new WatchEvent(WatchEvent.Type.BOOKMARK, bookmarkObject(watcher.type(), revision)));
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
    metadata.put("resourceVersion", Long.toString(revision));
    return Resource.of(object);
  }

  private void enqueue(Watcher watcher, WatchEvent event) {
    watcher.countDelivered();
    pending.add(Delivery.event(watcher, event));
  }

  /**
   * The watches of one kind: unindexed ones, and those whose field selector pins one node (pods) or one name,
   * each list in the order the watches were opened.
   */
  private static final class KindWatchers {
    private final boolean pods;
    private final List<Watcher> plain = new ArrayList<>();
    private final Map<String, List<Watcher>> byNode = new HashMap<>();
    private final Map<String, List<Watcher>> byName = new HashMap<>();
    private int size;

    KindWatchers(GroupKind kind) {
      this.pods = kind.isCore() && kind.kind().equals("Pod");
    }

    boolean isEmpty() {
      return size == 0;
    }

    void add(Watcher watcher) {
      size++;
      String node = pods ? watcher.requiredField(POD_NODE_FIELD) : null;
      if (node != null) {
        byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(watcher);
        return;
      }
      String name = watcher.requiredField(NAME_FIELD);
      if (name != null) {
        byName.computeIfAbsent(name, k -> new ArrayList<>()).add(watcher);
        return;
      }
      plain.add(watcher);
    }

    void remove(Watcher watcher) {
      size--;
      String node = pods ? watcher.requiredField(POD_NODE_FIELD) : null;
      if (node != null) {
        removeFrom(byNode, node, watcher);
        return;
      }
      String name = watcher.requiredField(NAME_FIELD);
      if (name != null) {
        removeFrom(byName, name, watcher);
        return;
      }
      plain.remove(watcher);
    }

    private static void removeFrom(Map<String, List<Watcher>> index, String key, Watcher watcher) {
      List<Watcher> list = index.get(key);
      if (list != null) {
        list.remove(watcher);
        if (list.isEmpty()) {
          index.remove(key);
        }
      }
    }

    /** The watches that may select the object before or after {@code change}, in opening order, as a copy. */
    List<Watcher> candidates(Change change) {
      List<Watcher> out = new ArrayList<>(plain);
      int sources = plain.isEmpty() ? 0 : 1;
      if (!byName.isEmpty()) {
        sources += addAll(out, byName.get(change.object().name()));
      }
      if (!byNode.isEmpty()) {
        String after = change.object().spec().path("nodeName").asText("");
        sources += addAll(out, byNode.get(after));
        Resource previous = change.previous();
        if (previous != null) {
          String before = previous.spec().path("nodeName").asText("");
          if (!before.equals(after)) {
            sources += addAll(out, byNode.get(before));
          }
        }
      }
      if (sources > 1) {
        out.sort((a, b) -> Long.compare(a.id(), b.id()));
      }
      return out;
    }

    private static int addAll(List<Watcher> out, @Nullable List<Watcher> more) {
      if (more == null || more.isEmpty()) {
        return 0;
      }
      out.addAll(more);
      return 1;
    }
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
}
