package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.OwnerReference;
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
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The StatefulSet controller ({@code pkg/controller/statefulset/stateful_set_control.go}): pods with a stable
 * identity, {@code <set>-<ordinal>} for the ordinals {@code spec.ordinals.start} up to {@code spec.replicas} more,
 * each with {@code hostname} its name, {@code subdomain} the set's {@code serviceName}, the labels {@code
 * statefulset.kubernetes.io/pod-name}, {@code apps.kubernetes.io/pod-index} and {@code controller-revision-hash}
 * (the ControllerRevision's name), and a PersistentVolumeClaim {@code <template>-<set>-<ordinal>} per {@code
 * volumeClaimTemplates} entry, created before the pod.
 *
 * <ul>
 *   <li>{@code podManagementPolicy: OrderedReady} (the default) is monotonic: one pod created at a time, in ordinal
 *       order, each only once the one before is Running and Ready (and available after {@code minReadySeconds});
 *       one removed at a time on scale-down, highest ordinal first; {@code Parallel} creates and deletes them all
 *       at once;
 *   <li>a pod that failed or succeeded is deleted and made again;
 *   <li>{@code updateStrategy: RollingUpdate} replaces pods of an old revision from the highest ordinal down to
 *       {@code partition}, one at a time, each once the ones above are healthy (at most one unavailable: {@code
 *       maxUnavailable} is behind a feature gate that is off in 1.32); a pod below the partition, or made under
 *       {@code OnDelete}, keeps the current revision until it is deleted;
 *   <li>status: {@code replicas}, {@code readyReplicas}, {@code availableReplicas}, {@code currentReplicas}, {@code
 *       updatedReplicas}, {@code currentRevision}, {@code updateRevision}, {@code observedGeneration}, {@code
 *       collisionCount}, written when they change; {@code currentRevision} becomes the update revision once every
 *       pod runs it and is ready.
 * </ul>
 *
 * <p>Volumes are not simulated: the claims stay {@code Pending}, and the scheduler and kubelets do not wait for
 * them. The claims' retention policy is not modelled (the default, {@code Retain}: claims outlive their pods and
 * the set). Old ControllerRevisions are kept.
 */
public final class StatefulSetController {
  /** {@code --concurrent-statefulset-syncs} default. */
  public static final int WORKERS = 5;
  static final GroupKind STATEFUL_SET = GroupKind.of("apps", "StatefulSet");
  static final GroupKind CONTROLLER_REVISION = GroupKind.of("apps", "ControllerRevision");
  static final GroupKind CLAIM = GroupKind.of("", "PersistentVolumeClaim");
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

  private final SimContext ctx;
  private final SimClient client;
  private final Informer sets;
  private final Informer revisions;
  private final Informer claims;
  private final OwnedPods pods;
  private final Expectations expectations;
  private final SyncQueue<String> queue;
  private final EventRecorder events;

