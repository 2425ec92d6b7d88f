package dev.converge.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Conditions;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.Ticker;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A small map-backed {@link Backend} for engine-core's unit tests (the real in-memory API server lives in
 * backend-inmemory, which depends on engine-core). It keeps what the executor and the loop rely on: a global
 * resourceVersion, uids, generation bumped on spec changes, optimistic concurrency on update/updateStatus,
 * finalizers and deletionTimestamp, uid preconditions on delete, label-selected lists, synchronous watches.
 * Apply is a plain deep merge (no managed fields) that changes nothing, not even the resourceVersion, when
 * the merge is a no-op, as a real server-side apply does.
 *
 * <p>Every client request is recorded in {@link #transcript()} ({@code "apply apps/Deployment/ns/web"});
 * the test-side helpers ({@link #put}, {@link #setStatus}) act as the server or another controller and are not
 * recorded. Failures are injected per verb and key. Thread-safe (one lock), for the threaded driver's IT.
 */
public final class FakeBackend implements Backend {
  private final Ticker ticker;
  private final TreeMap<ResourceKey, Resource> objects = new TreeMap<>();
  private final List<String> transcript = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  private long version = 100;
  private long uids;

  public FakeBackend(Ticker ticker) {
    this.ticker = ticker;
  }

  @Override
  public ResourceTypes types() {
    return ResourceTypes.builtins();
  }

  @Override
  public synchronized Optional<Resource> get(ResourceKey key) {
    request("get", key);
    return Optional.ofNullable(objects.get(key));
  }

  @Override
  public synchronized ListResult list(ListRequest request) {
    record("list " + request.kind() + (request.labels().isEverything() ? "" : " -l " + request.labels()));
    fault("list", null);
    fault("list " + request.kind(), null);
    ImmutableList<Resource> items = objects.values().stream()
        .filter(o -> o.groupKind().equals(request.kind()))
        .filter(o -> request.namespace() == null || request.namespace().equals(o.namespace()))
        .filter(o -> request.labels().matches(o))
        .collect(ImmutableList.toImmutableList());
    return new ListResult(items, Long.toString(version), null);
  }

  @Override
  public synchronized Resource apply(Resource resource, ApplyOptions options) {
    request("apply", resource.key());
    Resource existing = objects.get(resource.key());
    if (existing == null) {
      return store(resource.edit(tree -> {
        tree.remove("status");
        ObjectNode meta = tree.withObjectProperty("metadata");
        meta.put("uid", "uid-" + ++uids);
        meta.put("generation", 1);
        meta.put("creationTimestamp", Conditions.timestamp(ticker.now()));
      }), WatchEvent.Type.ADDED);
    }
    ObjectNode merged = existing.toMutableJson();
    JsonNode desired = resource.json().deepCopy();
    ((ObjectNode) desired).remove("status");
    merge(merged, desired);
    ObjectNode meta = merged.withObjectProperty("metadata");
    for (String server : List.of("uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp")) {
      JsonNode value = existing.metadata().get(server);
      if (value != null) {
        meta.set(server, value);
      }
    }
    if (merged.equals(existing.json())) {
      return existing;
    }
    if (!merged.path("spec").equals(existing.spec())) {
      meta.put("generation", existing.generation() + 1);
    }
    return store(Resource.of(merged), WatchEvent.Type.MODIFIED);
  }

  @Override
  public synchronized Resource update(Resource resource) {
    request("update", resource.key());
    Resource existing = current(resource);
    Resource updated = resource.edit(tree -> {
      tree.remove("status");
      if (!existing.status().isMissingNode()) {
        tree.set("status", existing.status().deepCopy());
      }
      ObjectNode meta = tree.withObjectProperty("metadata");
      meta.put("uid", existing.uid());
      meta.put("generation", resource.spec().equals(existing.spec()) ? existing.generation() : existing.generation() + 1);
      if (existing.deletionTimestamp() != null) {
        meta.put("deletionTimestamp", existing.deletionTimestamp());
      }
    });
    if (updated.isBeingDeleted() && updated.finalizers().isEmpty()) {
      return remove(updated);
    }
    return store(updated, WatchEvent.Type.MODIFIED);
  }

  @Override
  public synchronized Resource updateStatus(Resource resource) {
    request("updateStatus", resource.key());
    Resource existing = current(resource);
    Resource updated = existing.edit(tree -> tree.set("status", resource.status().deepCopy()));
    return store(updated, WatchEvent.Type.MODIFIED);
  }

  @Override
  public synchronized boolean delete(ResourceKey key, DeleteOptions options) {
    request("delete", key);
    Resource existing = objects.get(key);
    if (existing == null) {
      return false;
    }
    if (options.uid() != null && !options.uid().equals(existing.uid())) {
      throw new BackendException.Conflict("Precondition failed: UID in precondition: " + options.uid()
          + ", UID in object meta: " + existing.uid());
    }
    if (existing.finalizers().isEmpty()) {
      remove(existing);
    } else if (!existing.isBeingDeleted()) {
      store(existing.edit(tree -> tree.withObjectProperty("metadata")
          .put("deletionTimestamp", Conditions.timestamp(ticker.now()))), WatchEvent.Type.MODIFIED);
    }
    return true;
  }

  @Override
  public synchronized Subscription watch(WatchRequest request, WatchListener listener) {
    record("watch " + request.kind());
    fault("watch", null);
    Watch watch = new Watch(request, listener);
    watches.add(watch);
    if (request.resourceVersion() == null) {
      for (Resource object : objects.values()) {
        if (watch.matches(object)) {
          listener.onEvent(new WatchEvent(WatchEvent.Type.ADDED, object));
        }
      }
    }
    return () -> {
      synchronized (FakeBackend.this) {
        watches.remove(watch);
      }
    };
  }

  // ---- test-side helpers: the server or other controllers acting; not recorded in the transcript ----

  /** Stores {@code object} as the server would (uid, resourceVersion, generation), firing watch events. */
  public synchronized Resource put(Resource object) {
    Resource existing = objects.get(object.key());
    Resource stored = object.edit(tree -> {
      ObjectNode meta = tree.withObjectProperty("metadata");
      meta.put("uid", existing != null ? existing.uid() : "uid-" + ++uids);
      meta.put("generation", existing != null ? existing.generation() : 1);
    });
    return store(stored, existing == null ? WatchEvent.Type.ADDED : WatchEvent.Type.MODIFIED);
  }

  /** Replaces an object's status, as its controller would. */
  public synchronized Resource setStatus(ResourceKey key, JsonNode status) {
    Resource existing = Objects.requireNonNull(objects.get(key), key + " does not exist");
    return store(existing.edit(tree -> tree.set("status", status.deepCopy())), WatchEvent.Type.MODIFIED);
  }

  /** Marks an object deleted, as {@code kubectl delete} would (finalizers keep it until removed). */
  public synchronized void deleteAsUser(ResourceKey key) {
    Resource existing = Objects.requireNonNull(objects.get(key), key + " does not exist");
    if (existing.finalizers().isEmpty()) {
      remove(existing);
    } else {
      store(existing.edit(tree -> tree.withObjectProperty("metadata")
          .put("deletionTimestamp", Conditions.timestamp(ticker.now()))), WatchEvent.Type.MODIFIED);
    }
  }

  /** The object without recording a request. */
  public synchronized Optional<Resource> peek(ResourceKey key) {
    return Optional.ofNullable(objects.get(key));
  }

  public synchronized ImmutableList<ResourceKey> keys() {
    return ImmutableList.copyOf(objects.keySet());
  }

  /** Every client request so far, in order. */
  public synchronized ImmutableList<String> transcript() {
    return ImmutableList.copyOf(transcript);
  }

  /** The mutating requests so far (apply, update, updateStatus, delete). */
  public synchronized ImmutableList<String> writes() {
    return transcript.stream()
        .filter(r -> r.startsWith("apply ") || r.startsWith("update") || r.startsWith("delete "))
        .collect(ImmutableList.toImmutableList());
  }

  public synchronized void clearTranscript() {
    transcript.clear();
  }

  /**
   * Makes the next {@code times} requests of {@code verb} ({@code get}, {@code list}, {@code apply}, {@code
   * update}, {@code updateStatus}, {@code delete}, {@code watch}) on {@code key} (null: any key) throw. For lists
   * of one kind only, the verb names it: {@code "list ServiceAccount"}.
   */
  public synchronized void fail(String verb, @Nullable ResourceKey key, int times, Supplier<BackendException> failure) {
    faults.add(new Fault(verb, key, times, failure));
  }

  /** Closes every open watch with {@code cause}, as a dropped connection or an expired version would. */
  public synchronized void dropWatches(BackendException cause) {
    List<Watch> dropped = new ArrayList<>(watches);
    watches.clear();
    for (Watch watch : dropped) {
      watch.listener.onClose(cause);
    }
  }

  public synchronized int openWatches() {
    return watches.size();
  }

  public synchronized String resourceVersion() {
    return Long.toString(version);
  }

  // ---- internals ----

  private void request(String verb, ResourceKey key) {
    record(verb + " " + key);
    fault(verb, key);
  }

  private void record(String request) {
    transcript.add(request);
  }

  private void fault(String verb, @Nullable ResourceKey key) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault fault = it.next();
      if (fault.verb.equals(verb) && (fault.key == null || fault.key.equals(key))) {
        if (--fault.remaining <= 0) {
          it.remove();
        }
        throw fault.failure.get();
      }
    }
  }

  private Resource current(Resource resource) {
    Resource existing = objects.get(resource.key());
    if (existing == null) {
      throw new BackendException.NotFound(resource.kind() + " \"" + resource.name() + "\" not found");
    }
    if (!Objects.equals(resource.resourceVersion(), existing.resourceVersion())) {
      throw new BackendException.Conflict("Operation cannot be fulfilled on " + resource.key()
          + ": the object has been modified; please apply your changes to the latest version and try again");
    }
    return existing;
  }

  private Resource store(Resource object, WatchEvent.Type type) {
    String rv = Long.toString(++version);
    Resource stored = object.edit(tree -> tree.withObjectProperty("metadata").put("resourceVersion", rv));
    objects.put(stored.key(), stored);
    notify(type, stored);
    return stored;
  }

  private Resource remove(Resource object) {
    objects.remove(object.key());
    String rv = Long.toString(++version);
    Resource last = object.edit(tree -> tree.withObjectProperty("metadata").put("resourceVersion", rv));
    notify(WatchEvent.Type.DELETED, last);
    return last;
  }

  private void notify(WatchEvent.Type type, Resource object) {
    for (Watch watch : List.copyOf(watches)) {
      if (watch.matches(object)) {
        watch.listener.onEvent(new WatchEvent(type, object));
      }
    }
  }

  private static void merge(ObjectNode target, JsonNode patch) {
    for (Map.Entry<String, JsonNode> field : patch.properties()) {
      JsonNode current = target.get(field.getKey());
      if (current instanceof ObjectNode object && field.getValue().isObject()) {
        merge(object, field.getValue());
      } else {
        target.set(field.getKey(), field.getValue().deepCopy());
      }
    }
  }

  /** The time objects are stamped with, for tests that check timestamps. */
  public Instant now() {
    return ticker.now();
  }

  private static final class Fault {
    final String verb;
    final @Nullable ResourceKey key;
    int remaining;
    final Supplier<BackendException> failure;

    Fault(String verb, @Nullable ResourceKey key, int remaining, Supplier<BackendException> failure) {
      this.verb = verb;
      this.key = key;
      this.remaining = remaining;
      this.failure = failure;
    }
  }

  private record Watch(WatchRequest request, WatchListener listener) {
    boolean matches(Resource object) {
      return object.groupKind().equals(request.kind())
          && (request.namespace() == null || request.namespace().equals(object.namespace()))
          && request.labels().matches(object);
    }
  }

  /** A JSON object from a compact literal with single quotes: {@code json("{'a': 1}")}. */
  public static ObjectNode json(String singleQuoted) {
    return (ObjectNode) Json.parse(singleQuoted.replace('\'', '"'));
  }
}
