package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.core.loop.RateLimiter;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.controller.EndpointSliceReconciler.Changes;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The EndpointSlice controller ({@code pkg/controller/endpointslice/endpointslice_controller.go}, 1.32): for every
 * Service with a selector it keeps the {@code discovery.k8s.io/v1} EndpointSlices that kube-proxy, DNS and most
 * clients read, at most {@link EndpointSliceReconciler#DEFAULT_MAX_ENDPOINTS_PER_SLICE} endpoints each. What a sync
 * writes is {@link EndpointSliceReconciler}'s.
 *
 * <ul>
 *   <li>A Service is synced when it is added, updated or deleted; when a pod it selects (or selected) is added,
 *       deleted, or changes its readiness, IPs, deletion, labels, hostname or subdomain (no batching period,
 *       {@code --endpointslice-updates-batch-period} 0); and a second after one of its slices changes in a way
 *       this controller did not write itself (another writer, a deletion it did not send, a managed-by label
 *       moved), which it then undoes.
 *   <li>Services without a selector and of type {@code ExternalName} are left alone, their slices too. A deleted
 *       Service's slices are not deleted here: they are owned by it, and the garbage collector deletes them.
 *   <li>A sync on an informer that has not yet seen this controller's last writes to the Service's slices fails
 *       ("EndpointSlice informer cache is out of date") and is retried, sending nothing.
 *   <li>A failed sync records a Warning ({@code FailedToUpdateEndpointSlices}) and is retried after the
 *       controller's own rate limiter (1 s doubling to 1000 s per Service, and 10 qps with a burst of 100 overall),
 *       at most 15 times in a row ({@code maxRetries}). A create refused because the namespace is terminating
 *       ends the sync quietly, as upstream does.
 *   <li>Five workers ({@code --concurrent-service-endpoint-syncs}). Node events only feed topology hints, which
 *       are not modelled.
 * </ul>
 */
public final class EndpointSliceController {
  static final GroupKind SERVICE = GroupKind.of("", "Service");
  static final GroupKind SLICE = GroupKind.of("discovery.k8s.io", "EndpointSlice");
  /** {@code --concurrent-service-endpoint-syncs}'s default. */
  static final int WORKERS = 5;
  /** {@code maxRetries} in {@code endpointslice_controller.go}. */
  static final int MAX_RETRIES = 15;
  /** {@code endpointSliceChangeMinSyncDelay}: how long after a slice change its Service is synced. */
  static final Duration SLICE_CHANGE_DELAY = Duration.ofSeconds(1);

  private final SimClient client;
  private final Informer services;
  private final Informer pods;
  private final Informer nodes;
  private final Informer slices;
  private final ServicePods servicePods;
  private final EventRecorder events;
  private final SyncQueue<String> queue;
  private final EndpointSliceReconciler reconciler =
      new EndpointSliceReconciler(EndpointSliceReconciler.DEFAULT_MAX_ENDPOINTS_PER_SLICE);
  private final EndpointSliceTracker tracker = new EndpointSliceTracker();
  private final TriggerTimes triggerTimes = new TriggerTimes();
  /** The node informer's nodes, with an epoch moved by what endpoints take from them (removal, zone), and adds. */
  private final EndpointSliceReconciler.Nodes nodeView;
  private long nodeEpoch;
  private long nodeAdditions;
  /** Per Service key: what its last sync computed. */
  private final Map<String, EndpointSliceMemo> memos = new HashMap<>();

  public EndpointSliceController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.client = client;
    this.services = informers.of(SERVICE);
    this.pods = informers.of(GroupKind.of("", "Pod"));
    this.nodes = informers.of(GroupKind.of("", "Node"));
    this.slices = informers.of(SLICE);
    this.servicePods = new ServicePods(services);
    this.nodeView = new EndpointSliceReconciler.Nodes() {
      @Override
      public @Nullable Resource get(String name) {
        return nodes.get("", name);
      }

      @Override
      public long epoch() {
        return nodeEpoch;
      }

      @Override
      public long additions() {
        return nodeAdditions;
      }
    };
    nodes.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource node) {
        nodeAdditions++;
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        String zone = EndpointSliceReconciler.ZONE;
        if (!Objects.equals(old.labels().get(zone), current.labels().get(zone))) {
          nodeEpoch++;
        }
      }

      @Override
      public void onDelete(Resource last) {
        nodeEpoch++;
      }
    });
    this.events = new EventRecorder(client, "endpoint-slice-controller", "");
    // workqueue.NewTypedMaxOfRateLimiter(ItemExponentialFailureRateLimiter(1s, 1000s), BucketRateLimiter(10, 100))
    RateLimiter<String> limiter = RateLimiter.maxOf(List.of(
        RateLimiter.exponential(Duration.ofSeconds(1), Duration.ofSeconds(1000)),
        RateLimiter.tokenBucket(ctx.clock(), 10, 100)));
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync, limiter, MAX_RETRIES);
    services.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource service) {
        queue.add(ServicePods.key(service));
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        queue.add(ServicePods.key(current));
      }

      @Override
      public void onDelete(Resource last) {
        queue.add(ServicePods.key(last));
      }
    });
    pods.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        Set<String> services = servicePods.memberships(pod);
        changed(pod, services);
        services.forEach(queue::add);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        if (!memos.isEmpty()) {
          // Selection depends on labels alone: the Services of the old version matter only when they changed.
          Set<String> services = servicePods.memberships(current);
          if (!old.labels().equals(current.labels())) {
            services = new HashSet<>(services);
            services.addAll(servicePods.memberships(old));
          }
          changed(current, services);
        }
        servicePods.servicesToUpdate(old, current).forEach(queue::add);
      }

      @Override
      public void onDelete(Resource last) {
        Set<String> services = servicePods.memberships(last);
        changed(last, services);
        services.forEach(queue::add);
      }
    });
    slices.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource slice) {
        if (managed(slice) && tracker.shouldSync(slice)) {
          queueFor(slice);
        }
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        String before = old.labels().get(EndpointSliceReconciler.SERVICE_NAME);
        String after = current.labels().get(EndpointSliceReconciler.SERVICE_NAME);
        if (!Objects.equals(before, after)) {
          queueFor(current);
          queueFor(old);
        } else if (managed(old) != managed(current) || managed(current) && tracker.shouldSync(current)) {
          queueFor(current);
        }
      }

      @Override
      public void onDelete(Resource last) {
        if (managed(last) && tracker.has(last) && !tracker.handleDeletion(last)) {
          queueFor(last);
        }
      }
    });
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  /** Syncs started so far. */
  public long syncs() {
    return queue.syncs();
  }

  /** Services dropped after {@link #MAX_RETRIES} failed retries in a row. */
  public long dropped() {
    return queue.dropped();
  }

  /**
   * Tells the memos of {@code services} that {@code pod} changed: every new version counts, not only those that
   * queue a sync, since a sync reads every pod it selects as it is then.
   */
  private void changed(Resource pod, Set<String> services) {
    for (String service : services) {
      EndpointSliceMemo memo = memos.get(service);
      if (memo != null) {
        memo.dirty(pod.name());
      }
    }
  }

  private static boolean managed(Resource slice) {
    return EndpointSliceReconciler.CONTROLLER_NAME.equals(slice.labels().get(EndpointSliceReconciler.MANAGED_BY));
  }

  /** {@code queueServiceForEndpointSlice}: the slice's Service (by its label), a second from now. */
  private void queueFor(Resource slice) {
    String service = slice.labels().get(EndpointSliceReconciler.SERVICE_NAME);
    if (service != null && !service.isEmpty()) {
      queue.addAfter(slice.namespace() + "/" + service, SLICE_CHANGE_DELAY);
    }
  }

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    String namespace = key.substring(0, slash);
    String name = key.substring(slash + 1);
    Resource service = services.get(namespace, name);
    if (service == null) {
      triggerTimes.remove(key);
      tracker.forget(key);
      memos.remove(key);
      done.done(null);
      return;
    }
    JsonNode selector = ServicePods.selector(service);
    if (service.spec().path("type").asText("").equals("ExternalName") || selector == null) {
      memos.remove(key);
      done.done(null);
      return;
    }
    List<Resource> existing = new ArrayList<>();
    for (Resource slice : slices.inNamespace(namespace).values()) {
      Map<String, String> labels = slice.labels();
      if (name.equals(labels.get(EndpointSliceReconciler.SERVICE_NAME)) && managed(slice) && !slice.isBeingDeleted()) {
        existing.add(slice);
      }
    }
    if (tracker.stale(key, existing)) {
      done.done(new IllegalStateException("EndpointSlice informer cache is out of date"));
      return;
    }
    EndpointSliceMemo memo = memos.computeIfAbsent(key, k -> new EndpointSliceMemo());
    Selected selected = new Selected(namespace, selector, memo.takeDirty());
    Changes changes = reconciler.reconcile(service, selected, existing, nodeView, memo);
    // Only the changed pods can have a new Ready transition when the sync started from the last one's slices.
    String triggerTime = memo.patched()
        ? triggerTimes.computeChanged(key, service, selected.changed, selected::get, selected::all)
        : triggerTimes.compute(key, service, selected.all());
    new Writes(service, existing, changes, triggerTime, memo, done).next();
  }

  /** The pods a Service selects, read from the informer: all of them (once asked), or by name. */
  private final class Selected implements EndpointSliceReconciler.SelectedPods {
    private final String namespace;
    private final JsonNode selector;
    private final Collection<String> changed;
    private @Nullable List<Resource> all;

    Selected(String namespace, JsonNode selector, Collection<String> changed) {
      this.namespace = namespace;
      this.selector = selector;
      this.changed = changed;
    }

    @Override
    public List<Resource> all() {
      if (all == null) {
        all = ServicePods.selected(selector, pods.inNamespace(namespace).values());
      }
      return all;
    }

    @Override
    public @Nullable Resource get(String name) {
      Resource pod = pods.get(namespace, name);
      return pod != null && ServicePods.matches(selector, pod) ? pod : null;
    }

    @Override
    public Collection<String> changed() {
      return changed;
    }
  }

  /**
   * {@code finalize}: the creates (none for a Service being deleted), updates and deletes one after the other,
   * each after the answer to the one before; the first failure ends the sync with a Warning.
   */
  private final class Writes {
    private final Resource service;
    private final List<ObjectNode> create;
    private final List<ObjectNode> update;
    private final List<Resource> delete;
    private final List<String> errors;
    private final @Nullable String triggerTime;
    private final EndpointSliceMemo memo;
    private final SyncQueue.Done done;
    /** The Service's slices as the writes leave them, by uid, in name order at the end. */
    private final Map<String, Resource> after = new LinkedHashMap<>();

    Writes(Resource service, List<Resource> existing, Changes changes, @Nullable String triggerTime,
        EndpointSliceMemo memo, SyncQueue.Done done) {
      this.service = service;
      this.memo = memo;
      existing.forEach(slice -> after.put(slice.uid(), slice));
      this.create = new ArrayList<>(changes.create());
      this.update = new ArrayList<>(changes.update());
      this.delete = new ArrayList<>(changes.delete());
      this.errors = changes.errors();
      this.triggerTime = triggerTime;
      this.done = done;
      // A create and a delete of the same address type become an update of the slice to be deleted.
      for (int i = 0; i < delete.size() && !create.isEmpty(); ) {
        Resource doomed = delete.get(i);
        ObjectNode last = create.get(create.size() - 1);
        if (doomed.json().path("addressType").asText("").equals(last.path("addressType").asText())
            && EndpointSliceReconciler.ownedBy(doomed, service)) {
          ObjectNode metadata = Trees.object(last, "metadata");
          metadata.remove("generateName");
          metadata.put("name", doomed.name());
          create.remove(create.size() - 1);
          update.add(last);
          delete.remove(i);
        } else {
          i++;
        }
      }
      if (service.isBeingDeleted()) {
        create.clear();
      }
    }

    private String serviceName() {
      return service.namespace() + "/" + service.name();
    }

    void next() {
      if (!create.isEmpty()) {
        ObjectNode slice = annotated(create.remove(0));
        // Named by the server (generateName), as a POST.
        client.<Resource>send((server, who) -> server.post(who, slice, client.writeOptions()), response -> {
          if (response.ok()) {
            tracker.written(response.get());
            after.put(response.get().uid(), response.get());
            next();
          } else if (response.error() instanceof BackendException.Forbidden forbidden
              && String.valueOf(forbidden.getMessage()).contains("because it is being terminated")) {
            memo.invalidate();
            done.done(null);
          } else {
            fail("failed to create EndpointSlice for Service " + serviceName() + ": " + response.error().getMessage());
          }
        });
      } else if (!update.isEmpty()) {
        ObjectNode slice = update.remove(0);
        String sliceName = slice.path("metadata").path("name").asText();
        client.update(Resource.of(annotated(slice)), response -> {
          if (response.ok()) {
            tracker.written(response.get());
            after.put(response.get().uid(), response.get());
            next();
          } else {
            fail("failed to update " + sliceName + " EndpointSlice for Service " + serviceName() + ": "
                + response.error().getMessage());
          }
        });
      } else if (!delete.isEmpty()) {
        Resource slice = delete.remove(0);
        client.delete(slice.key(), DeleteParams.defaults(), response -> {
          if (response.ok()) {
            tracker.deleted(slice);
            after.remove(slice.uid());
            next();
          } else {
            fail("failed to delete " + slice.name() + " EndpointSlice for Service " + serviceName() + ": "
                + response.error().getMessage());
          }
        });
      } else if (!errors.isEmpty()) {
        fail(String.join(", ", errors));
      } else {
        List<Resource> slices = new ArrayList<>(after.values());
        slices.sort(Comparator.comparing(Resource::name));
        memo.commit(slices);
        done.done(null);
      }
    }

    private void fail(String message) {
      memo.invalidate();
      // utilerrors.NewAggregate: the pods skipped for a missing node, then the failed write.
      List<String> all = new ArrayList<>(errors);
      if (!errors.contains(message)) {
        all.add(message);
      }
      String text = all.size() == 1 ? all.get(0) : "[" + String.join(", ", all) + "]";
      events.warning(service, "FailedToUpdateEndpointSlices",
          "Error updating Endpoint Slices for Service " + serviceName() + ": " + text);
      done.done(new IllegalStateException(text));
    }

    /** {@code addTriggerTimeAnnotation}: the trigger time on every slice written, or none. */
    private ObjectNode annotated(ObjectNode slice) {
      ObjectNode metadata = Trees.object(slice, "metadata");
      ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode existing
          ? Trees.shallowCopy(existing) : Json.object();
      if (triggerTime != null) {
        annotations.put(EndpointSliceReconciler.TRIGGER_TIME, triggerTime);
      } else {
        annotations.remove(EndpointSliceReconciler.TRIGGER_TIME);
      }
      if (annotations.isEmpty()) {
        metadata.remove("annotations");
      } else {
        metadata.set("annotations", annotations);
      }
      return slice;
    }
  }
}
