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
import dev.converge.core.loop.RateLimiter;
import dev.converge.inmemory.batch.IndexIntervals;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import dev.converge.inmemory.sim.controller.JobSync.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The Job controller of Kubernetes 1.32 ({@code pkg/controller/job/job_controller.go}, with its default feature
 * gates: pod replacement policy, success policy and managed-by on).
 *
 * <p>It keeps {@code min(parallelism, completions − succeeded)} pods active (with {@code completions} unset, a
 * work queue: {@code parallelism} until one pod succeeds), creating at most 500 per sync in slow-start batches.
 * Each pod carries the {@value #TRACKING_FINALIZER} finalizer until the controller has counted it: a finished pod's
 * uid goes into {@code status.uncountedTerminatedPods} (one status update), its finalizer is removed (a patch per
 * pod), and the uid moves into {@code succeeded} or {@code failed} (a second status update). Failed pods are
 * replaced after a back-off of 10 s doubling to 10 min since the last failure.
 *
 * <p>The Job fails when more than {@code backoffLimit} pods failed (with {@code restartPolicy: OnFailure}, when
 * the active pods' container restarts reach it), when it has been active longer than {@code
 * activeDeadlineSeconds}, or when a failed pod matches a {@code FailJob} rule of its pod failure policy; it
 * succeeds when {@code completions} pods (or indexes) succeeded. Either way it first gets the interim condition
 * ({@code FailureTarget} or {@code SuccessCriteriaMet}), deletes its remaining active pods, and gets the terminal
 * one ({@code Failed} or {@code Complete}, with {@code completionTime}) only once no pod is terminating and every
 * pod is counted. Indexed Jobs give each pod a completion index (annotation, label, hostname and {@code
 * JOB_COMPLETION_INDEX}) and track {@code completedIndexes}. A suspended Job's active pods are deleted, and it has
 * the {@code Suspended} condition until resumed, which restarts its deadline.
 *
 * <p>With {@code backoffLimitPerIndex} an Indexed Job counts failures per index instead: each pod carries the
 * failures of its index so far ({@value JobIndexes#FAILURE_COUNT}), an index whose pod fails past the limit (or
 * matches a {@code FailIndex} rule) is failed for good ({@code status.failedIndexes}) and never run again, a
 * failed index's replacement waits 10 s doubling to 10 min after its own failures, and the index's failed pod
 * keeps its finalizer (and stays uncounted) until the replacement runs. The Job fails when more than {@code
 * maxFailedIndexes} indexes failed ({@code MaxFailedIndexesExceeded}), or once every index succeeded or failed
 * with some failed ({@code FailedIndexes}). A {@code successPolicy} ends an Indexed Job early when its succeeded
 * indexes match a rule ({@code SuccessCriteriaMet}, reason {@code SuccessPolicy}): its running pods are deleted
 * and not counted as failed.
 *
 * <p>Orphan pods its selector matches are adopted (with the tracking finalizer) and pods it no longer selects
 * released ({@link ControllerRefManager}); a Job whose {@code spec.managedBy} names another controller is left
 * alone, as in Kubernetes. What the Job has reached is {@link JobOutcome}'s to say; counting its finished pods and
 * removing their finalizers is {@link JobTracking}'s; one sync's state is a {@link JobSync}.
 */
public final class JobController {
  static final GroupKind JOB = GroupKind.of("batch", "Job");
  private static final GroupKind POD = GroupKind.of("", "Pod");
  /** The finalizer a Job's pods carry until the controller has counted them. */
  public static final String TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
  /** {@code JobControllerName}: the value of {@code spec.managedBy} that means this controller. */
  static final String CONTROLLER_NAME = "kubernetes.io/job-controller";
  /** {@code MaxPodCreateDeletePerSync}. */
  static final int MAX_POD_CREATE_DELETE_PER_SYNC = 500;
  /** {@code MaxUncountedPods}. */
  static final int MAX_UNCOUNTED_PODS = 500;
  /** {@code --concurrent-job-syncs} default. */
  static final int WORKERS = 5;
  /** {@code syncJobBatchPeriod}: pod events sync their Job once a second at most. */
  static final Duration SYNC_BATCH_PERIOD = Duration.ofSeconds(1);

  private final SimContext ctx;
  private final SimClient client;
  private final Informer jobs;
  private final OwnedPods pods;
  private final Expectations expectations;
  private final Map<String, JobFailures.Backoff> backoffs = new HashMap<>();
  /** Uids of orphan pods whose finalizer removal was sent. */
  private final Set<String> orphansReleasing = new HashSet<>();
  private final SyncQueue<String> queue;
  private final PodControlEvents events;
  private final JobTracking tracking;

  public JobController(SimContext ctx, SimClient client, SharedInformers informers, OwnedPods pods) {
    this.ctx = ctx;
    this.client = client;
    this.events = new PodControlEvents(new EventRecorder(client, "job-controller", ""));
    this.jobs = informers.of(JOB);
    this.pods = pods;
    this.expectations = new Expectations(ctx.clock());
    this.tracking = new JobTracking(ctx, client, events, pass -> backoffs.put(pass.key, pass.backoff));
    // DefaultJobApiBackOff and MaxJobApiBackOff: failed syncs are retried after 1 s doubling to 1 min.
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync,
        RateLimiter.exponential(Duration.ofSeconds(1), Duration.ofMinutes(1)));
    wire();
    informers.of(POD).addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        releaseIfOrphan(pod);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        if (hasFinalizer(old) && !hasFinalizer(current)) {
          forget(current);
        }
        releaseIfOrphan(current);
      }

      @Override
      public void onDelete(Resource last) {
        forget(last);
      }
    });
  }

  public long syncs() {
    return queue.syncs();
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  /** {@code addJob}/{@code updateJob} sync at once; {@code addPod}/{@code updatePod}/{@code deletePod} batched. */
  private void wire() {
    jobs.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource job) {
        queue.add(PodOwnerEvents.key(job));
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        queue.add(PodOwnerEvents.key(current));
      }

      @Override
      public void onDelete(Resource last) {
        String key = PodOwnerEvents.key(last);
        expectations.delete(key);
        tracking.forget(key);
        backoffs.remove(key);
        queue.add(key);
      }
    });
    // addPod/updatePod of an orphan: every Job that selects it may adopt it (getPodJobs).
    pods.addOrphanListener(pod -> {
      for (Resource job : jobs.inNamespace(pod.namespace()).values()) {
        LabelSelector selector = ControllerRefManager.selector(job);
        if (selector != null && selector.matches(pod)) {
          queue.addAfter(PodOwnerEvents.key(job), SYNC_BATCH_PERIOD);
        }
      }
    });
    pods.addListener(JOB.kind(), new OwnedPods.Listener() {
      @Override
      public void created(String ownerKey) {
        expectations.creationObserved(ownerKey);
        queue.addAfter(ownerKey, SYNC_BATCH_PERIOD);
      }

      @Override
      public void deleted(String ownerKey) {
        expectations.deletionObserved(ownerKey);
        queue.addAfter(ownerKey, SYNC_BATCH_PERIOD);
      }

      @Override
      public void changed(String ownerKey, Resource old, Resource current) {
        queue.addAfter(ownerKey, SYNC_BATCH_PERIOD);
      }
    });
  }

  /** The finalizer removal of {@code pod} was observed (it lost the finalizer, or is gone). */
  private void forget(Resource pod) {
    OwnerReference ref = PodConditions.controllerOf(pod);
    if (ref == null || !ref.kind().equals(JOB.kind())) {
      return;
    }
    tracking.observed(pod.namespace() + "/" + ref.name(), pod.uid());
    orphansReleasing.remove(pod.uid());
  }

  /**
   * {@code handleOrphanPod}: a pod with the tracking finalizer whose Job is gone (another object of the name
   * does not count) or finished loses the finalizer, so that it can be deleted.
   */
  private void releaseIfOrphan(Resource pod) {
    OwnerReference ref = PodConditions.controllerOf(pod);
    if (ref == null || !ref.kind().equals(JOB.kind()) || !hasFinalizer(pod) || orphansReleasing.contains(pod.uid())) {
      return;
    }
    Resource job = jobs.get(pod.namespace(), ref.name());
    if (job != null && ref.uid().equals(job.uid()) && !JobConditions.isFinished(job)) {
      return;
    }
    orphansReleasing.add(pod.uid());
    client.send(JobTracking.finalizerRemoval(pod), response -> {
      if (!response.ok()) {
        orphansReleasing.remove(pod.uid());
      }
    });
  }

  static boolean hasFinalizer(Resource pod) {
    for (JsonNode finalizer : pod.metadata().path("finalizers")) {
      if (finalizer.asText().equals(TRACKING_FINALIZER)) {
        return true;
      }
    }
    return false;
  }

  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource job = jobs.get(key.substring(0, slash), key.substring(slash + 1));
    if (job == null) {
      expectations.delete(key);
      tracking.forget(key);
      backoffs.remove(key);
      done.done(null);
      return;
    }
    String managedBy = job.spec().path("managedBy").asText(CONTROLLER_NAME);
    if (!managedBy.equals(CONTROLLER_NAME)) {
      done.done(null);
      return;
    }
    if (JobConditions.isFinished(job)) {
      backoffs.remove(key);
      releaseFinishedPods(job, done);
      return;
    }
    String mode = job.spec().path("completionMode").asText("NonIndexed");
    if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
      events.recorder().warning(job, "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
      done.done(null);
      return;
    }
    // getPodsForJob: the Job's pods and its namespace's orphans, claimed by the selector; an adoption adds the
    // tracking finalizer and a release removes it.
    LabelSelector selector = ControllerRefManager.selector(job);
    Predicate<Resource> match = selector == null ? pod -> false : selector::matches;
    new ControllerRefManager(client, job, match, List.of(TRACKING_FINALIZER))
        .claimPods(pods, pod -> true, done, () -> syncPods(key, job, done));
  }

  private void syncPods(String key, Resource job, SyncQueue.Done done) {
    // satisfiedExpectations: no pod creation or deletion, and no finalizer removal, is still unobserved.
    boolean satisfied = expectations.satisfied(key) && tracking.removing(key).isEmpty();
    JobSync pass = new JobSync(key, job, pods.ownedBy(job.uid() == null ? "" : job.uid()));
    count(pass);
    if (pass.startTime == null && !suspended(job)) {
      pass.startTime = timestamp(now());
    }
    pass.backoff = backoffs.getOrDefault(key, JobFailures.Backoff.NONE).next(pass.newSucceeded, pass.newFailed);
    pass.finished = JobOutcome.finishedCondition(pass, tracking.removing(pass.key), now(),
        after -> queue.addAfter(pass.key, after));
    if (pass.finished != null) {
      int active = pass.active.size();
      deleteActive(pass, deleted -> {
        if (deleted != active || !satisfied) {
          pass.finished = null;
        }
        pass.terminating += deleted;
        tracking.track(pass, true, done);
      });
      return;
    }
    if (!satisfied || job.isBeingDeleted()) {
      afterManage(pass, false, done);
      return;
    }
    manage(pass, () -> afterManage(pass, true, done));
  }

  /** The active, ready and terminating pods, the finished ones not yet counted, and the counters so far. */
  private void count(JobSync pass) {
    JsonNode status = pass.job.status();
    for (JsonNode uid : status.path("uncountedTerminatedPods").path("succeeded")) {
      pass.uncountedSucceeded.add(uid.asText());
    }
    for (JsonNode uid : status.path("uncountedTerminatedPods").path("failed")) {
      pass.uncountedFailed.add(uid.asText());
    }
    Set<String> pending = tracking.removing(pass.key);
    int ignored = 0;
    for (Resource pod : pass.all) {
      boolean terminal = PodConditions.isTerminal(pod);
      if (!terminal && !pod.isBeingDeleted()) {
        pass.active.add(pod);
        if (PodConditions.isReady(pod)) {
          pass.ready++;
        }
      } else if (!terminal) {
        pass.terminating++;
      }
      String uid = pod.uid();
      if (!hasFinalizer(pod) || pending.contains(uid) || pass.uncountedSucceeded.contains(uid)
          || pass.uncountedFailed.contains(uid)) {
        continue;
      }
      if (PodConditions.phase(pod).equals("Succeeded")) {
        pass.newSucceeded.add(pod);
      } else if (JobOutcome.isFailed(pass, pod)) {
        pass.newFailed.add(pod);
        if (JobOutcome.ignoredByPolicy(pass, pod)) {
          ignored++;
        }
      }
    }
    pass.succeeded = status.path("succeeded").asInt(0) + pass.newSucceeded.size() + pass.uncountedSucceeded.size();
    pass.failed = status.path("failed").asInt(0) + pass.newFailed.size() - ignored + pass.uncountedFailed.size();
    if (pass.indexed) {
      // calculateSucceededIndexes: every succeeded pod not counted yet, its finalizer's removal pending or not.
      pass.succeededIndexes = IndexIntervals.parse(status.path("completedIndexes").asText(""), pass.completions);
      for (Resource pod : pass.all) {
        int index = JobIndexes.of(pod);
        if (index >= 0 && index < pass.completions && hasFinalizer(pod)
            && PodConditions.phase(pod).equals("Succeeded")) {
          pass.succeededIndexes.set(index);
        }
      }
      pass.succeeded = pass.succeededIndexes.cardinality();
    }
  }

  /** {@code deleteActivePods}: deletes every active pod, keeping its finalizer; reports how many went. */
  private void deleteActive(JobSync pass, IntConsumer then) {
    if (pass.active.isEmpty()) {
      then.accept(0);
      return;
    }
    int[] pending = {pass.active.size()};
    int[] deleted = {0};
    for (Resource pod : pass.active) {
      client.delete(pod.key(), DeleteParams.defaults(), response -> {
        events.deleted(pass.job, pod.name(), response);
        if (response.ok() || response.failedWith(BackendException.NotFound.class)) {
          deleted[0]++;
          if (PodConditions.isReady(pod)) {
            pass.ready--;
          }
        }
        if (--pending[0] == 0) {
          pass.active.clear();
          then.accept(deleted[0]);
        }
      });
    }
  }

  /** After {@code manageJob} (or instead of it): the success check, the Suspended condition, then the status. */
  private void afterManage(JobSync pass, boolean managed, SyncQueue.Done done) {
    int active = pass.active.size();
    boolean complete = pass.hasCompletions
        ? pass.succeeded >= pass.completions && active == 0
        : pass.succeeded > 0 && active == 0;
    if (complete) {
      pass.finished = new Condition("SuccessCriteriaMet", "", "");
    } else if (managed) {
      suspendCondition(pass);
    }
    tracking.track(pass, pass.suspendChanged, done);
  }

  /** {@code Suspended} True while suspended; False ("Job resumed") once resumed, which restarts the deadline. */
  private void suspendCondition(JobSync pass) {
    Resource job = pass.job;
    JsonNode current = JobConditions.find(job, "Suspended");
    if (suspended(job)) {
      if (current == null || !current.path("status").asText().equals("True")) {
        pass.suspendChanged = true;
        events.recorder().normal(job, "Suspended", "Job suspended");
      }
    } else if (current != null && current.path("status").asText().equals("True")) {
      pass.suspendChanged = true;
      pass.startTime = timestamp(now());
      events.recorder().normal(job, "Resumed", "Job resumed");
    }
  }

  // ------------------------------------------------------------------------------------------------ manageJob

  /** {@code manageJob}: deletes the pods a suspended or shrunk Job has too many, or creates those it lacks. */
  private void manage(JobSync pass, Runnable then) {
    if (suspended(pass.job)) {
      List<Resource> victims = new ArrayList<>(pass.active);
      removeAndDelete(pass, victims, then);
      return;
    }
    int want = wantActive(pass);
    int excess = pass.active.size() - want;
    if (excess > 0) {
      removeAndDelete(pass, victims(pass, excess), then);
      return;
    }
    int diff = want - pass.active.size() - (pass.onlyReplaceFailed ? pass.terminating : 0);
    if (diff <= 0) {
      then.run();
      return;
    }
    // With a per-index limit each index waits for itself (below).
    Duration wait = pass.perIndex >= 0 ? Duration.ZERO : pass.backoff.remaining(now());
    if (!wait.isZero()) {
      queue.addAfter(pass.key, wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait);
      // manageJob returns 0 here, and syncJob reports that as status.active for this sync (Kubernetes 1.32).
      pass.active.clear();
      then.run();
      return;
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    List<Integer> indexes = new ArrayList<>();
    if (pass.indexed) {
      indexes = pendingIndexes(pass, diff);
      if (pass.perIndex >= 0 && !indexes.isEmpty()) {
        indexes = readyIndexes(pass, indexes);
        if (indexes.isEmpty()) {
          pass.active.clear(); // as above: status.active is 0 for this sync
          then.run();
          return;
        }
      }
      diff = indexes.size();
      if (diff == 0) {
        then.run();
        return;
      }
    }
    create(pass, diff, indexes, then);
  }

  /**
   * {@code getPodCreationInfoForIndependentIndexes}: those of {@code indexes} whose back-off is over; when none
   * is, the sync is queued for the soonest.
   */
  private List<Integer> readyIndexes(JobSync pass, List<Integer> indexes) {
    List<Integer> ready = new ArrayList<>();
    Duration soonest = null;
    for (int index : indexes) {
      Duration left = JobFailures.remainingForIndex(pass.delayed.get(index), now());
      if (left.isZero()) {
        ready.add(index);
      } else if (soonest == null || left.compareTo(soonest) < 0) {
        soonest = left;
      }
    }
    if (ready.isEmpty() && soonest != null) {
      queue.addAfter(pass.key, soonest.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : soonest);
    }
    return ready;
  }

  /** {@code wantActive}: how many pods should run now. */
  private static int wantActive(JobSync pass) {
    int parallelism = pass.spec().path("parallelism").asInt(1);
    if (!pass.hasCompletions) {
      return pass.succeeded > 0 ? pass.active.size() : parallelism;
    }
    return Math.max(0, Math.min(pass.completions - pass.succeeded, parallelism));
  }

  /**
   * {@code activePodsForRemoval}: an Indexed Job's pods without a valid index or duplicating another's first, then
   * the least valuable ({@link ReplicaSetController#DELETE_FIRST}); at most 500.
   */
  private static List<Resource> victims(JobSync pass, int count) {
    List<Resource> out = new ArrayList<>();
    List<Resource> rest = new ArrayList<>(pass.active);
    if (pass.indexed) {
      rest.sort(ReplicaSetController.DELETE_FIRST.reversed());
      Set<Integer> kept = new HashSet<>();
      List<Resource> valid = new ArrayList<>();
      for (Resource pod : rest) {
        int index = JobIndexes.of(pod);
        if (index < 0 || index >= pass.completions || !kept.add(index)) {
          out.add(pod);
        } else {
          valid.add(pod);
        }
      }
      rest = valid;
    }
    rest.sort(ReplicaSetController.DELETE_FIRST);
    for (Resource pod : rest) {
      if (out.size() >= count) {
        break;
      }
      out.add(pod);
    }
    return out.subList(0, Math.min(Math.min(out.size(), count), MAX_POD_CREATE_DELETE_PER_SYNC));
  }

  /**
   * {@code deleteJobPods}: each pod loses its finalizer first, so that it is never counted as failed, then is
   * deleted.
   */
  private void removeAndDelete(JobSync pass, List<Resource> victims, Runnable then) {
    if (victims.isEmpty()) {
      then.run();
      return;
    }
    expectations.set(pass.key, 0, victims.size());
    int[] pending = {victims.size()};
    for (Resource pod : victims) {
      Runnable finished = () -> {
        if (--pending[0] == 0) {
          then.run();
        }
      };
      Runnable delete = () -> client.delete(pod.key(), DeleteParams.defaults(), response -> {
        events.deleted(pass.job, pod.name(), response);
        if (response.ok()) {
          pass.active.remove(pod);
          pass.terminating++;
        } else {
          expectations.deletionObserved(pass.key);
        }
        finished.run();
      });
      if (hasFinalizer(pod)) {
        tracking.removeFinalizer(pass, pod, ok -> {
          if (ok) {
            delete.run();
          } else {
            expectations.deletionObserved(pass.key);
            finished.run();
          }
        });
      } else {
        delete.run();
      }
    }
  }

  /**
   * {@code firstPendingIndexes}: the lowest indexes neither succeeded, failed nor active (nor terminating, if
   * waited for).
   */
  private static List<Integer> pendingIndexes(JobSync pass, int count) {
    BitSet taken = (BitSet) pass.succeededIndexes.clone();
    taken.or(pass.failedIndexes);
    for (Resource pod : pass.active) {
      int index = JobIndexes.of(pod);
      if (index >= 0) {
        taken.set(index);
      }
    }
    if (pass.onlyReplaceFailed) {
      for (Resource pod : pass.all) {
        if (pod.isBeingDeleted() && !PodConditions.isTerminal(pod) && JobIndexes.of(pod) >= 0) {
          taken.set(JobIndexes.of(pod));
        }
      }
    }
    List<Integer> out = new ArrayList<>();
    for (int i = taken.nextClearBit(0); i < pass.completions && out.size() < count; i = taken.nextClearBit(i + 1)) {
      out.add(i);
    }
    return out;
  }

  /** Creates {@code count} pods in slow-start batches (with {@code indexes}, one per index). */
  private void create(JobSync pass, int count, List<Integer> indexes, Runnable then) {
    expectations.set(pass.key, count, 0);
    List<Resource> created = new ArrayList<>();
    SlowStart.run(count, (i, finished) -> {
      int index = pass.indexed ? indexes.get(i) : -1;
      ObjectNode pod = podFromTemplate(pass.job, index);
      if (pass.perIndex >= 0) {
        failureCounts(pass, pod, pass.delayed.get(index));
      }
      client.send((server, who) -> server.post(who, pod, client.writeOptions()), response -> {
        events.created(pass.job, response);
        if (response.ok()) {
          created.add(response.get());
        } else {
          expectations.creationObserved(pass.key);
        }
        finished.accept(response.ok());
      });
    }, outcome -> {
      if (outcome.skipped() > 0) {
        expectations.lower(pass.key, outcome.skipped(), 0);
      }
      pass.active.addAll(created);
      then.run();
    });
  }

  /**
   * {@code GetPodFromTemplate} with the Job's additions: the tracking finalizer and, for an Indexed Job, the
   * index as annotation and label, the hostname {@code <job>-<index>}, and {@code JOB_COMPLETION_INDEX} in every
   * container's environment.
   */
  static ObjectNode podFromTemplate(Resource job, int index) {
    JsonNode template = job.spec().path("template");
    ObjectNode root = PodTemplates.generatedPod(job, template);
    ObjectNode metadata = (ObjectNode) root.get("metadata");
    metadata.putArray("finalizers").add(TRACKING_FINALIZER);
    ObjectNode spec = template.path("spec").isObject() ? ((ObjectNode) template.path("spec")).deepCopy()
        : Json.object();
    if (index >= 0) {
      String value = Integer.toString(index);
      metadata.put("generateName", JobIndexes.generateName(job.name(), index));
      ObjectNode annotations = metadata.path("annotations").isObject()
          ? ((ObjectNode) metadata.get("annotations")).deepCopy() : Json.object();
      annotations.put(JobIndexes.ANNOTATION, value);
      metadata.set("annotations", annotations);
      PodTemplates.labels(root).put(JobIndexes.ANNOTATION, value);
      spec.put("hostname", job.name() + "-" + value);
      for (String section : new String[] {"initContainers", "containers"}) {
        for (JsonNode container : spec.path(section)) {
          ArrayNode env = Trees.existingArray((ObjectNode) container, "env");
          if (env == null) {
            env = ((ObjectNode) container).putArray("env");
          }
          ObjectNode variable = env.addObject();
          variable.put("name", "JOB_COMPLETION_INDEX");
          variable.putObject("valueFrom").putObject("fieldRef")
              .put("fieldPath", "metadata.labels['" + JobIndexes.ANNOTATION + "']");
        }
      }
    }
    root.set("spec", spec);
    return root;
  }

  /**
   * {@code addIndexFailureCountAnnotation} with {@code getNewIndexFailureCounts}: the failures of the index
   * before this pod, the {@code replaced} pod's and its own (counted, or ignored by the pod failure policy);
   * both start again at 0 when no failed pod was kept.
   */
  private static void failureCounts(JobSync pass, ObjectNode pod, @Nullable Resource replaced) {
    int failures = 0;
    int ignored = 0;
    if (replaced != null) {
      failures = JobIndexes.failureCount(replaced);
      ignored = JobIndexes.ignoredFailureCount(replaced);
      JsonNode policy = pass.spec().path("podFailurePolicy");
      JobFailures.Match match = policy.isObject() ? JobFailures.match(policy, replaced) : null;
      if (match != null && match.action() == JobFailures.Action.IGNORE) {
        ignored++;
      } else {
        failures++;
      }
    }
    ObjectNode annotations = (ObjectNode) pod.path("metadata").path("annotations");
    annotations.put(JobIndexes.FAILURE_COUNT, Integer.toString(failures));
    if (ignored > 0) {
      annotations.put(JobIndexes.IGNORED_FAILURE_COUNT, Integer.toString(ignored));
    }
  }

  /** A finished Job's pods that still carry the finalizer lose it, as orphans do. */
  private void releaseFinishedPods(Resource job, SyncQueue.Done done) {
    for (Resource pod : pods.ownedBy(job.uid() == null ? "" : job.uid())) {
      releaseIfOrphan(pod);
    }
    done.done(null);
  }

  static boolean suspended(Resource job) {
    return job.spec().path("suspend").asBoolean(false);
  }

  private Instant now() {
    return ctx.clock().now();
  }

  private String timestamp(Instant at) {
    return ctx.timestamps().seconds(at);
  }
}
