package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.batch.IndexIntervals;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.controller.JobSync.Condition;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The {@link JobController}'s accounting of finished pods ({@code trackJobStatusAndRemoveFinalizers}): each
 * finished pod's uid goes into {@code status.uncountedTerminatedPods} (a status update), the pod loses its {@value
 * JobController#TRACKING_FINALIZER} finalizer (a patch each), and the uid is counted in {@code succeeded} or {@code
 * failed} (a second status update, with the terminal condition once every pod is counted and none is terminating).
 * It keeps the finalizer removals sent and not yet seen ({@code finalizerExpectations}), which hold a Job's next
 * sync back.
 */
final class JobTracking {
  private final SimContext ctx;
  private final SimClient client;
  private final PodControlEvents events;
  /** What the controller keeps once a sync's first status update is written (its failure back-off). */
  private final Consumer<JobSync> statusWritten;
  /** Per Job, the uids of pods whose finalizer removal was sent and not yet seen ({@code finalizerExpectations}). */
  private final Map<String, Set<String>> removing = new HashMap<>();

  JobTracking(SimContext ctx, SimClient client, PodControlEvents events, Consumer<JobSync> statusWritten) {
    this.ctx = ctx;
    this.client = client;
    this.events = events;
    this.statusWritten = statusWritten;
  }

  /** The uids of {@code job}'s pods whose finalizer removal was sent and not yet seen. */
  Set<String> removing(String job) {
    return removing.getOrDefault(job, Set.of());
  }

  /** Forgets a Job's expectations (it is gone). */
  void forget(String job) {
    removing.remove(job);
  }

  /** The finalizer removal of one of {@code job}'s pods was seen: it lost the finalizer, or is gone. */
  void observed(String job, String uid) {
    Set<String> uids = removing.get(job);
    if (uids != null) {
      uids.remove(uid);
      if (uids.isEmpty()) {
        removing.remove(job);
      }
    }
  }

