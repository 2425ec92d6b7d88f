package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.OwnerReference;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.controller.DeploymentMath.Scale;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The Deployment controller ({@code pkg/controller/deployment}): it finds or creates the ReplicaSet of the
 * current template (named {@code <deployment>-<hash>}, labelled and selected by {@code pod-template-hash},
 * revision one above the old ones), then rolls: RollingUpdate scales the new ReplicaSet up to what
 * {@code replicas + maxSurge} allows, and old ReplicaSets down — unhealthy replicas first, then as far as
 * {@code replicas − maxUnavailable} available pods allow; Recreate scales every old ReplicaSet to zero, waits
 * for their pods to be gone, and then scales the new one up. Status and the Available/Progressing conditions
 * follow the ReplicaSets' status ({@link DeploymentStatus}); old ReplicaSets beyond
 * {@code revisionHistoryLimit} are deleted once the rollout is complete. A paused Deployment, and a change of
 * {@code replicas} alone (a scaling event), only resize the ReplicaSets ({@link DeploymentMath#scale}:
 * proportionally during a rollout) and write the status without estimating progress; pausing and resuming are
 * recorded in the Progressing condition. Before all this the Deployment claims its ReplicaSets
 * ({@link ControllerRefManager}).
 */
public final class DeploymentController {
  /** {@code --concurrent-deployment-syncs} default. */
  public static final int WORKERS = 5;
  /** {@code maxRetries} in {@code deployment_controller.go}: a Deployment failing 15 retries in a row is dropped. */
  static final int MAX_RETRIES = 15;
  static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  private final SimContext ctx;
  private final SimClient client;
  private final EventRecorder events;
  private final Informer deployments;
  private final Informer replicaSets;
  private final OwnedPods pods;
  private final SyncQueue<String> queue;

  public DeploymentController(SimContext ctx, SimClient client, SharedInformers informers, OwnedPods pods) {
    this.ctx = ctx;
    this.client = client;
    this.events = new EventRecorder(client, "deployment-controller", "");
    this.deployments = informers.of(DEPLOYMENT);
    this.replicaSets = informers.of(ReplicaSetController.REPLICA_SET);
    this.pods = pods;
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync, MAX_RETRIES);
    deployments.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource d) {
        queue.add(key(d));
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        queue.add(key(current));
      }

      @Override
      public void onDelete(Resource last) {
        queue.add(key(last));
      }
    });
    pods.addListener(ReplicaSetController.REPLICA_SET.kind(), new OwnedPods.Listener() {
      @Override
      public void created(String ownerKey) {}

      @Override
      public void deleted(String ownerKey) {
        // deletePod: a Recreate Deployment waits for its old pods to be gone before it scales the new ReplicaSet up.
        int slash = ownerKey.indexOf('/');
        Resource rs = replicaSets.get(ownerKey.substring(0, slash), ownerKey.substring(slash + 1));
        OwnerReference ref = rs == null ? null : PodConditions.controllerOf(rs);
        if (ref != null && ref.kind().equals(DEPLOYMENT.kind())) {
          Resource d = deployments.get(rs.namespace(), ref.name());
          if (d != null && DeploymentMath.recreate(d)) {
            queue.add(key(d));
          }
        }
      }

      @Override
      public void changed(String ownerKey, Resource old, Resource current) {}
    });
    replicaSets.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource rs) {
        if (PodConditions.controllerOf(rs) == null && !rs.isBeingDeleted()) {
          enqueueSelecting(rs);
        } else {
          enqueueOwner(rs);
        }
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        OwnerReference before = PodConditions.controllerOf(old);
        OwnerReference after = PodConditions.controllerOf(current);
        boolean refChanged = !Objects.equals(before, after);
        if (refChanged && before != null) {
          enqueueOwner(old);
        }
        if (after != null) {
          enqueueOwner(current);
        } else if (refChanged || !old.labels().equals(current.labels())) {
          enqueueSelecting(current);
        }
      }

      @Override
      public void onDelete(Resource last) {
        enqueueOwner(last);
      }
    });
  }

  /** An orphan ReplicaSet: every Deployment that selects it may adopt it ({@code getDeploymentsForReplicaSet}). */
  private void enqueueSelecting(Resource rs) {
    for (Resource d : deployments.inNamespace(rs.namespace()).values()) {
      LabelSelector selector = ControllerRefManager.selector(d);
      if (selector != null && selector.matches(rs)) {
        queue.add(key(d));
      }
    }
  }

  public long syncs() {
    return queue.syncs();
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  private void enqueueOwner(Resource rs) {
    OwnerReference ref = PodConditions.controllerOf(rs);
    if (ref != null && ref.kind().equals(DEPLOYMENT.kind())) {
      queue.add(rs.namespace() + "/" + ref.name());
    }
  }

  private static String key(Resource d) {
    return d.namespace() + "/" + d.name();
  }

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource d = deployments.get(key.substring(0, slash), key.substring(slash + 1));
    if (d == null) {
      done.done(null);
      return;
    }
    LabelSelector selector = ControllerRefManager.selector(d);
    if (selector == null) {
      done.done(null);
      return;
    }
    // getReplicaSetsForDeployment: adopt the orphans the selector matches, release what it no longer matches.
    List<Resource> candidates = List.copyOf(replicaSets.inNamespace(d.namespace()).values());
    new ControllerRefManager(client, d, selector::matches, List.of()).claim(candidates, claim -> {
      if (claim.error() != null || claim.wrote()) {
        // The rest waits for the informer to show the adoptions and releases: their events queue the
        // Deployment again (upstream goes on with the claimed ReplicaSets in the same sync).
        done.done(claim.error());
        return;
      }
      sync(d, claim.claimed(), done);
    });
  }

  private void sync(Resource d, List<Resource> owned, SyncQueue.Done done) {
    Resource found = DeploymentMath.findNew(d, owned);
    if (d.isBeingDeleted()) {
      // syncStatusOnly: the totals and availability; the rollout is not estimated.
      writeStatus(d, DeploymentStatus.afterScaling(d, owned, found, now()), done);
      return;
    }
    checkPausedConditions(d, done, current -> {
      if (current.spec().path("paused").asBoolean(false) || DeploymentMath.scalingEvent(current, owned)) {
        scaleOnly(current, owned, found, done);
      } else {
        rollout(current, owned, found, done);
      }
    });
  }

  /**
   * {@code checkPausedConditions}: a Deployment just paused or resumed records it in its Progressing condition
   * ({@link DeploymentStatus#pausedConditions}) before anything else; the sync goes on with the written object.
   * (Upstream goes on with its copy of the old version, so its next status write of that sync meets a 409.)
   */
  private void checkPausedConditions(Resource d, SyncQueue.Done done, Consumer<Resource> then) {
    ObjectNode status = DeploymentStatus.pausedConditions(d, now());
    if (status == null) {
      then.accept(d);
      return;
    }
    ObjectNode root = Trees.shallowCopy(d.json());
    root.set("status", status);
    client.updateStatus(Resource.of(root), response -> {
      if (response.ok()) {
        then.accept(response.get());
      } else {
        done.done(response.error());
      }
    });
  }

  /**
   * {@code sync}, for a scaling event or a paused Deployment: no new ReplicaSet and no rolling; the ReplicaSets
   * are resized ({@link DeploymentMath#scale}), a paused Deployment's old empty ones beyond the history limit are
   * deleted, and the status is written without estimating progress.
   */
  private void scaleOnly(Resource d, List<Resource> owned, @Nullable Resource newRs, SyncQueue.Done done) {
    List<Resource> old = newRs == null ? owned : others(owned, newRs);
    apply(DeploymentMath.scale(d, newRs, old), 0, d, error -> {
      if (error != null) {
        done.done(error);
        return;
      }
      Runnable status = () -> writeStatus(d, DeploymentStatus.afterScaling(d, owned, newRs, now()), done);
      if (d.spec().path("paused").asBoolean(false)) {
        cleanup(d, old, status);
      } else {
        status.run();
      }
    });
  }

  /** {@code rolloutRolling} and {@code rolloutRecreate}, after finding or creating the new ReplicaSet. */
  private void rollout(Resource d, List<Resource> owned, @Nullable Resource found, SyncQueue.Done done) {
    String key = key(d);
    boolean recreate = DeploymentMath.recreate(d);
    if (found != null && DeploymentMath.revision(found) <= DeploymentMath.maxRevision(others(owned, found))) {
      // Rolling back to an old template: that ReplicaSet becomes the newest revision first.
      promote(found, owned, done, promoted -> {
        List<Resource> all = new ArrayList<>(others(owned, found));
        all.add(promoted);
        roll(d, all, promoted, false, done);
      });
      return;
    }
    if (found != null || (recreate && (DeploymentMath.sumSpec(owned) > 0 || oldPodsRunning(d, owned, null)))) {
      // Recreate creates the new ReplicaSet only once every old pod is gone.
      withRevision(d, found, done, current -> roll(current, owned, found, false, done));
      return;
    }
    createNew(d, owned, created -> {
      if (created == null) {
        done.done(new IllegalStateException("could not create the new ReplicaSet of " + key));
        return;
      }
      List<Resource> all = new ArrayList<>(owned);
      all.add(created);
      withRevision(d, created, done, current -> roll(current, all, created, true, done));
    });
  }

  private static List<Resource> others(List<Resource> owned, Resource rs) {
    List<Resource> out = new ArrayList<>(owned);
    out.removeIf(other -> other.name().equals(rs.name()));
    return out;
  }

  /**
   * {@code SetNewReplicaSetAnnotations} on an existing new ReplicaSet whose revision is not the newest (a
   * rollback): it takes the next revision and appends its old one to {@code deployment.kubernetes.io/revision-history}.
   * As in {@code getNewReplicaSet}, the Deployment's own revision follows on the next sync.
   */
  private void promote(Resource rs, List<Resource> owned, SyncQueue.Done done, Consumer<Resource> then) {
    String revision = Long.toString(DeploymentMath.maxRevision(others(owned, rs)) + 1);
    ObjectNode root = Trees.shallowCopy(rs.json());
    ObjectNode annotations = Trees.object(Trees.object(root, "metadata"), "annotations");
    String previous = rs.annotations().get(DeploymentMath.REVISION);
    if (previous != null) {
      String history = rs.annotations().getOrDefault(DeploymentMath.REVISION_HISTORY, "");
      annotations.put(DeploymentMath.REVISION_HISTORY, history.isEmpty() ? previous : history + "," + previous);
    }
    annotations.put(DeploymentMath.REVISION, revision);
    client.update(Resource.of(root), response -> {
      if (response.ok()) {
        then.accept(response.get());
      } else {
        done.done(response.error());
      }
    });
  }

  /**
   * {@code getNewReplicaSet}'s {@code SetDeploymentRevision}: the Deployment carries its new ReplicaSet's
   * {@code deployment.kubernetes.io/revision}, written with {@code UpdateStatus} (whose strategy keeps the
   * request's annotations) when it differs; {@code kubectl rollout undo} patches that annotation.
   */
  private void withRevision(Resource d, @Nullable Resource newRs, SyncQueue.Done done, Consumer<Resource> then) {
    String revision = newRs == null ? null : newRs.annotations().get(DeploymentMath.REVISION);
    if (revision == null || revision.equals(d.annotations().get(DeploymentMath.REVISION))) {
      then.accept(d);
      return;
    }
    ObjectNode root = Trees.shallowCopy(d.json());
    Trees.object(Trees.object(root, "metadata"), "annotations").put(DeploymentMath.REVISION, revision);
    client.updateStatus(Resource.of(root), response -> {
      if (response.ok()) {
        then.accept(response.get());
      } else {
        done.done(response.error());
      }
    });
  }

  private void roll(Resource d, List<Resource> all, @Nullable Resource newRs, boolean createdNew, SyncQueue.Done done) {
    List<Resource> old = new ArrayList<>(all);
    if (newRs != null) {
      old.removeIf(rs -> rs.name().equals(newRs.name()));
    }
    List<Scale> scales = DeploymentMath.recreate(d) ? recreatePlan(d, all, old, newRs) : rollingPlan(d, all, old, newRs);
    if (!scales.isEmpty()) {
      apply(scales, 0, d, error -> {
        if (error != null) {
          done.done(error);
        } else {
          syncStatus(d, all, newRs, createdNew, done);
        }
      });
      return;
    }
    if (newRs != null && DeploymentStatus.complete(d, DeploymentStatus.compute(d, all, newRs, createdNew, now(),
        ctx.clock().now()))) {
      cleanup(d, old, () -> syncStatus(d, all, newRs, createdNew, done));
      return;
    }
    syncStatus(d, all, newRs, createdNew, done);
  }

  /**
   * {@code rolloutRolling}: first {@code reconcileNewReplicaSet}; if that changes nothing,
   * {@code reconcileOldReplicaSets} ({@code cleanupUnhealthyReplicas}, then
   * {@code scaleDownOldReplicaSetsForRollingUpdate}).
   */
  private List<Scale> rollingPlan(Resource d, List<Resource> all, List<Resource> old, @Nullable Resource newRs) {
    List<Scale> out = new ArrayList<>();
    int desired = DeploymentMath.replicas(d);
    if (newRs != null) {
      int current = DeploymentMath.replicas(newRs);
      int target = current > desired ? desired : DeploymentMath.newReplicas(d, all, newRs);
      if (target != current || !DeploymentMath.annotationsCurrent(newRs, d)) {
        out.add(new Scale(newRs, target));
        if (target != current) {
          return out;
        }
      }
    }
    int oldPods = DeploymentMath.sumSpec(old);
    if (oldPods == 0) {
      return out;
    }
    int minAvailable = desired - DeploymentMath.maxUnavailable(d);
    int newUnavailable = newRs == null ? 0
        : DeploymentMath.replicas(newRs) - DeploymentMath.status(newRs, "availableReplicas");
    int maxScaledDown = DeploymentMath.sumSpec(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return out;
    }
    Map<String, Integer> sizes = new java.util.HashMap<>();
    int cleaned = 0;
    for (Resource rs : DeploymentMath.byCreation(old)) {
      int replicas = DeploymentMath.replicas(rs);
      int availableInRs = DeploymentMath.status(rs, "availableReplicas");
      if (cleaned >= maxScaledDown || replicas == 0 || replicas == availableInRs) {
        continue;
      }
      int down = Math.min(maxScaledDown - cleaned, replicas - availableInRs);
      sizes.put(rs.name(), replicas - down);
      cleaned += down;
    }
    int available = DeploymentMath.sumStatus(all, "availableReplicas");
    int scaleDownCount = available - minAvailable;
    int scaledDown = 0;
    for (Resource rs : DeploymentMath.byCreation(old)) {
      int replicas = sizes.getOrDefault(rs.name(), DeploymentMath.replicas(rs));
      if (scaledDown >= scaleDownCount || replicas == 0) {
        continue;
      }
      int down = Math.min(replicas, scaleDownCount - scaledDown);
      sizes.put(rs.name(), replicas - down);
      scaledDown += down;
    }
    for (Resource rs : DeploymentMath.byCreation(old)) {
      Integer size = sizes.get(rs.name());
      if (size != null && size != DeploymentMath.replicas(rs)) {
        out.add(new Scale(rs, size));
      }
    }
    return out;
  }

  /** {@code rolloutRecreate}: old ReplicaSets to zero; the new one up once no old pod runs. */
  private List<Scale> recreatePlan(Resource d, List<Resource> all, List<Resource> old, @Nullable Resource newRs) {
    List<Scale> out = new ArrayList<>();
    for (Resource rs : DeploymentMath.byCreation(old)) {
      if (DeploymentMath.replicas(rs) > 0) {
        out.add(new Scale(rs, 0));
      }
    }
    if (!out.isEmpty() || oldPodsRunning(d, all, newRs) || newRs == null) {
      return out;
    }
    if (DeploymentMath.replicas(newRs) != DeploymentMath.replicas(d) || !DeploymentMath.annotationsCurrent(newRs, d)) {
      out.add(new Scale(newRs, DeploymentMath.replicas(d)));
    }
    return out;
  }

  private boolean oldPodsRunning(Resource d, List<Resource> all, @Nullable Resource newRs) {
    for (Resource rs : all) {
      if (newRs != null && rs.name().equals(newRs.name())) {
        continue;
      }
      if (DeploymentMath.status(rs, "replicas") > 0) {
        return true;
      }
      for (Resource pod : pods.ownedBy(rs.uid() == null ? "" : rs.uid())) {
        if (!PodConditions.isTerminal(pod)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Scales one ReplicaSet after the other ({@code scaleReplicaSet}: replicas and the replica annotations). */
  private void apply(List<Scale> scales, int index, Resource d, Consumer<@Nullable Throwable> then) {
    if (index == scales.size()) {
      then.accept(null);
      return;
    }
    Scale scale = scales.get(index);
    ObjectNode root = Trees.shallowCopy(scale.rs().json());
    Trees.object(root, "spec").put("replicas", scale.replicas());
    DeploymentMath.replicaAnnotations(Trees.object(Trees.object(root, "metadata"), "annotations"), d);
    int oldScale = DeploymentMath.replicas(scale.rs());
    client.update(Resource.of(root), response -> {
      if (!response.ok()) {
        then.accept(response.error());
      } else {
        if (oldScale != scale.replicas()) {
          scaled(d, scale.rs().name(), oldScale, scale.replicas());
        }
        apply(scales, index + 1, d, then);
      }
    });
  }

  /** {@code scaleReplicaSet}'s Event: "Scaled up replica set web-6d4b from 0 to 3". */
  private void scaled(Resource d, String rs, int from, int to) {
    events.normal(d, "ScalingReplicaSet", "Scaled " + (from < to ? "up" : "down") + " replica set " + rs + " from "
        + from + " to " + to);
  }

  /** {@code getNewReplicaSet} with {@code createIfNotExisted}. */
  private void createNew(Resource d, List<Resource> owned, Consumer<@Nullable Resource> then) {
    JsonNode template = d.spec().path("template");
    String hash = Revisions.hash(template, d.status().path("collisionCount").asLong(0));
    ObjectNode root = Json.object();
    root.put("apiVersion", "apps/v1");
    root.put("kind", "ReplicaSet");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", d.name() + "-" + hash);
    metadata.put("namespace", d.namespace());
    ObjectNode podTemplate = template.deepCopy();
    Trees.object(Trees.object(podTemplate, "metadata"), "labels").put(Revisions.POD_TEMPLATE_HASH, hash);
    metadata.set("labels", podTemplate.get("metadata").get("labels"));
    ObjectNode annotations = metadata.putObject("annotations");
    d.annotations().forEach((name, value) -> {
      if (!DeploymentMath.NOT_COPIED_TO_REPLICA_SETS.contains(name)) {
        annotations.put(name, value);
      }
    });
    annotations.put(DeploymentMath.REVISION, Long.toString(DeploymentMath.maxRevision(owned) + 1));
    DeploymentMath.replicaAnnotations(annotations, d);
    metadata.putArray("ownerReferences").add(Revisions.controllerRef(d));
    ObjectNode spec = root.putObject("spec");
    spec.put("replicas", DeploymentMath.newReplicas(d, owned, null));
    spec.put("minReadySeconds", d.spec().path("minReadySeconds").asInt(0));
    ObjectNode selector = d.spec().path("selector").deepCopy();
    Trees.object(selector, "matchLabels").put(Revisions.POD_TEMPLATE_HASH, hash);
    spec.set("selector", selector);
    spec.set("template", podTemplate);
    client.create(Resource.of(root), response -> {
      if (response.ok()) {
        int replicas = DeploymentMath.replicas(response.get());
        if (replicas > 0) {
          scaled(d, response.get().name(), 0, replicas);
        }
        then.accept(response.get());
      } else if (response.failedWith(BackendException.AlreadyExists.class)) {
        client.get(Resource.of(root).key(), existing -> then.accept(existing.ok() ? existing.get() : null));
      } else {
        then.accept(null);
      }
    });
  }

  /** {@code cleanupDeployment}: delete the oldest empty old ReplicaSets beyond the history limit. */
  private void cleanup(Resource d, List<Resource> old, Runnable then) {
    int limit = d.spec().path("revisionHistoryLimit").asInt(10);
    List<Resource> empty = new ArrayList<>();
    for (Resource rs : DeploymentMath.byCreation(old)) {
      if (DeploymentMath.replicas(rs) == 0 && DeploymentMath.status(rs, "replicas") == 0 && !rs.isBeingDeleted()) {
        empty.add(rs);
      }
    }
    int toDelete = old.size() - limit;
    if (toDelete <= 0 || empty.isEmpty()) {
      then.run();
      return;
    }
    List<Resource> victims = empty.subList(0, Math.min(toDelete, empty.size()));
    int[] pending = {victims.size()};
    for (Resource rs : victims) {
      client.delete(rs.key(), DeleteParams.defaults(), response -> {
        if (--pending[0] == 0) {
          then.run();
        }
      });
    }
  }

  /** {@code syncRolloutStatus}: write the status only when it changed; check the deadline again later. */
  private void syncStatus(Resource d, List<Resource> all, @Nullable Resource newRs, boolean createdNew,
      SyncQueue.Done done) {
    ObjectNode status = DeploymentStatus.compute(d, all, newRs, createdNew, now(), ctx.clock().now());
    if (!DeploymentStatus.complete(d, status) && d.spec().path("progressDeadlineSeconds").isNumber()) {
      queue.addAfter(key(d), Duration.ofSeconds(d.spec().path("progressDeadlineSeconds").asLong() + 1));
    }
    writeStatus(d, status, done);
  }

  /** Writes {@code status} unless it is the stored one. */
  private void writeStatus(Resource d, ObjectNode status, SyncQueue.Done done) {
    if (status.equals(d.status())) {
      done.done(null);
      return;
    }
    ObjectNode root = Trees.shallowCopy(d.json());
    root.set("status", status);
    client.updateStatus(Resource.of(root), response -> done.done(response.error()));
  }

  private String now() {
    return ctx.timestamps().seconds(ctx.clock().now());
  }
}
