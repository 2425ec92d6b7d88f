package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import dev.converge.inmemory.sim.runtime.Timestamps;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The TTL-after-finished controller ({@code pkg/controller/ttlafterfinished}): a finished Job with {@code
 * ttlSecondsAfterFinished} is deleted that many seconds after its {@code Complete} or {@code Failed} condition
 * turned True. When the time comes it reads the Job again from the API server, checks again, and deletes it in
 * the foreground with a uid precondition, so that its pods go first and a new Job of the same name is never
 * taken for it. It records no Events.
 */
public final class TtlAfterFinishedController {
  /** {@code --concurrent-ttl-after-finished-syncs} default. */
  static final int WORKERS = 5;

  private final SimContext ctx;
  private final SimClient client;
  private final Informer jobs;
  private final SyncQueue<String> queue;

  public TtlAfterFinishedController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.ctx = ctx;
    this.client = client;
    this.jobs = informers.of(JobController.JOB);
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync);
    jobs.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource job) {
        enqueue(job);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        enqueue(current);
      }

      @Override
      public void onDelete(Resource last) {
        // nothing to clean up
      }
    });
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  private void enqueue(Resource job) {
    if (!job.isBeingDeleted() && expiresAt(job) != null) {
      queue.add(PodOwnerEvents.key(job));
    }
  }

  /** When {@code job} is due for deletion ({@code needsCleanup}, {@code jobFinishTime} + TTL), or null. */
  static @Nullable Instant expiresAt(Resource job) {
    JsonNode ttl = job.spec().path("ttlSecondsAfterFinished");
    if (!ttl.isNumber()) {
      return null;
    }
    JsonNode finished = JobConditions.terminal(job);
    if (finished != null && finished.path("lastTransitionTime").isTextual()) {
      return Timestamps.parse(finished.path("lastTransitionTime").asText()).plusSeconds(ttl.asLong());
    }
    return null;
  }

  /** {@code processJob}: wait for the expiry, then check a fresh copy, then delete. */
  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource cached = jobs.get(key.substring(0, slash), key.substring(slash + 1));
    if (cached == null || cached.isBeingDeleted() || !due(key, cached)) {
      done.done(null);
      return;
    }
    client.get(cached.key(), response -> {
      if (!response.ok()) {
        done.done(response.failedWith(BackendException.NotFound.class) ? null : response.error());
        return;
      }
      Resource fresh = response.get();
      if (fresh.isBeingDeleted() || !due(key, fresh)) {
        done.done(null);
        return;
      }
      DeleteParams params = DeleteParams.of(Propagation.FOREGROUND).withUid(fresh.uid());
      client.delete(fresh.key(), params, deleted -> done.done(deleted.ok()
          || deleted.failedWith(BackendException.NotFound.class) ? null : deleted.error()));
    });
  }

  /** Whether {@code job} has expired; if it will, the key is queued again for then. */
  private boolean due(String key, Resource job) {
    Instant expires = expiresAt(job);
    if (expires == null) {
      return false;
    }
    Duration left = Duration.between(ctx.clock().now(), expires);
    if (left.isNegative() || left.isZero()) {
      return true;
    }
    queue.addAfter(key, left);
    return false;
  }
}