  /**
   * {@code trackJobStatusAndRemoveFinalizers}: finished pods go into {@code uncountedTerminatedPods} (a status
   * update), lose their finalizer (a patch each), and are counted (a second status update, with the terminal
   * condition once every pod is counted and none is terminating).
   */
  void track(JobSync pass, boolean needsUpdate, SyncQueue.Done done) {
    Resource job = pass.job;
    ObjectNode root = Trees.shallowCopy(job.json());
    ObjectNode status = Trees.object(root, "status");
    boolean changed = needsUpdate || pass.active.size() != status.path("active").asInt(0)
        || pass.ready != status.path("ready").asInt(-1) || pass.terminating != status.path("terminating").asInt(-1);
    int[] counters = {status.path("succeeded").asInt(0), status.path("failed").asInt(0)};
    Set<String> withFinalizer = new HashSet<>();
    for (Resource pod : pass.all) {
      if (JobController.hasFinalizer(pod)) {
        withFinalizer.add(pod.uid());
      }
    }
    changed |= cleanUncounted(pass, withFinalizer, counters);
    Set<String> pending = removing.getOrDefault(pass.key, Set.of());
    List<Resource> toRelease = new ArrayList<>();
    BitSet newIndexes = new BitSet();
    boolean reachedMax = false;
    boolean failing = pass.finished != null && !pass.finished.type().equals("SuccessCriteriaMet");
    for (Resource pod : pass.all) {
      String uid = pod.uid();
      if (!JobController.hasFinalizer(pod) || pending.contains(uid) || pass.uncountedSucceeded.contains(uid)
          || pass.uncountedFailed.contains(uid)) {
        continue;
      }
      boolean succeededPod = PodConditions.phase(pod).equals("Succeeded");
      boolean failedPod = JobOutcome.isFailed(pass, pod);
      if (!job.isBeingDeleted() && pass.finished == null && (!succeededPod && !failedPod
          || failedPod && JobOutcome.isDelayed(pass, pod))) {
        continue; // running, or the failed pod its index keeps until the replacement runs
      }
      if (succeededPod) {
        if (pass.indexed) {
          int index = JobIndexes.of(pod);
          if (index >= 0 && index < pass.completions) {
            newIndexes.set(index);
          }
        } else {
          pass.uncountedSucceeded.add(uid);
        }
      } else if (failedPod || failing) {
        if (!JobOutcome.ignoredByPolicy(pass, pod)) {
          pass.uncountedFailed.add(uid);
        }
      }
      toRelease.add(pod);
      changed = true;
      if (pass.uncountedSucceeded.size() + pass.uncountedFailed.size() + newIndexes.cardinality()
          >= JobController.MAX_UNCOUNTED_PODS) {
        reachedMax = true;
        break;
      }
    }
    if (pass.indexed) {
      BitSet indexes = IndexIntervals.parse(status.path("completedIndexes").asText(""), pass.completions);
      indexes.or(newIndexes);
      String text = IndexIntervals.format(indexes);
      if (!text.equals(status.path("completedIndexes").asText(""))) {
        changed = true;
      }
      counters[0] = indexes.cardinality();
      if (text.isEmpty()) {
        status.remove("completedIndexes");
      } else {
        status.put("completedIndexes", text);
      }
      if (pass.perIndex >= 0) {
        String failed = IndexIntervals.format(pass.failedIndexes);
        if (!status.path("failedIndexes").isTextual() || !failed.equals(status.path("failedIndexes").asText())) {
          status.put("failedIndexes", failed);
          changed = true;
        }
      }
    }
    Condition terminal = null;
    if (pass.finished != null) {
      changed |= ensureCondition(status, pass.finished, now());
      terminal = pass.finished.type().equals("SuccessCriteriaMet")
          ? new Condition("Complete", pass.finished.reason(), pass.finished.message())
          : new Condition("Failed", pass.finished.reason(), pass.finished.message());
    }
    if (pass.startTime != null && !pass.startTime.equals(status.path("startTime").asText(null))) {
      status.put("startTime", pass.startTime);
    }
    suspendedCondition(pass, status);
    writeCounts(pass, status, counters);
    boolean flush = changed;
    Condition finishing = terminal;
    boolean capped = reachedMax;
    Runnable release = () -> release(pass, toRelease, withFinalizer, counters, failures -> {
      ObjectNode next = Trees.shallowCopy(pass.job.json());
      ObjectNode nextStatus = Trees.object(next, "status");
      writeCounts(pass, nextStatus, counters);
      boolean finishedNow = false;
      if (failures == 0 && finishing != null && !capped && pass.uncountedSucceeded.isEmpty()
          && pass.uncountedFailed.isEmpty() && pass.terminating == 0) {
        Instant at = now();
        ensureCondition(nextStatus, finishing, at);
        if (finishing.type().equals("Complete")) {
          nextStatus.put("completionTime", timestamp(at));
        }
        finishedNow = true;
      }
      if (toRelease.isEmpty() && !finishedNow) {
        done.done(null);
        return;
      }
      boolean recordFinish = finishedNow;
      client.updateStatus(Resource.of(next), response -> {
        if (response.ok() && recordFinish) {
          recordFinished(pass, finishing);
        }
        done.done(response.ok() && failures > 0
            ? new IllegalStateException(failures + " finalizer removals failed") : response.error());
      });
    });
    if (!flush) {
      release.run();
      return;
    }
    client.updateStatus(Resource.of(root), response -> {
      if (!response.ok()) {
        done.done(response.error());
        return;
      }
      pass.job = response.get();
      statusWritten.accept(pass);
      release.run();
    });
  }

  /** {@code cleanUncountedPodsWithoutFinalizers}: uids whose pod no longer has the finalizer are counted. */
  private static boolean cleanUncounted(JobSync pass, Set<String> withFinalizer, int[] counters) {
    boolean changed = false;
    for (var it = pass.uncountedSucceeded.iterator(); it.hasNext();) {
      if (!withFinalizer.contains(it.next())) {
        it.remove();
        if (!pass.indexed) {
          counters[0]++;
        }
        changed = true;
      }
    }
    for (var it = pass.uncountedFailed.iterator(); it.hasNext();) {
      if (!withFinalizer.contains(it.next())) {
        it.remove();
        counters[1]++;
        changed = true;
      }
    }
    return changed;
  }

