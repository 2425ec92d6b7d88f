package dev.converge.core.cache;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.core.testing.TestResources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A server whose lists and watches the test scripts, as client-go's tests drive a reflector with a fake
 * lister-watcher: {@link #listing} sets what the next lists of a kind return, {@link #failNext} makes the next
 * list or watch throw, and the test pushes events into the open watch ({@link #send}) or ends it ({@link
 * #drop}), and {@link #compact} makes watches from older versions fail with 410. Every list and watch is recorded ({@code "list ConfigMap"}, {@code "watch ConfigMap from=12
 * bookmarks"}). Only lists and watches are served.
 */
final class ScriptedServer implements Backend {
  private final Map<GroupKind, Listing> listings = new HashMap<>();
  private final Map<String, Deque<BackendException>> failures = new HashMap<>();
  private final List<String> requests = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  private int pageSize;
  private long compactedThrough;

  /** What lists of a kind return: the objects and the list's resourceVersion. */
  record Listing(ImmutableList<Resource> items, String resourceVersion) {}

  /** One watch the informer opened. */
  static final class Watch implements Subscription {
    final WatchRequest request;
    final WatchListener listener;
    boolean closed;

    Watch(WatchRequest request, WatchListener listener) {
      this.request = request;
      this.listener = listener;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  /** The next lists of {@code kind} return {@code items} at {@code version}. */
  ScriptedServer listing(GroupKind kind, String version, Resource... items) {
    listings.put(kind, new Listing(ImmutableList.copyOf(items), version));
    return this;
  }

  /** Serves lists in pages of {@code size} (0: one page, ignoring the request's limit). */
  ScriptedServer pagesOf(int size) {
    this.pageSize = size;
    return this;
  }

  /** Forgets history through {@code revision}: a watch from an older version fails with 410 Gone. */
  ScriptedServer compact(long revision) {
    this.compactedThrough = revision;
    return this;
  }

  /** The next {@code verb} ({@code list} or {@code watch}) of {@code kind} throws {@code failure}. */
  ScriptedServer failNext(String verb, GroupKind kind, BackendException failure) {
    failures.computeIfAbsent(verb + " " + kind, k -> new ArrayDeque<>()).add(failure);
    return this;
  }

  List<String> requests() {
    return List.copyOf(requests);
  }

  void clearRequests() {
    requests.clear();
  }

  /** The open (not closed) watch of {@code kind}. */
  Watch watch(GroupKind kind) {
    Watch found = null;
    for (Watch watch : watches) {
      if (watch.request.kind().equals(kind) && !watch.closed) {
        found = watch;
      }
    }
    if (found == null) {
      throw new AssertionError("no open watch of " + kind + " (requests: " + requests + ")");
    }
    return found;
  }

  long openWatches() {
    return watches.stream().filter(w -> !w.closed).count();
  }

  /** Delivers an event on the open watch of the object's kind. */
  void send(WatchEvent.Type type, Resource object) {
    watch(object.groupKind()).listener.onEvent(new WatchEvent(type, object));
  }

  /** Delivers a bookmark at {@code version} on the open watch of {@code kind}. */
  void bookmark(GroupKind kind, String version) {
    Resource marker = TestResources.object(kind.isCore() ? "v1" : kind.group() + "/v1", kind.kind(), "", "~bookmark", null, null)
        .edit(tree -> tree.withObjectProperty("metadata").put("resourceVersion", version));
    watch(kind).listener.onEvent(new WatchEvent(WatchEvent.Type.BOOKMARK, marker));
  }

  /** Ends the open watch of {@code kind} as the server would. */
  void drop(GroupKind kind, @Nullable BackendException cause) {
    Watch watch = watch(kind);
    watch.closed = true;
    watch.listener.onClose(cause);
  }

  @Override
  public ListResult list(ListRequest request) {
    StringBuilder line = new StringBuilder("list ").append(request.kind());
    if (request.continueToken() != null) {
      line.append(" continue=").append(request.continueToken());
    }
    requests.add(line.toString());
    fail("list", request.kind());
    Listing listing = listings.get(request.kind());
    if (listing == null) {
      return new ListResult(ImmutableList.of(), "1", null);
    }
    if (pageSize == 0) {
      return new ListResult(listing.items(), listing.resourceVersion(), null);
    }
    int from = request.continueToken() == null ? 0 : Integer.parseInt(request.continueToken());
    int to = Math.min(from + pageSize, listing.items().size());
    return new ListResult(listing.items().subList(from, to), listing.resourceVersion(),
        to < listing.items().size() ? Integer.toString(to) : null);
  }

  @Override
  public Subscription watch(WatchRequest request, WatchListener listener) {
    requests.add("watch " + request.kind() + " from=" + request.resourceVersion() + (request.bookmarks() ? " bookmarks" : ""));
    fail("watch", request.kind());
    String from = request.resourceVersion();
    if (from != null && Long.parseLong(from) < compactedThrough) {
      throw new BackendException.Gone("too old resource version: " + from + " (" + compactedThrough + ")");
    }
    Watch watch = new Watch(request, listener);
    watches.add(watch);
    return watch;
  }

  private void fail(String verb, GroupKind kind) {
    Deque<BackendException> queued = failures.get(verb + " " + kind);
    if (queued != null && !queued.isEmpty()) {
      throw queued.poll();
    }
  }

  @Override
  public ResourceTypes types() {
    return ResourceTypes.builtins();
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    throw new UnsupportedOperationException("get " + key);
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    throw new UnsupportedOperationException("apply");
  }

  @Override
  public Resource update(Resource resource) {
    throw new UnsupportedOperationException("update");
  }

  @Override
  public Resource updateStatus(Resource resource) {
    throw new UnsupportedOperationException("updateStatus");
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    throw new UnsupportedOperationException("delete");
  }
}
