package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The ReplicaSet controller ({@code pkg/controller/replicaset/replica_set.go}): it keeps the number of active
 * pods (not terminal, not being deleted) at {@code spec.replicas} — creating at most {@link #BURST_REPLICAS} per
 * sync in slow-start batches, or deleting the least valuable pods first (unbound, then pending, then not
 * ready, then most restarted, then newest) — and writes {@code replicas}, {@code fullyLabeledReplicas},
 * {@code readyReplicas}, {@code availableReplicas} and {@code observedGeneration} when they change. Like the
 * DaemonSet controller it waits for its creations and deletions to be observed before managing pods again.
 */
public final class ReplicaSetController {
  /** {@code BurstReplicas} of the ReplicaSet controller. */
  public static final int BURST_REPLICAS = 500;
  /** {@code --concurrent-replicaset-syncs} default. */
  public static final int WORKERS = 5;
  static final GroupKind REPLICA_SET = GroupKind.of("apps", "ReplicaSet");

  private final SimContext ctx;
  private final SimClient client;
  private final Informer replicaSets;
  private final OwnedPods pods;
  private final Expectations expectations;
  private final SyncQueue<String> queue;
  private final PodControlEvents events;

  public ReplicaSetController(SimContext ctx, SimClient client, SharedInformers informers, OwnedPods pods) {
    this.ctx = ctx;
    this.client = client;
    this.events = new PodControlEvents(new EventRecorder(client, "replicaset-controller", ""));
    this.replicaSets = informers.of(REPLICA_SET);
    this.pods = pods;
    this.expectations = new Expectations(ctx.clock());
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync);
    PodOwnerEvents.wire(replicaSets, pods, REPLICA_SET.kind(), expectations, queue, Duration.ZERO);
    // addPod/updatePod of an orphan: every ReplicaSet that selects it may adopt it (getPodReplicaSets).
    pods.addOrphanListener(pod -> {
      for (Resource rs : replicaSets.inNamespace(pod.namespace()).values()) {
        LabelSelector selector = ControllerRefManager.selector(rs);
        if (selector != null && selector.matches(pod)) {
          queue.add(key(rs));
        }
      }
    });
  }

  public long syncs() {
    return queue.syncs();
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  private static String key(Resource rs) {
    return PodOwnerEvents.key(rs);
  }

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource rs = replicaSets.get(key.substring(0, slash), key.substring(slash + 1));
    if (rs == null) {
      expectations.delete(key);
      done.done(null);
      return;
    }
    LabelSelector selector = ControllerRefManager.selector(rs);
    if (selector == null) {
      done.done(null);
      return;
    }
    boolean needsSync = expectations.satisfied(key);
    // FilterActivePods, then claimPods: only active pods are adopted or released.
    new ControllerRefManager(client, rs, selector::matches, List.of())
        .claimPods(pods, ReplicaSetController::isActive, done, () -> manageAndUpdateStatus(rs, key, needsSync, done));
  }

  private void manageAndUpdateStatus(Resource rs, String key, boolean needsSync, SyncQueue.Done done) {
    List<Resource> active = activePods(rs);
    Consumer<@Nullable Throwable> afterManage = manageError -> {
      List<Resource> current = activePods(rs);
      updateStatus(rs, current, statusError -> {
        long minReady = rs.spec().path("minReadySeconds").asLong(0);
        int replicas = rs.spec().path("replicas").asInt(1);
        if (manageError == null && minReady > 0 && ready(current) == replicas
            && available(current, minReady) != replicas) {
          queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        done.done(manageError != null ? manageError : statusError);
      });
    };
    if (needsSync && !rs.isBeingDeleted()) {
      manage(rs, key, active, afterManage);
    } else {
      afterManage.accept(null);
    }
  }

  /** {@code controller.FilterActivePods}: not Succeeded or Failed, not being deleted. */
  private List<Resource> activePods(Resource rs) {
    List<Resource> out = new ArrayList<>();
    String uid = rs.uid() == null ? "" : rs.uid();
    for (Resource pod : pods.ownedBy(uid)) {
      if (isActive(pod)) {
        out.add(pod);
      }
    }
    return out;
  }

  private static boolean isActive(Resource pod) {
    return !PodConditions.isTerminal(pod) && !pod.isBeingDeleted();
  }

  /** {@code manageReplicas}. */
  private void manage(Resource rs, String key, List<Resource> active, Consumer<@Nullable Throwable> then) {
    int diff = active.size() - rs.spec().path("replicas").asInt(1);
    if (diff < 0) {
      int creates = Math.min(-diff, BURST_REPLICAS);
      expectations.set(key, creates, 0);
      Throwable[] firstError = new Throwable[1];
      SlowStart.run(creates, (index, finished) -> client.send((server, who) -> server.post(who,
          podFromTemplate(rs), client.writeOptions()), response -> {
            events.created(rs, response);
            if (!response.ok()) {
              expectations.creationObserved(key);
              if (firstError[0] == null) {
                firstError[0] = response.error();
              }
            }
            finished.accept(response.ok());
          }), outcome -> {
            if (outcome.skipped() > 0) {
              expectations.lower(key, outcome.skipped(), 0);
            }
            then.accept(firstError[0]);
          });
      return;
    }
    if (diff > 0) {
      int deletes = Math.min(diff, BURST_REPLICAS);
      List<Resource> victims = new ArrayList<>(active);
      victims.sort(DELETE_FIRST);
      victims = victims.subList(0, deletes);
      expectations.set(key, 0, deletes);
      Throwable[] firstError = new Throwable[1];
      int[] pending = {deletes};
      for (Resource pod : victims) {
        client.delete(pod.key(), DeleteParams.defaults(), response -> {
          events.deleted(rs, pod.name(), response);
          if (!response.ok()) {
            expectations.deletionObserved(key);
            if (!response.failedWith(BackendException.NotFound.class) && firstError[0] == null) {
              firstError[0] = response.error();
            }
          }
          if (--pending[0] == 0) {
            then.accept(firstError[0]);
          }
        });
      }
      return;
    }
    then.accept(null);
  }

  /**
   * {@code controller.ActivePods} ordering, the pods to delete first: unbound before bound, Pending before
   * Running, not ready before ready, more restarts before fewer, newer before older.
   */
  static final Comparator<Resource> DELETE_FIRST = Comparator
      .comparing((Resource pod) -> !pod.spec().path("nodeName").asText("").isEmpty())
      .thenComparing(pod -> PodConditions.phase(pod).equals("Running"))
      .thenComparing(PodConditions::isReady)
      .thenComparing(pod -> -restarts(pod))
      .thenComparing((Resource pod) -> pod.metadata().path("creationTimestamp").asText(""), Comparator.reverseOrder())
      .thenComparing(Resource::name);

  private static int restarts(Resource pod) {
    int max = 0;
    for (JsonNode status : pod.status().path("containerStatuses")) {
      max = Math.max(max, status.path("restartCount").asInt(0));
    }
    return max;
  }

  /** A pod of the template, owned by {@code rs} ({@code GetPodFromTemplate}). */
  static ObjectNode podFromTemplate(Resource rs) {
    JsonNode template = rs.spec().path("template");
    ObjectNode root = Json.object();
    root.put("apiVersion", "v1");
    root.put("kind", "Pod");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("generateName", PodTemplates.generateName(rs));
    metadata.put("namespace", rs.namespace());
    JsonNode labels = template.path("metadata").path("labels");
    if (labels.isObject()) {
      metadata.set("labels", labels);
    }
    JsonNode annotations = template.path("metadata").path("annotations");
    if (annotations.isObject() && !annotations.isEmpty()) {
      metadata.set("annotations", annotations);
    }
    metadata.putArray("ownerReferences").add(Revisions.controllerRef(rs));
    root.set("spec", template.path("spec"));
    return root;
  }

  private int ready(List<Resource> active) {
    int n = 0;
    for (Resource pod : active) {
      if (PodConditions.isReady(pod)) {
        n++;
      }
    }
    return n;
  }

  private int available(List<Resource> active, long minReadySeconds) {
    int n = 0;
    for (Resource pod : active) {
      if (PodConditions.isAvailable(pod, minReadySeconds, ctx.clock().now())) {
        n++;
      }
    }
    return n;
  }

  /** {@code calculateStatus} and {@code updateReplicaSetStatus}: written only when something changed. */
  private void updateStatus(Resource rs, List<Resource> active, Consumer<@Nullable Throwable> then) {
    long minReady = rs.spec().path("minReadySeconds").asLong(0);
    LabelSelector templateLabels = LabelSelector.matchLabels(labels(rs.spec().path("template").path("metadata")
        .path("labels")));
    int fullyLabeled = 0;
    for (Resource pod : active) {
      if (templateLabels.matches(pod)) {
        fullyLabeled++;
      }
    }
    JsonNode status = rs.status();
    int ready = ready(active);
    int available = available(active, minReady);
    if (status.path("replicas").asInt(0) == active.size() && status.path("fullyLabeledReplicas").asInt(0) == fullyLabeled
        && status.path("readyReplicas").asInt(0) == ready && status.path("availableReplicas").asInt(0) == available
        && status.path("observedGeneration").asLong(0) == rs.generation()) {
      then.accept(null);
      return;
    }
    ObjectNode root = Trees.shallowCopy(rs.json());
    ObjectNode next = Trees.object(root, "status");
    next.put("replicas", active.size());
    next.put("fullyLabeledReplicas", fullyLabeled);
    next.put("readyReplicas", ready);
    next.put("availableReplicas", available);
    next.put("observedGeneration", rs.generation());
    client.updateStatus(Resource.of(root), response -> then.accept(response.error()));
  }

  private static Map<String, String> labels(JsonNode node) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      out.put(entry.getKey(), entry.getValue().asText());
    }
    return out;
  }
}