  /** {@code active}, {@code ready}, {@code terminating}, the counters and {@code uncountedTerminatedPods}. */
  private static void writeCounts(JobSync pass, ObjectNode status, int[] counters) {
    putOrRemove(status, "active", pass.active.size());
    putOrRemove(status, "succeeded", counters[0]);
    putOrRemove(status, "failed", counters[1]);
    status.put("ready", Math.max(0, pass.ready));
    status.put("terminating", pass.terminating);
    ObjectNode uncounted = status.putObject("uncountedTerminatedPods");
    if (!pass.uncountedSucceeded.isEmpty()) {
      ArrayNode uids = uncounted.putArray("succeeded");
      pass.uncountedSucceeded.forEach(uids::add);
    }
    if (!pass.uncountedFailed.isEmpty()) {
      ArrayNode uids = uncounted.putArray("failed");
      pass.uncountedFailed.forEach(uids::add);
    }
  }

  private static void putOrRemove(ObjectNode node, String field, int value) {
    if (value == 0) {
      node.remove(field);
    } else {
      node.put(field, value);
    }
  }

  /**
   * The finalizer removals ({@code removeTrackingFinalizerFromPods}), then the uids whose removal went through
   * counted; {@code then} gets the number of removals that failed.
   */
  private void release(JobSync pass, List<Resource> pods, Set<String> withFinalizer, int[] counters,
      IntConsumer then) {
    if (pods.isEmpty()) {
      then.accept(0);
      return;
    }
    int[] pending = {pods.size()};
    int[] failures = {0};
    for (Resource pod : pods) {
      removeFinalizer(pass, pod, ok -> {
        if (ok) {
          withFinalizer.remove(pod.uid());
        } else {
          failures[0]++;
        }
        if (--pending[0] == 0) {
          cleanUncounted(pass, withFinalizer, counters);
          then.accept(failures[0]);
        }
      });
    }
  }

  /** The strategic merge patch that removes the tracking finalizer; a pod already gone counts as done. */
  void removeFinalizer(JobSync pass, Resource pod, Consumer<Boolean> then) {
    removing.computeIfAbsent(pass.key, k -> new HashSet<>()).add(pod.uid());
    client.send(finalizerRemoval(pod), response -> {
      boolean ok = response.ok() || response.failedWith(BackendException.NotFound.class);
      if (!ok || response.failedWith(BackendException.NotFound.class)) {
        Set<String> uids = removing.get(pass.key);
        if (uids != null) {
          uids.remove(pod.uid());
        }
      }
      then.accept(ok);
    });
  }

  /** {@code recordJobFinished}: Completed, or the failure's reason and message as a Warning. */
  private void recordFinished(JobSync pass, Condition terminal) {
    if (terminal.type().equals("Complete")) {
      events.recorder().normal(pass.job, "Completed", "Job completed");
      if (pass.hasCompletions && pass.succeeded > pass.completions) {
        events.recorder().warning(pass.job, "TooManySucceededPods",
            "Too many succeeded pods running after completion count reached");
      }
    } else {
      events.recorder().warning(pass.job, terminal.reason(), terminal.message());
    }
  }

  /** Writes the Suspended condition {@code JobController.suspendCondition} decided on. */
  private void suspendedCondition(JobSync pass, ObjectNode status) {
    if (!pass.suspendChanged) {
      return;
    }
    if (JobController.suspended(pass.job)) {
      ensureCondition(status, new Condition("Suspended", "JobSuspended", "Job suspended"), now());
    } else {
      JobConditions.ensure(status, "Suspended", "False", "JobResumed", "Job resumed", timestamp(now()));
    }
  }

  /** {@code ensureJobConditionStatus} for a True condition; returns whether it changed. */
  private boolean ensureCondition(ObjectNode status, Condition condition, Instant at) {
    return JobConditions.ensure(status, condition.type(), "True", condition.reason(), condition.message(),
        timestamp(at));
  }

  /**
   * {@code removeTrackingFinalizerPatch}: the strategic merge patch {@code
   * {"metadata":{"$deleteFromPrimitiveList/finalizers":["batch.kubernetes.io/job-tracking"]}}}.
   */
  static ApiCall<Resource> finalizerRemoval(Resource pod) {
    ObjectNode patch = Json.object();
    patch.putObject("metadata").putArray("$deleteFromPrimitiveList/finalizers").add(JobController.TRACKING_FINALIZER);
    return ApiCall.patch(pod.key(), PatchType.STRATEGIC, patch, PatchOptions.defaults());
  }

  private Instant now() {
    return ctx.clock().now();
  }

  private String timestamp(Instant at) {
    return ctx.timestamps().seconds(at);
  }
}
