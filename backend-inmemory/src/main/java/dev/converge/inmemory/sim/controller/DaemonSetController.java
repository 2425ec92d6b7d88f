package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import dev.converge.inmemory.sim.scheduling.NodeInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The DaemonSet controller ({@code pkg/controller/daemon/daemon_controller.go}), from shared informers on
 * DaemonSets, ControllerRevisions, pods and nodes. A sync constructs the revision history, then — unless
 * creations or deletions it asked for are still unobserved ({@link Expectations}), in which case it only
 * updates status — manages pods ({@link DaemonSetPlan#manage}), runs the rolling update when expectations are
 * met ({@link DaemonSetPlan#rollingUpdate}; nothing for OnDelete), cleans up history and writes status
 * ({@link DaemonSetCounts}) only when it changed. Pods are created without a node, pinned by node affinity, at
 * most {@link #BURST_REPLICAS} creates and deletes per sync, creates in slow-start batches of 1, 2, 4, ….
 */
public final class DaemonSetController {
  /** {@code BurstReplicas}: at most this many creates, and this many deletes, per sync. */
  public static final int BURST_REPLICAS = 250;
  /** {@code --concurrent-daemonset-syncs} default. */
  public static final int WORKERS = 2;
  static final GroupKind DAEMON_SET = GroupKind.of("apps", "DaemonSet");

  private final SimContext ctx;
  private final SimClient client;
  private final Informer daemonSets;
  private final NodeCache nodes;
  private final OwnedPods pods;
  private final DaemonSetHistory history;
  private final Expectations expectations;
  private final FailedPodBackoff failedBackoff;
  private final PodFacts.Cache facts = new PodFacts.Cache();
  private final SnapshotCache snapshots = new SnapshotCache();
  private final SyncQueue<String> queue;
  private final PodControlEvents events;

  public DaemonSetController(SimContext ctx, SimClient client, SharedInformers informers, NodeCache nodes,
      OwnedPods pods) {
    this.ctx = ctx;
    this.client = client;
    this.events = new PodControlEvents(new EventRecorder(client, "daemonset-controller", ""));
    this.daemonSets = informers.of(DAEMON_SET);
    this.nodes = nodes;
    this.pods = pods;
    this.history = new DaemonSetHistory(client, informers.of(GroupKind.of("apps", "ControllerRevision")));
    this.expectations = new Expectations(ctx.clock());
    this.failedBackoff = new FailedPodBackoff(ctx.clock());
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync);
    informers.of(GroupKind.of("", "Pod")).addHandler(new Informer.Handler() {
      @Override
      public void onDelete(Resource last) {
        facts.forget(last);
      }
    });
    // "Add a second to avoid milliseconds skew in AddAfter" (updatePod).
    PodOwnerEvents.wire(daemonSets, pods, DAEMON_SET.kind(), expectations, queue, Duration.ofSeconds(1));
    // addPod/updatePod of an orphan: every DaemonSet that selects it may adopt it (getDaemonSetsForPod).
    pods.addOrphanListener(pod -> {
      for (Resource ds : daemonSets.inNamespace(pod.namespace()).values()) {
        DaemonSetView view = view(ds);
        if (!view.selectsAll && view.selector.matches(pod)) {
          queue.add(key(ds));
        }
      }
    });
    nodes.addListener((old, current) -> {
      for (Resource ds : daemonSets.items().values()) {
        DaemonSetView view = view(ds);
        DaemonSetView.Eligibility now = view.eligibility(current);
        if (old == null ? now.shouldRun() : now != view.eligibility(old)) {
          queue.add(key(ds));
        }
      }
    });
  }

  /** Syncs so far (tests and diagnostics). */
  public long syncs() {
    return queue.syncs();
  }

  /** Whether no DaemonSet is queued or being synced. */
  public boolean isIdle() {
    return queue.isIdle();
  }

  private static String key(Resource ds) {
    return PodOwnerEvents.key(ds);
  }

  private final Map<String, DaemonSetView> views = new HashMap<>();

  private DaemonSetView view(Resource ds) {
    DaemonSetView cached = views.get(key(ds));
    if (cached != null && cached.ds == ds) {
      return cached;
    }
    DaemonSetView fresh = new DaemonSetView(ds);
    views.put(key(ds), fresh);
    return fresh;
  }

  private void sync(String key, SyncQueue.Done done) {
    String namespace = key.substring(0, key.indexOf('/'));
    Resource ds = daemonSets.get(namespace, key.substring(key.indexOf('/') + 1));
    if (ds == null) {
      expectations.delete(key);
      views.remove(key);
      snapshots.clear();
      done.done(null);
      return;
    }
    DaemonSetView view = view(ds);
    if (view.selectsAll || ds.isBeingDeleted()) {
      done.done(null);
      return;
    }
    history.construct(view, (hash, old) -> claim(view, done, () -> {
      if (!expectations.satisfied(key)) {
        updateStatus(view, hash, false, done::done);
        return;
      }
      DaemonSetPlan plan = DaemonSetPlan.manage(snapshot(view, hash), node -> inBackoff(view, node));
      syncNodes(view, plan, hash, manageError -> {
        if (manageError != null || !expectations.satisfied(key) || view.onDelete) {
          finish(view, hash, old, manageError, done);
          return;
        }
        DaemonSetPlan rollout = DaemonSetPlan.rollingUpdate(snapshot(view, hash));
        syncNodes(view, rollout, hash, rolloutError -> finish(view, hash, old, rolloutError, done));
      });
    }), error -> done.done(error));
  }

  /** {@code getDaemonPods}' claim: the DaemonSet's pods and its namespace's orphans, by its selector. */
  private void claim(DaemonSetView view, SyncQueue.Done done, Runnable proceed) {
    new ControllerRefManager(client, view.ds, view.selector::matches, List.of())
        .claimPods(pods, pod -> true, done, proceed);
  }

  private void finish(DaemonSetView view, String hash, List<Resource> old, @Nullable Throwable error,
      SyncQueue.Done done) {
    history.cleanup(view, old, () -> liveHashes(view), () -> updateStatus(view, hash, true, statusError -> {
      done.done(error != null ? error : statusError);
    }));
  }

  /** The revision hashes of the DaemonSet's pods (only asked for when old revisions exceed the limit). */
  private Set<String> liveHashes(DaemonSetView view) {
    Set<String> live = new HashSet<>();
    for (Resource pod : pods.ownedBy(view.uid)) {
      String podHash = facts.of(pod).hash();
      if (podHash != null) {
        live.add(podHash);
      }
    }
    return live;
  }

  private DaemonSetSnapshot snapshot(DaemonSetView view, String hash) {
    List<NodeInfo> sorted = nodes.sorted();
    java.time.Instant now = ctx.clock().now();
    return snapshots.get(view, sorted, pods.changes(), hash, now, () -> new DaemonSetSnapshot(view, sorted,
        node -> nodes.eligibility(view, node), pods.ownedBy(view.uid), facts, hash, now));
  }

  /** {@code failedPodsBackoff}: a failed pod on a node is deleted at most once per back-off step. */
  private boolean inBackoff(DaemonSetView view, String node) {
    String backoffKey = view.uid + "/" + view.statusInt("observedGeneration") + "/" + node;
    Duration wait = failedBackoff.waitFor(backoffKey);
    if (wait != null) {
      queue.addAfter(view.key, wait);
      return true;
    }
    return false;
  }

  /**
   * {@code syncNodes}: expectations first, then the creates in slow-start batches (a failed create lowers the
   * expectation; a failed batch skips the rest, whose expectations are lowered too), then the deletes at once.
   */
  private void syncNodes(DaemonSetView view, DaemonSetPlan plan, String hash, Consumer<@Nullable Throwable> then) {
    int createDiff = Math.min(plan.nodesNeedingPods().size(), BURST_REPLICAS);
    int deleteDiff = Math.min(plan.podsToDelete().size(), BURST_REPLICAS);
    if (createDiff == 0 && deleteDiff == 0) {
      then.accept(null);
      return;
    }
    expectations.set(view.key, createDiff, deleteDiff);
    Throwable[] firstError = new Throwable[1];
    SlowStart.run(createDiff, (index, finished) -> {
      String node = plan.nodesNeedingPods().get(index);
      client.send((server, who) -> server.post(who, DaemonPods.pod(view, node, hash), client.writeOptions()),
          response -> {
            events.created(view.ds, response);
            if (!response.ok()) {
              expectations.creationObserved(view.key);
              if (firstError[0] == null) {
                firstError[0] = response.error();
              }
            }
            finished.accept(response.ok());
          });
    }, outcome -> {
      if (outcome.skipped() > 0) {
        expectations.lower(view.key, outcome.skipped(), 0);
      }
      if (deleteDiff == 0) {
        then.accept(firstError[0]);
        return;
      }
      int[] pending = {deleteDiff};
      for (int i = 0; i < deleteDiff; i++) {
        ResourceKey pod = ResourceKey.namespaced("", "Pod", view.ds.namespace(), plan.podsToDelete().get(i));
        client.delete(pod, DeleteParams.defaults(), response -> {
          events.deleted(view.ds, pod.name(), response);
          if (!response.ok()) {
            expectations.deletionObserved(view.key);
            if (!response.failedWith(BackendException.NotFound.class) && firstError[0] == null) {
              firstError[0] = response.error();
            }
          }
          if (--pending[0] == 0) {
            then.accept(firstError[0]);
          }
        });
      }
    });
  }

  /**
   * {@code updateDaemonSetStatus}/{@code storeDaemonSetStatus}: compute the numbers from the caches and write
   * them (with {@code observedGeneration} if asked) only when they differ from the stored status; after a
   * failed write, re-read once and retry.
   */
  private void updateStatus(DaemonSetView view, String hash, boolean observe, Consumer<@Nullable Throwable> then) {
    DaemonSetCounts counts = DaemonSetCounts.of(snapshot(view, hash));
    if (view.minReadySeconds > 0 && counts.ready() != counts.available()) {
      queue.addAfter(view.key, Duration.ofSeconds(view.minReadySeconds));
    }
    if (counts.matches(view)) {
      then.accept(null);
      return;
    }
    client.updateStatus(withStatus(view.ds, counts, observe), response -> {
      if (response.ok()) {
        then.accept(null);
        return;
      }
      client.get(view.ds.key(), fresh -> {
        if (!fresh.ok()) {
          then.accept(fresh.error());
          return;
        }
        client.updateStatus(withStatus(fresh.get(), counts, observe), retry -> then.accept(retry.error()));
      });
    });
  }

  private static Resource withStatus(Resource ds, DaemonSetCounts counts, boolean observe) {
    ObjectNode root = Trees.shallowCopy(ds.json());
    ObjectNode status = Trees.object(root, "status");
    if (observe) {
      status.put("observedGeneration", ds.generation());
    }
    counts.writeTo(status);
    return Resource.of(root);
  }

  /** The controller reference of a DaemonSet pod, or null. */
  static @Nullable OwnerReference owner(Resource pod) {
    OwnerReference ref = PodConditions.controllerOf(pod);
    return ref != null && ref.kind().equals(DAEMON_SET.kind()) ? ref : null;
  }
}
