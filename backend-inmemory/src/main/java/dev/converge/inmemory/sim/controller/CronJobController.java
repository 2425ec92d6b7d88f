package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.OwnerReference;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.batch.CronSchedule;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.SyncQueue;
import dev.converge.inmemory.sim.runtime.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The CronJob controller of Kubernetes 1.32 ({@code pkg/controller/cronjob/cronjob_controllerv2.go} and {@code
 * utils.go}): at each time of its schedule (five cron fields, in {@code spec.timeZone} or UTC) a CronJob creates
 * the Job {@code <name>-<minutes since the epoch>} from its {@code jobTemplate}, annotated with {@value
 * #SCHEDULED_TIMESTAMP}, and lists it in {@code status.active} with {@code lastScheduleTime}; finished Jobs leave
 * the list ({@code SawCompletedJob}) and set {@code lastSuccessfulTime}; the oldest finished Jobs beyond {@code
 * successfulJobsHistoryLimit} and {@code failedJobsHistoryLimit} are deleted. {@code concurrencyPolicy} Forbid
 * skips a time while a Job runs, Replace deletes the running ones first; a time missed by more than {@code
 * startingDeadlineSeconds} is skipped ({@code MissSchedule}); a suspended CronJob starts nothing. After each sync
 * the CronJob is queued again for its next time plus 100 ms.
 */
public final class CronJobController {
  static final GroupKind CRON_JOB = GroupKind.of("batch", "CronJob");
  /** {@code batchv1.CronJobScheduledTimestampAnnotation}: the Job's scheduled time, RFC 3339 in the zone. */
  public static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
  /** {@code nextScheduleDelta}: a CronJob is synced this long after its next time. */
  static final Duration NEXT_SCHEDULE_DELTA = Duration.ofMillis(100);
  /** {@code --concurrent-cron-job-syncs} default. */
  static final int WORKERS = 5;
  /** Go's {@code time.RFC1123Z}, as the MissSchedule Event prints the time. */
  private static final DateTimeFormatter RFC1123Z =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private final SimContext ctx;
  private final SimClient client;
  private final Informer cronJobs;
  private final Informer jobs;
  private final EventRecorder events;
  private final SyncQueue<String> queue;

  public CronJobController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.ctx = ctx;
    this.client = client;
    this.jobs = informers.of(JobController.JOB);
    this.cronJobs = informers.of(CRON_JOB);
    this.events = new EventRecorder(client, "cronjob-controller", "");
    this.queue = new SyncQueue<>(ctx.clock(), WORKERS, this::sync);
    cronJobs.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource cronJob) {
        queue.add(PodOwnerEvents.key(cronJob));
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        updated(old, current);
      }

      @Override
      public void onDelete(Resource last) {
        queue.add(PodOwnerEvents.key(last));
      }
    });
    jobs.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource job) {
        enqueueOwner(job);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        if (!Objects.equals(old.resourceVersion(), current.resourceVersion())) {
          OwnerReference before = PodConditions.controllerOf(old);
          if (before != null && !before.equals(PodConditions.controllerOf(current))) {
            enqueueOwner(old);
          }
          enqueueOwner(current);
        }
      }

      @Override
      public void onDelete(Resource last) {
        enqueueOwner(last);
      }
    });
  }

  public long syncs() {
    return queue.syncs();
  }

  public boolean isIdle() {
    return queue.isIdle();
  }

  /**
   * {@code updateCronJob}: a new schedule or time zone queues the CronJob for its next time, any other change at
   * once.
   */
  private void updated(Resource old, Resource current) {
    JsonNode before = old.spec();
    JsonNode after = current.spec();
    if (before.path("schedule").equals(after.path("schedule")) && before.path("timeZone").equals(after.path("timeZone"))) {
      queue.add(PodOwnerEvents.key(current));
      return;
    }
    CronSchedule schedule;
    ZoneId zone;
    try {
      zone = CronSchedule.zone(timeZone(current));
      schedule = CronSchedule.parse(after.path("schedule").asText(""));
    } catch (IllegalArgumentException e) {
      events.warning(current, "UnParseableCronJobSchedule", "unparseable schedule for cronjob: "
          + after.path("schedule").asText(""));
      return;
    }
    queue.addAfter(PodOwnerEvents.key(current), nextDuration(current, Status.of(current), schedule, zone));
  }

  /** {@code addJob}/{@code updateJob}/{@code deleteJob}: the controlling CronJob, if it is the one named, is queued. */
  private void enqueueOwner(Resource job) {
    OwnerReference ref = PodConditions.controllerOf(job);
    if (ref == null || !ref.kind().equals(CRON_JOB.kind())) {
      return;
    }
    Resource cronJob = cronJobs.get(job.namespace(), ref.name());
    if (cronJob != null && ref.uid().equals(cronJob.uid())) {
      queue.add(PodOwnerEvents.key(cronJob));
    }
  }

  private static @Nullable String timeZone(Resource cronJob) {
    JsonNode zone = cronJob.spec().path("timeZone");
    return zone.isTextual() ? zone.asText() : null;
  }

  /** The status this sync writes: {@code active}, {@code lastScheduleTime}, {@code lastSuccessfulTime}. */
  private static final class Status {
    final ObjectNode root;
    final List<JsonNode> active = new ArrayList<>();
    @Nullable Instant lastScheduleTime;
    @Nullable Instant lastSuccessfulTime;
    final Instant created;
    boolean changed;

    private Status(Resource cronJob) {
      this.root = Trees.shallowCopy(cronJob.json());
      JsonNode status = cronJob.status();
      status.path("active").forEach(active::add);
      this.lastScheduleTime = instant(status.path("lastScheduleTime"));
      this.lastSuccessfulTime = instant(status.path("lastSuccessfulTime"));
      this.created = Objects.requireNonNullElse(instant(cronJob.metadata().path("creationTimestamp")), Instant.EPOCH);
    }

    static Status of(Resource cronJob) {
      return new Status(cronJob);
    }

    boolean inActive(@Nullable String uid) {
      for (JsonNode ref : active) {
        if (ref.path("uid").asText().equals(uid)) {
          return true;
        }
      }
      return false;
    }

    boolean inActiveByName(String name) {
      for (JsonNode ref : active) {
        if (ref.path("name").asText().equals(name)) {
          return true;
        }
      }
      return false;
    }

    void removeFromActive(@Nullable String uid) {
      active.removeIf(ref -> ref.path("uid").asText().equals(uid));
    }

    /** The CronJob with this status, for the status update. */
    Resource written(Timestamps timestamps) {
      ObjectNode status = Trees.object(root, "status");
      if (active.isEmpty()) {
        status.remove("active");
      } else {
        ArrayNode refs = status.putArray("active");
        active.forEach(refs::add);
      }
      if (lastScheduleTime != null) {
        status.put("lastScheduleTime", timestamps.seconds(lastScheduleTime));
      }
      if (lastSuccessfulTime != null) {
        status.put("lastSuccessfulTime", timestamps.seconds(lastSuccessfulTime));
      }
      return Resource.of(root);
    }

    private static @Nullable Instant instant(JsonNode node) {
      return node.isTextual() ? Timestamps.parse(node.asText()) : null;
    }
  }

  /** A step of the sync that answers later: the requeue delay (or null) and the error (or null). */
  @FunctionalInterface
  private interface Outcome {
    void done(@Nullable Duration requeueAfter, @Nullable Throwable error);
  }

  /** {@code sync}: clean up finished Jobs, reconcile, write the status if it changed, queue the next time. */
  private void sync(String key, SyncQueue.Done done) {
    int slash = key.indexOf('/');
    Resource cronJob = cronJobs.get(key.substring(0, slash), key.substring(slash + 1));
    if (cronJob == null) {
      done.done(null);
      return;
    }
    List<Resource> children = children(cronJob);
    Status status = Status.of(cronJob);
    cleanupFinishedJobs(cronJob, children, status, () -> reconcile(cronJob, children, status, (requeue, error) -> {
      Runnable finish = () -> {
        if (requeue != null) {
          queue.addAfter(key, requeue.isNegative() ? Duration.ZERO : requeue);
          done.done(null);
        } else {
          done.done(error);
        }
      };
      if (!status.changed) {
        finish.run();
        return;
      }
      client.updateStatus(status.written(ctx.timestamps()), response -> {
        if (response.ok()) {
          finish.run();
        } else {
          done.done(response.error());
        }
      });
    }));
  }

  /** {@code getJobsToBeReconciled}: the Jobs of the namespace whose controller reference names the CronJob. */
  private List<Resource> children(Resource cronJob) {
    List<Resource> out = new ArrayList<>();
    for (Resource job : jobs.items().values()) {
      OwnerReference ref = PodConditions.controllerOf(job);
      if (ref != null && job.namespace().equals(cronJob.namespace()) && ref.name().equals(cronJob.name())) {
        out.add(job);
      }
    }
    out.sort(Comparator.comparing(Resource::name));
    return out;
  }

  // ------------------------------------------------------------------------------------- cleanupFinishedJobs

  /** {@code cleanupFinishedJobs}: the oldest finished Jobs beyond each history limit are deleted. */
  private void cleanupFinishedJobs(Resource cronJob, List<Resource> children, Status status, Runnable then) {
    JsonNode spec = cronJob.spec();
    List<Resource> victims = new ArrayList<>();
    for (String[] limit : new String[][] {{"successfulJobsHistoryLimit", "Complete"}, {"failedJobsHistoryLimit", "Failed"}}) {
      if (!spec.path(limit[0]).isNumber()) {
        continue;
      }
      List<Resource> finished = new ArrayList<>();
      for (Resource job : children) {
        if (limit[1].equals(JobConditions.finished(job))) {
          finished.add(job);
        }
      }
      int excess = finished.size() - spec.path(limit[0]).asInt();
      if (excess > 0) {
        finished.sort(BY_START_TIME);
        victims.addAll(finished.subList(0, excess));
      }
    }
    deleteEach(cronJob, victims.iterator(), status, ok -> then.run());
  }

  /** {@code byJobStartTime}: started before not started, earlier first, then by name. */
  private static final Comparator<Resource> BY_START_TIME = Comparator
      .comparing((Resource job) -> !job.status().path("startTime").isTextual())
      .thenComparing(job -> job.status().path("startTime").isTextual()
          ? Timestamps.parse(job.status().path("startTime").asText()) : Instant.MAX)
      .thenComparing(Resource::name);

  /** Deletes the Jobs one after another ({@code deleteJob}); {@code then} learns whether all went. */
  private void deleteEach(Resource cronJob, Iterator<Resource> jobs, Status status, Consumer<Boolean> then) {
    if (!jobs.hasNext()) {
      then.accept(true);
      return;
    }
    Resource job = jobs.next();
    deleteJob(cronJob, job, status, ok -> deleteEach(cronJob, jobs, status, rest -> then.accept(ok && rest)));
  }

  /** {@code deleteJob}: a background delete; the Job leaves the active list. */
  private void deleteJob(Resource cronJob, Resource job, Status status, Consumer<Boolean> then) {
    client.delete(job.key(), DeleteParams.of(Propagation.BACKGROUND), response -> {
      if (!response.ok()) {
        events.warning(cronJob, "FailedDelete", "Deleted job: " + message(response.error()));
        then.accept(false);
        return;
      }
      status.removeFromActive(job.uid());
      status.changed = true;
      events.normal(cronJob, "SuccessfulDelete", "Deleted job " + job.name());
      then.accept(true);
    });
  }

  // --------------------------------------------------------------------------------------------- syncCronJob

  /** {@code syncCronJob}, from the children's states to the creation of the Job of the time due. */
  private void reconcile(Resource cronJob, List<Resource> children, Status status, Outcome outcome) {
    reconcileChildren(cronJob, children.iterator(), status, error -> {
      if (error != null) {
        outcome.done(null, error);
        return;
      }
      List<JsonNode> missing = new ArrayList<>();
      for (JsonNode ref : status.active) {
        String uid = ref.path("uid").asText();
        if (children.stream().noneMatch(job -> uid.equals(job.uid()))) {
          missing.add(ref);
        }
      }
      checkMissing(cronJob, missing.iterator(), status, missingError -> {
        if (missingError != null) {
          outcome.done(null, missingError);
        } else {
          schedule(cronJob, status, outcome);
        }
      });
    });
  }

  /**
   * Each child: an unfinished Job not listed as active is unexpected (unless a fresh read of the CronJob lists
   * it); a finished one leaves the list, and a successful one moves {@code lastSuccessfulTime}.
   */
  private void reconcileChildren(Resource cronJob, Iterator<Resource> children, Status status,
      Consumer<@Nullable Throwable> then) {
    while (children.hasNext()) {
      Resource job = children.next();
      boolean found = status.inActive(job.uid());
      String finished = JobConditions.finished(job);
      if (!found && finished == null) {
        client.get(cronJob.key(), response -> {
          if (!response.ok()) {
            then.accept(response.error());
            return;
          }
          Status fresh = Status.of(response.get());
          if (fresh.inActive(job.uid())) {
            status.active.clear();
            status.active.addAll(fresh.active);
            status.lastScheduleTime = fresh.lastScheduleTime;
            status.lastSuccessfulTime = fresh.lastSuccessfulTime;
          } else {
            events.warning(cronJob, "UnexpectedJob", "Saw a job that the controller did not create or forgot: "
                + job.name());
          }
          reconcileChildren(cronJob, children, status, then);
        });
        return;
      }
      if (finished != null) {
        if (found) {
          status.removeFromActive(job.uid());
          events.normal(cronJob, "SawCompletedJob", "Saw completed job: " + job.name() + ", condition: " + finished);
          status.changed = true;
        }
        JsonNode completion = job.status().path("completionTime");
        if (finished.equals("Complete") && completion.isTextual()) {
          Instant at = Timestamps.parse(completion.asText());
          if (status.lastSuccessfulTime == null || at.isAfter(status.lastSuccessfulTime)) {
            status.lastSuccessfulTime = at;
            status.changed = true;
          }
        }
      }
    }
    then.accept(null);
  }

  /** An active Job the informer does not have is read from the server; if gone, it leaves the list. */
  private void checkMissing(Resource cronJob, Iterator<JsonNode> refs, Status status,
      Consumer<@Nullable Throwable> then) {
    if (!refs.hasNext()) {
      then.accept(null);
      return;
    }
    JsonNode ref = refs.next();
    ResourceKey key = ResourceKey.namespaced("batch", "Job", ref.path("namespace").asText(cronJob.namespace()),
        ref.path("name").asText());
    client.get(key, response -> {
      if (response.failedWith(BackendException.NotFound.class)) {
        events.normal(cronJob, "MissingJob", "Active job went missing: " + ref.path("name").asText());
        status.removeFromActive(ref.path("uid").asText());
        status.changed = true;
      } else if (!response.ok()) {
        then.accept(response.error());
        return;
      }
      checkMissing(cronJob, refs, status, then);
    });
  }

  /** From the time zone and schedule to the Job of the time due, if any. */
  private void schedule(Resource cronJob, Status status, Outcome outcome) {
    if (cronJob.isBeingDeleted()) {
      outcome.done(null, null);
      return;
    }
    ZoneId zone;
    try {
      zone = CronSchedule.zone(timeZone(cronJob));
    } catch (IllegalArgumentException e) {
      events.warning(cronJob, "UnknownTimeZone", "invalid timeZone: \"" + timeZone(cronJob) + "\": "
          + e.getMessage());
      outcome.done(null, null);
      return;
    }
    if (cronJob.spec().path("suspend").asBoolean(false)) {
      outcome.done(null, null);
      return;
    }
    String text = cronJob.spec().path("schedule").asText("");
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(text);
    } catch (IllegalArgumentException e) {
      events.warning(cronJob, "UnparseableSchedule", "unparseable schedule: \"" + text + "\" : " + e.getMessage());
      outcome.done(null, null);
      return;
    }
    Instant now = ctx.clock().now();
    Recent recent;
    try {
      recent = mostRecent(status, now, schedule, zone, deadline(cronJob));
    } catch (IllegalStateException e) {
      events.warning(cronJob, "InvalidSchedule", "invalid schedule: " + text + " : " + e.getMessage());
      outcome.done(null, null);
      return;
    }
    if (recent.missed() > 100) {
      events.warning(cronJob, "TooManyMissedTimes",
          "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
    }
    Instant scheduled = recent.time();
    if (scheduled == null || scheduled.isAfter(now)) {
      outcome.done(nextDuration(cronJob, status, schedule, zone), null);
      return;
    }
    Duration deadline = deadline(cronJob);
    if (deadline != null && scheduled.plus(deadline).isBefore(now)) {
      events.warning(cronJob, "MissSchedule", "Missed scheduled time to start a job: "
          + RFC1123Z.format(scheduled.atZone(ZoneId.of("UTC"))));
      outcome.done(nextDuration(cronJob, status, schedule, zone), null);
      return;
    }
    String name = jobName(cronJob, scheduled);
    if (status.inActiveByName(name) || scheduled.equals(status.lastScheduleTime)) {
      outcome.done(nextDuration(cronJob, status, schedule, zone), null);
      return;
    }
    String policy = cronJob.spec().path("concurrencyPolicy").asText("Allow");
    if (policy.equals("Forbid") && !status.active.isEmpty()) {
      events.normal(cronJob, "JobAlreadyActive",
          "Not starting job because prior execution is running and concurrency policy is Forbid");
      outcome.done(nextDuration(cronJob, status, schedule, zone), null);
      return;
    }
    Runnable create = () -> create(cronJob, status, scheduled, zone, name, error -> outcome.done(
        error == null ? nextDuration(cronJob, status, schedule, zone) : null, error));
    if (policy.equals("Replace") && !status.active.isEmpty()) {
      replace(cronJob, new ArrayList<>(status.active).iterator(), status, error -> {
        if (error != null) {
          outcome.done(null, error);
        } else {
          create.run();
        }
      });
      return;
    }
    create.run();
  }

  /** {@code ReplaceConcurrent}: each active Job is read and deleted before the new one is created. */
  private void replace(Resource cronJob, Iterator<JsonNode> active, Status status, Consumer<@Nullable Throwable> then) {
    if (!active.hasNext()) {
      then.accept(null);
      return;
    }
    JsonNode ref = active.next();
    ResourceKey key = ResourceKey.namespaced("batch", "Job", ref.path("namespace").asText(cronJob.namespace()),
        ref.path("name").asText());
    client.get(key, response -> {
      if (!response.ok()) {
        events.warning(cronJob, "FailedGet", "Get job: " + message(response.error()));
        then.accept(response.error());
        return;
      }
      Resource job = response.get();
      deleteJob(cronJob, job, status, ok -> {
        if (ok) {
          replace(cronJob, active, status, then);
        } else {
          then.accept(new IllegalStateException("could not replace job " + job.namespace() + "/" + job.name()));
        }
      });
    });
  }

  /**
   * {@code getJobFromTemplate2} and its creation: the template's labels and annotations, the scheduled time's
   * annotation, the CronJob as controller, the template's spec. A Job of the name that exists already and is the
   * CronJob's is taken as created.
   */
  private void create(Resource cronJob, Status status, Instant scheduled, ZoneId zone, String name,
      Consumer<@Nullable Throwable> then) {
    JsonNode template = cronJob.spec().path("jobTemplate");
    ObjectNode root = Json.object();
    root.put("apiVersion", "batch/v1");
    root.put("kind", "Job");
    ObjectNode metadata = root.putObject("metadata");
    metadata.put("name", name);
    metadata.put("namespace", cronJob.namespace());
    JsonNode labels = template.path("metadata").path("labels");
    if (labels.isObject() && !labels.isEmpty()) {
      metadata.set("labels", labels);
    }
    ObjectNode annotations = metadata.putObject("annotations");
    template.path("metadata").path("annotations").properties().forEach(e -> annotations.set(e.getKey(), e.getValue()));
    annotations.put(SCHEDULED_TIMESTAMP, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(scheduled.atZone(zone))
        .replace("+00:00", "Z"));
    metadata.putArray("ownerReferences").add(Revisions.controllerRef(cronJob));
    root.set("spec", template.path("spec").isObject() ? template.path("spec") : Json.object());
    client.create(Resource.of(root), response -> {
      if (response.ok()) {
        events.normal(cronJob, "SuccessfulCreate", "Created job " + response.get().name());
        started(status, response.get(), scheduled);
        then.accept(null);
        return;
      }
      if (!response.failedWith(BackendException.AlreadyExists.class)) {
        if (!message(response.error()).contains("is being terminated")) {
          events.warning(cronJob, "FailedCreate", "Error creating job: " + message(response.error()));
        }
        then.accept(response.error());
        return;
      }
      client.get(ResourceKey.namespaced("batch", "Job", cronJob.namespace(), name), existing -> {
        if (!existing.ok()) {
          then.accept(existing.error());
          return;
        }
        Resource job = existing.get();
        OwnerReference ref = PodConditions.controllerOf(job);
        if (ref != null && ref.uid().equals(cronJob.uid()) && !status.inActive(job.uid())) {
          started(status, job, scheduled);
        }
        then.accept(null);
      });
    });
  }

  /** The Job goes into the active list (an {@code ObjectReference}) and its time becomes the last scheduled. */
  private static void started(Status status, Resource job, Instant scheduled) {
    ObjectNode ref = Json.object();
    ref.put("kind", "Job");
    ref.put("namespace", job.namespace());
    ref.put("name", job.name());
    ref.put("uid", job.uid());
    ref.put("apiVersion", "batch/v1");
    ref.put("resourceVersion", job.resourceVersion());
    status.active.add(ref);
    status.lastScheduleTime = scheduled;
    status.changed = true;
  }

  /** {@code getJobName}: the CronJob's name and the scheduled time in minutes since the epoch. */
  static String jobName(Resource cronJob, Instant scheduled) {
    return cronJob.name() + "-" + Math.floorDiv(scheduled.getEpochSecond(), 60);
  }

  private static @Nullable Duration deadline(Resource cronJob) {
    JsonNode seconds = cronJob.spec().path("startingDeadlineSeconds");
    return seconds.isNumber() ? Duration.ofSeconds(seconds.asLong()) : null;
  }

  /** The most recent time due, if any, and roughly how many were missed. */
  private record Recent(@Nullable Instant time, long missed) {}

  /**
   * {@code mostRecentScheduleTime}: the latest time of the schedule at or before {@code now} after the last
   * scheduled time (or the creation), no earlier than the starting deadline allows. Many missed times are
   * counted by the interval between the first two, as Kubernetes does, not walked one by one.
   *
   * @throws IllegalStateException if two consecutive times are less than a second apart
   */
  private static Recent mostRecent(Status status, Instant now, CronSchedule schedule, ZoneId zone,
      @Nullable Duration deadline) {
    Instant earliest = status.lastScheduleTime != null ? status.lastScheduleTime : status.created;
    if (deadline != null && now.minus(deadline).isAfter(earliest)) {
      earliest = now.minus(deadline);
    }
    Instant t1 = next(schedule, earliest, zone);
    if (t1 == null || now.isBefore(t1)) {
      return new Recent(null, 0);
    }
    Instant t2 = next(schedule, t1, zone);
    if (t2 == null || now.isBefore(t2)) {
      return new Recent(t1, 0);
    }
    long between = Math.round(Duration.between(t1, t2).toMillis() / 1000.0);
    if (between < 1) {
      throw new IllegalStateException("time difference between two schedules is less than 1 second");
    }
    long elapsed = Duration.between(t1, now).getSeconds();
    long missed = elapsed / between + 1;
    Instant potentialEarliest = t1.plusSeconds((missed - 2) * between);
    Instant latest = null;
    for (Instant t = next(schedule, potentialEarliest, zone); t != null && !t.isAfter(now);
        t = next(schedule, t, zone)) {
      latest = t;
    }
    return new Recent(latest, missed);
  }

  /**
   * {@code nextScheduleTimeDuration}: how long until the schedule's next time after the most recent one (or the
   * last scheduled, or the creation), plus 100 ms.
   */
  private Duration nextDuration(Resource cronJob, Status status, CronSchedule schedule, ZoneId zone) {
    Instant now = ctx.clock().now();
    Instant from;
    try {
      Recent recent = mostRecent(status, now, schedule, zone, null);
      from = recent.time() != null ? recent.time()
          : status.lastScheduleTime != null ? status.lastScheduleTime : status.created;
    } catch (IllegalStateException e) {
      from = now;
    }
    Instant next = next(schedule, from, zone);
    if (next == null) {
      return Duration.ofDays(365);
    }
    return Duration.between(now, next).plus(NEXT_SCHEDULE_DELTA);
  }

  private static @Nullable Instant next(CronSchedule schedule, Instant after, ZoneId zone) {
    ZonedDateTime next = schedule.next(after.atZone(zone));
    return next == null ? null : next.toInstant();
  }

  private static String message(@Nullable Throwable error) {
    return error == null ? "unknown error" : String.valueOf(error.getMessage());
  }
}