  public StatefulSetController(SimContext ctx, SimClient client, SharedInformers informers, OwnedPods pods) {
    this.ctx = ctx;
    this.client = client;
    this.events = new EventRecorder(client, "statefulset-controller", "");
    this.sets = informers.of(STATEFUL_SET);
    this.revisions = informers.of(CONTROLLER_REVISION);
    this.claims = informers.of(CLAIM);
    this.pods = pods;
    this.expectations = new Expectations(ctx.clock());
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync);
    PodOwnerEvents.wire(sets, pods, STATEFUL_SET.kind(), expectations, queue, Duration.ZERO);
    // addPod/updatePod of an orphan: every set that selects it may adopt it (getPodStatefulSets).
    pods.addOrphanListener(pod -> {
      for (Resource set : sets.inNamespace(pod.namespace()).values()) {
        LabelSelector selector = ControllerRefManager.selector(set);
        if (selector != null && selector.matches(pod)) {
          queue.add(PodOwnerEvents.key(set));
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

  /** What one sync decided about one set. */
  private record Plan(Resource set, String key, String currentRevision, String updateRevision,
      List<@Nullable Resource> replicas, List<Resource> condemned) {}

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource set = sets.get(key.substring(0, slash), key.substring(slash + 1));
    if (set == null) {
      expectations.delete(key);
      done.done(null);
      return;
    }
    if (set.isBeingDeleted()) {
      done.done(null);
      return;
    }
    LabelSelector selector = ControllerRefManager.selector(set);
    if (selector == null) {
      done.done(null);
      return;
    }
    adoptOrphanRevisions(set, selector, adopted -> claimPods(set, selector, done,
        () -> sync(set, key, adopted, done)), done);
  }

  /**
   * {@code adoptOrphanRevisions}: the namespace's ControllerRevisions without a controller that the selector
   * matches are adopted (after the set is read again, as {@link ControllerRefManager} does); {@code then} gets
   * them as adopted, since the informer may not show it yet. Revisions are never released.
   */
  private void adoptOrphanRevisions(Resource set, LabelSelector selector, Consumer<List<Resource>> then,
      SyncQueue.Done done) {
    List<Resource> orphans = new ArrayList<>();
    for (Resource revision : revisions.inNamespace(set.namespace()).values()) {
      if (PodConditions.controllerOf(revision) == null) {
        orphans.add(revision);
      }
    }
    if (orphans.isEmpty()) {
      then.accept(List.of());
      return;
    }
    new ControllerRefManager(client, set, selector::matches, List.of()).claim(orphans, claim -> {
      if (claim.error() != null) {
        done.done(new IllegalStateException("can't adopt ControllerRevisions: " + claim.error().getMessage(),
            claim.error()));
      } else {
        then.accept(claim.claimed());
      }
    });
  }

  /**
   * {@code getPodsForStatefulSet}: the set's pods and its namespace's orphans, claimed by the selector and
   * {@code isMemberOf} (a pod named {@code <set>-<ordinal>}).
   */
  private void claimPods(Resource set, LabelSelector selector, SyncQueue.Done done, Runnable proceed) {
    new ControllerRefManager(client, set, pod -> selector.matches(pod) && isMemberOf(set, pod), List.of())
        .claimPods(pods, pod -> true, done, proceed);
  }

  /** {@code isMemberOf}: the pod's name is {@code <set name>-<digits>} ({@code getParentNameAndOrdinal}). */
  static boolean isMemberOf(Resource set, Resource pod) {
    Matcher parts = PARENT_AND_ORDINAL.matcher(pod.name());
    return parts.matches() && parts.group(1).equals(set.name());
  }

  private static final Pattern PARENT_AND_ORDINAL = Pattern.compile("(.*)-([0-9]+)$");

  private void sync(Resource set, String key, List<Resource> adoptedRevisions, SyncQueue.Done done) {
    updateRevision(set, adoptedRevisions, (updateRevision, failure) -> {
      if (failure != null) {
        done.done(failure);
        return;
      }
      String current = set.status().path("currentRevision").asText("");
      String currentRevision = current.isEmpty() || revisions.get(set.namespace(), current) == null ? updateRevision : current;
      List<Resource> owned = owned(set);
      Plan plan = plan(set, key, currentRevision, updateRevision, owned);
      Consumer<@Nullable Throwable> finish = error -> updateStatus(plan, owned(set), statusError -> {
        long minReady = set.spec().path("minReadySeconds").asLong(0);
        if (error == null && minReady > 0) {
          queue.addAfter(key, Duration.ofSeconds(minReady));
        }
        done.done(error != null ? error : statusError);
      });
      if (expectations.satisfied(key)) {
        manage(plan, finish);
      } else {
        finish.accept(null);
      }
    });
  }

  /** The pods {@code set} controls, by the controller reference. */
  private List<Resource> owned(Resource set) {
    return new ArrayList<>(pods.ownedBy(set.uid() == null ? "" : set.uid()));
  }

  private Plan plan(Resource set, String key, String currentRevision, String updateRevision, List<Resource> owned) {
    int replicas = set.spec().path("replicas").asInt(1);
    int start = set.spec().path("ordinals").path("start").asInt(0);
    List<@Nullable Resource> slots = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      slots.add(null);
    }
    List<Resource> condemned = new ArrayList<>();
    for (Resource pod : owned) {
      int ordinal = ordinal(set, pod);
      if (ordinal >= start && ordinal < start + replicas) {
        slots.set(ordinal - start, pod);
      } else if (ordinal >= 0) {
        condemned.add(pod);
      }
    }
    condemned.sort(Comparator.comparingInt((Resource pod) -> ordinal(set, pod)).reversed());
    return new Plan(set, key, currentRevision, updateRevision, slots, condemned);
  }

  /** {@code getOrdinal}: the ordinal of {@code <set>-<ordinal>}, or -1 for a pod not named so. */
  static int ordinal(Resource set, Resource pod) {
    String prefix = set.name() + "-";
    if (!pod.name().startsWith(prefix)) {
      return -1;
    }
    String digits = pod.name().substring(prefix.length());
    if (!digits.matches("0|[1-9][0-9]{0,8}")) {
      return -1;
    }
    return Integer.parseInt(digits);
  }

  /** {@code updateStatefulSet}: the pod operations of one sync, then {@code then} with the first error. */
  private void manage(Plan plan, Consumer<@Nullable Throwable> then) {
    Resource set = plan.set();
    boolean monotonic = !set.spec().path("podManagementPolicy").asText("OrderedReady").equals("Parallel");
    long minReady = set.spec().path("minReadySeconds").asLong(0);
    int start = set.spec().path("ordinals").path("start").asInt(0);
    Batch batch = new Batch(then);
    expectations.set(plan.key(), 0, 0);
    for (int i = 0; i < plan.replicas().size(); i++) {
      Resource pod = plan.replicas().get(i);
      int ordinal = start + i;
      if (pod == null) {
        create(plan, ordinal, batch);
        if (monotonic) {
          batch.close();
          return;
        }
        continue;
      }
      if (PodConditions.isTerminal(pod) && !pod.isBeingDeleted()) {
        // A failed or succeeded pod is deleted, and made again by a later sync.
        delete(plan, pod, batch);
        if (monotonic) {
          batch.close();
          return;
        }
        continue;
      }
      if (monotonic && (pod.isBeingDeleted() || !healthy(pod, minReady))) {
        batch.close();
        return;
      }
    }
    for (Resource pod : plan.condemned()) {
      if (pod.isBeingDeleted()) {
        if (monotonic) {
          batch.close();
          return;
        }
        continue;
      }
      delete(plan, pod, batch);
      if (monotonic) {
        batch.close();
        return;
      }
    }
    if (batch.started() > 0 || !set.spec().path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate")) {
      batch.close();
      return;
    }
    int partition = set.spec().path("updateStrategy").path("rollingUpdate").path("partition").asInt(0);
    for (int i = plan.replicas().size() - 1; i >= Math.max(0, partition - start); i--) {
      Resource pod = plan.replicas().get(i);
      if (pod == null) {
        break;
      }
      if (!revisionOf(pod).equals(plan.updateRevision()) && !pod.isBeingDeleted()) {
        delete(plan, pod, batch);
        break;
      }
      if (!healthy(pod, minReady)) {
        break;
      }
    }
    batch.close();
  }

  /** {@code isHealthy}: Running and Ready (available after {@code minReadySeconds}), not being deleted. */
  private boolean healthy(Resource pod, long minReadySeconds) {
    return !pod.isBeingDeleted() && PodConditions.phase(pod).equals("Running")
        && PodConditions.isAvailable(pod, minReadySeconds, ctx.clock().now());
  }

  private static String revisionOf(Resource pod) {
    return pod.labels().getOrDefault(Revisions.HASH_LABEL, "");
  }

  /** The claims of the pod at {@code ordinal} that are missing, then the pod ({@code createStatefulPod}). */
  private void create(Plan plan, int ordinal, Batch batch) {
    Resource set = plan.set();
    // newVersionedStatefulSetPod: below the partition (RollingUpdate) a new pod keeps the current revision.
    boolean rolling = set.spec().path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate");
    int partition = set.spec().path("updateStrategy").path("rollingUpdate").path("partition").asInt(0);
    boolean current = rolling ? ordinal < partition : !plan.currentRevision().equals(plan.updateRevision());
    String revisionName = current ? plan.currentRevision() : plan.updateRevision();
    Resource revision = revisions.get(set.namespace(), revisionName);
    JsonNode template = revision == null ? set.spec().path("template")
        : revision.json().path("data").path("spec").path("template");
    String podName = set.name() + "-" + ordinal;
    for (JsonNode claimTemplate : set.spec().path("volumeClaimTemplates")) {
      String claimName = claimTemplate.path("metadata").path("name").asText() + "-" + podName;
      if (claims.get(set.namespace(), claimName) == null) {
        batch.start();
        client.create(claim(set, claimTemplate, claimName), response -> {
          if (response.ok()) {
            events.normal(set, "SuccessfulCreate", "create Claim " + claimName + " Pod " + podName + " in StatefulSet "
                + set.name() + " success");
          } else if (!response.failedWith(BackendException.AlreadyExists.class)) {
            events.warning(set, "FailedCreate", "create Claim " + claimName + " for Pod " + podName + " in StatefulSet "
                + set.name() + " failed error: " + response.error().getMessage());
            batch.finished(response.error());
            return;
          }
          batch.finished(null);
        });
      }
    }
    expectations.raise(plan.key(), 1, 0);
    batch.start();
    client.create(pod(set, template, revisionName, ordinal), response -> {
      if (response.ok()) {
        events.normal(set, "SuccessfulCreate", "create Pod " + podName + " in StatefulSet " + set.name() + " successful");
        batch.finished(null);
      } else {
        expectations.creationObserved(plan.key());
        events.warning(set, "FailedCreate", "create Pod " + podName + " in StatefulSet " + set.name()
            + " failed error: " + response.error().getMessage());
        batch.finished(response.failedWith(BackendException.AlreadyExists.class) ? null : response.error());
      }
    });
  }

  private void delete(Plan plan, Resource pod, Batch batch) {
    Resource set = plan.set();
    expectations.raise(plan.key(), 0, 1);
    batch.start();
    client.delete(pod.key(), DeleteParams.defaults(), response -> {
      if (response.ok()) {
        events.normal(set, "SuccessfulDelete", "delete Pod " + pod.name() + " in StatefulSet " + set.name() + " successful");
        batch.finished(null);
      } else {
        expectations.deletionObserved(plan.key());
        boolean gone = response.failedWith(BackendException.NotFound.class);
        if (!gone) {
          events.warning(set, "FailedDelete", "delete Pod " + pod.name() + " in StatefulSet " + set.name()
              + " failed error: " + response.error().getMessage());
        }
        batch.finished(gone ? null : response.error());
      }
    });
  }

  /** {@code newStatefulSetPod}: the template's pod with the set's identity, storage and revision. */
  static Resource pod(Resource set, JsonNode template, String revisionName, int ordinal) {
    String name = set.name() + "-" + ordinal;
    ObjectNode root = PodTemplates.pod(set, template, name);
    ObjectNode labels = PodTemplates.labels(root);
    labels.put(POD_NAME_LABEL, name);
    labels.put(POD_INDEX_LABEL, Integer.toString(ordinal));
    labels.put(Revisions.HASH_LABEL, revisionName);
    ObjectNode spec = Json.mutableCopy((ObjectNode) template.path("spec"));
    spec.put("hostname", name);
    String serviceName = set.spec().path("serviceName").asText("");
    if (!serviceName.isEmpty()) {
      spec.put("subdomain", serviceName);
    }
    JsonNode claimTemplates = set.spec().path("volumeClaimTemplates");
    if (!claimTemplates.isEmpty()) {
      ArrayNode volumes = Json.array();
      List<String> claimed = new ArrayList<>();
      for (JsonNode claimTemplate : claimTemplates) {
        String volume = claimTemplate.path("metadata").path("name").asText();
        claimed.add(volume);
        volumes.addObject().put("name", volume).putObject("persistentVolumeClaim")
            .put("claimName", volume + "-" + name);
      }
      for (JsonNode volume : spec.path("volumes")) {
        if (!claimed.contains(volume.path("name").asText())) {
          volumes.add(volume);
        }
      }
      spec.set("volumes", volumes);
    }
    root.set("spec", spec);
    return Resource.of(root);
  }

  /** {@code getPersistentVolumeClaims}: the claim template, named for the pod, labelled with the set's selector. */
  static Resource claim(Resource set, JsonNode claimTemplate, String name) {
    ObjectNode root = PodTemplates.root("PersistentVolumeClaim", set, name, claimTemplate.path("metadata").path("labels"),
        set.spec().path("selector").path("matchLabels"));
    root.set("spec", claimTemplate.path("spec"));
    return Resource.of(root);
  }

  /**
   * The ControllerRevision of the set's template, created when missing ({@code getStatefulSetRevisions}); {@code
   * then} gets its name, or the error of a failed create.
   */
  private void updateRevision(Resource set, List<Resource> adopted,
      java.util.function.BiConsumer<String, @Nullable Throwable> then) {
    long highest = 0;
    Resource match = null;
    Map<String, Resource> owned = new TreeMap<>();
    for (Resource revision : revisions.inNamespace(set.namespace()).values()) {
      OwnerReference ref = PodConditions.controllerOf(revision);
      if (ref != null && ref.uid().equals(set.uid())) {
        owned.put(revision.name(), revision);
      }
    }
    for (Resource revision : adopted) {
      owned.put(revision.name(), revision);
    }
    for (Resource revision : owned.values()) {
      highest = Math.max(highest, revision.json().path("revision").asLong(0));
      if (Revisions.matches(set, revision) && (match == null
          || revision.json().path("revision").asLong(0) > match.json().path("revision").asLong(0))) {
        match = revision;
      }
    }
    if (match != null) {
      then.accept(match.name(), null);
      return;
    }
    long collisions = set.status().path("collisionCount").asLong(0);
    String hash = Revisions.hash(set.spec().path("template"), collisions);
    Resource created = Revisions.controllerRevision(set, hash, highest + 1);
    client.create(created, response -> {
      if (response.ok() || response.failedWith(BackendException.AlreadyExists.class)) {
        then.accept(created.name(), null);
      } else {
        then.accept("", response.error());
      }
    });
  }

  /** {@code computeReplicaStatus} and {@code completeRollingUpdate}: written only when something changed. */
  private void updateStatus(Plan plan, List<Resource> owned, Consumer<@Nullable Throwable> then) {
    Resource set = plan.set();
    long minReady = set.spec().path("minReadySeconds").asLong(0);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int current = 0;
    int updated = 0;
    for (Resource pod : owned) {
      if (PodConditions.phase(pod).isEmpty()) {
        continue; // isCreated: not yet given a phase
      }
      replicas++;
      if (PodConditions.phase(pod).equals("Running") && PodConditions.isReady(pod)) {
        ready++;
        if (PodConditions.isAvailable(pod, minReady, ctx.clock().now())) {
          available++;
        }
      }
      if (!pod.isBeingDeleted()) {
        if (revisionOf(pod).equals(plan.currentRevision())) {
          current++;
        }
        if (revisionOf(pod).equals(plan.updateRevision())) {
          updated++;
        }
      }
    }
    String currentRevision = plan.currentRevision();
    boolean rolling = set.spec().path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate");
    if (rolling && updated == replicas && ready == replicas) {
      currentRevision = plan.updateRevision();
      current = updated;
    }
    JsonNode status = set.status();
    if (status.path("replicas").asInt(0) == replicas && status.path("readyReplicas").asInt(0) == ready
        && status.path("availableReplicas").asInt(0) == available && status.path("currentReplicas").asInt(0) == current
        && status.path("updatedReplicas").asInt(0) == updated
        && status.path("currentRevision").asText("").equals(currentRevision)
        && status.path("updateRevision").asText("").equals(plan.updateRevision())
        && status.path("observedGeneration").asLong(0) == set.generation()) {
      then.accept(null);
      return;
    }
    ObjectNode root = Trees.shallowCopy(set.json());
    ObjectNode next = Trees.object(root, "status");
    next.put("observedGeneration", set.generation());
    next.put("replicas", replicas);
    next.put("readyReplicas", ready);
    next.put("currentReplicas", current);
    next.put("updatedReplicas", updated);
    next.put("currentRevision", currentRevision);
    next.put("updateRevision", plan.updateRevision());
    next.put("collisionCount", status.path("collisionCount").asLong(0));
    next.put("availableReplicas", available);
    client.updateStatus(Resource.of(root), response -> then.accept(response.error()));
  }

  /** The requests one sync makes: {@code then} gets the first error once every one has answered. */
  private static final class Batch {
    private final Consumer<@Nullable Throwable> then;
    private int started;
    private int pending;
    private boolean closed;
    private @Nullable Throwable first;

    Batch(Consumer<@Nullable Throwable> then) {
      this.then = then;
    }

    void start() {
      started++;
      pending++;
    }

    int started() {
      return started;
    }

    void finished(@Nullable Throwable error) {
      if (first == null) {
        first = error;
      }
      pending--;
      if (closed && pending == 0) {
        then.accept(first);
      }
    }

    /** No more requests: {@code then} runs when the last answers (now, if none is in flight). */
    void close() {
      closed = true;
      if (pending == 0) {
        then.accept(first);
      }
    }
  }
}
