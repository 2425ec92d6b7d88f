package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.PodSources;
import dev.converge.inmemory.server.Pods;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The pods of one kubelet, from the pod watch to their end: a pod bound to the node is reported Pending
 * ({@code ContainerCreating}) at once, its volumes are set up, it runs its init containers one at a time ({@link
 * InitContainers}), then its containers ({@link Containers}: each started once its image is on the node, ready once
 * its probes pass, restarted or left terminated after it exits as its restart policy says). A pod marked for
 * deletion is stopped within its grace period and then deleted with grace 0 and a uid precondition, as the
 * kubelet's status manager does.
 *
 * <p>The kubelet's Events about each container ({@code kubelet/events/event.go}, with the messages of
 * {@code images/image_manager.go} and {@code kuberuntime_container.go}): {@code Pulling} when it asks for an
 * image and {@code Pulled} when the pull ends ("… in 2.5s (4s including waiting)"; Kubernetes 1.30 added the
 * image's size, which the simulation does not know, so the message stops before it), or {@code Pulled} "already
 * present on machine"; {@code Created} and {@code Started} when the containers start; {@code BackOff} when a
 * crashed container waits to restart; {@code Killing} when it is stopped.
 */
final class PodLifecycle implements Informer.Handler {
  /** 128 + SIGTERM: the exit code of a container stopped by the kubelet. */
  static final int SIGTERM_EXIT = 143;
  /** The operation executor's first retry of a failed mount ({@code initialDurationBeforeRetry}). */
  private static final long MOUNT_RETRY_FIRST_NANOS = 500_000_000L;
  /** Its longest ({@code maxDurationBeforeRetry}: 2m2s). */
  private static final long MOUNT_RETRY_MAX_NANOS = 122_000_000_000L;
  /** The pod worker's back-off after a failed sync ({@code backOffPeriod}), jittered by up to half. */
  private static final long WORKER_BACKOFF_NANOS = 10_000_000_000L;

  private final Kubelet kubelet;
  private final InitContainers initContainers;
  private final Containers containers;
  private final ImagePullFailures imagePulls;
  private final NodeImages images;
  private final List<CrashLoop> crashLoops;
  private final Map<String, PodRun> runs = new HashMap<>();
  private int nextIp;

  PodLifecycle(Kubelet kubelet, List<CrashLoop> crashLoops) {
    this.kubelet = kubelet;
    this.initContainers = new InitContainers(kubelet, this);
    this.containers = new Containers(kubelet, this);
    this.imagePulls = new ImagePullFailures(kubelet, this);
    this.images = new NodeImages(kubelet);
    this.crashLoops = crashLoops;
  }

  int active() {
    int n = 0;
    for (PodRun run : runs.values()) {
      if (!run.terminating) {
        n++;
      }
    }
    return n;
  }

  void stopAll() {
    for (PodRun run : runs.values()) {
      run.cancel();
    }
    runs.clear();
  }

  @Override
  public void onAdd(Resource pod) {
    sync(pod);
  }

  @Override
  public void onUpdate(Resource old, Resource current) {
    sync(current);
  }

  @Override
  public void onDelete(Resource last) {
    PodRun run = runs.remove(uid(last));
    if (run != null) {
      run.cancel();
    }
    kubelet.tokens().forget(uid(last));
  }

  private void sync(Resource pod) {
    if (!kubelet.isRunning()) {
      return;
    }
    String uid = uid(pod);
    PodRun run = runs.get(uid);
    if (run != null) {
      run.pod = pod;
    }
    if (pod.isBeingDeleted()) {
      if (run == null || !run.terminating) {
        terminate(pod, run);
      }
      return;
    }
    String phase = pod.status().path("phase").asText("Pending");
    if (run != null) {
      armDeadline(run);
      // A readiness gate's condition set by its controller: the status manager's next sync reports Ready again.
      if (!pod.spec().path("readinessGates").isEmpty() && isCurrent(run) && run.readyChanged()) {
        report(run);
      }
      return;
    }
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return;
    }
    run = newRun(pod);
    runs.put(uid, run);
    if (phase.equals("Running") && containersStarted(pod)) {
      adopt(run);
    } else {
      begin(run);
    }
    armDeadline(run);
  }

  /**
   * {@code activeDeadlineHandler}: a pod with {@code spec.activeDeadlineSeconds} fails once that long has passed
   * since its {@code status.startTime} (the kubelet checks every second; here it is on the second). A later,
   * shorter deadline (the only change the API server allows) moves the check.
   */
  private void armDeadline(PodRun run) {
    JsonNode seconds = run.pod.spec().path("activeDeadlineSeconds");
    long value = seconds.isIntegralNumber() ? seconds.asLong() : -1;
    if (value == run.deadlineSeconds || run.finished || run.terminating) {
      return;
    }
    run.deadlineSeconds = value;
    if (run.deadline != null) {
      run.deadline.cancel();
      run.deadline = null;
    }
    if (value < 0) {
      return;
    }
    String started = run.pod.status().path("startTime").asText(run.startTime);
    Duration left = Duration.between(kubelet.ctx().clock().now(), Instant.parse(started).plusSeconds(value));
    int current = kubelet.epoch();
    run.deadline = kubelet.ctx().clock().schedule(left.isNegative() ? Duration.ZERO : left, () -> {
      if (current == kubelet.epoch()) {
        run.deadline = null;
        deadlineExceeded(run);
      }
    });
  }

  /**
   * The pod's active deadline passed ({@code ShouldEvict}): a {@code DeadlineExceeded} Event, the pod reported
   * {@code Failed} with reason {@code DeadlineExceeded} and message "Pod was active on the node longer than the
   * specified deadline" at once, its containers stopped within its {@code terminationGracePeriodSeconds} and
   * reported terminated (as {@link #reportStopped} does). The pod is not deleted; its controller decides (a Job counts a failure).
   */
  private void deadlineExceeded(PodRun run) {
    if (run.finished || run.terminating) {
      return;
    }
    String message = "Pod was active on the node longer than the specified deadline";
    kubelet.events().normal(EventRecorder.Ref.to(run.pod), "DeadlineExceeded", message);
    run.cancel();
    containers.eachRunning(run, "Killing", "Stopping container ");
    run.reason = "DeadlineExceeded";
    run.message = message;
    run.terminalPhase = "Failed";
    run.containers.forEach(container -> container.ready = false);
    report(run);
    long grace = run.pod.spec().path("terminationGracePeriodSeconds").asLong(30) * 1_000_000_000L;
    long stop = Math.min(grace, kubelet.config().startup().stop().sampleNanos(kubelet.random()));
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().scheduleAt(kubelet.ctx().clock().nanoTime() + stop, () -> {
      if (current == kubelet.epoch()) {
        run.task = null;
        reportStopped(run);
      }
    });
  }

  private PodRun newRun(Resource pod) {
    SimContext ctx = kubelet.ctx();
    String hostIp = NodeObjects.nodeIp(kubelet.ordinal());
    boolean hostNetwork = pod.spec().path("hostNetwork").asBoolean(false);
    String podIp = hostNetwork ? hostIp : NodeObjects.podIp(kubelet.ordinal(), nextIp++);
    String configError = null;
    List<@Nullable ContainerExit> exits = new ArrayList<>();
    try {
      ContainerExit podWide = ContainerExit.of(pod, crashLoops, kubelet.config().startup(), kubelet.random());
      for (JsonNode container : pod.spec().path("containers")) {
        exits.add(ContainerExit.forContainer(pod, container.path("name").asText(), podWide));
      }
      InitContainers.check(pod);
    } catch (IllegalArgumentException e) {
      configError = e.getMessage();
      exits.clear();
    }
    List<Containers.ProbeTimes> probes = new ArrayList<>();
    List<@Nullable StartupFailure> startups = new ArrayList<>();
    for (JsonNode container : pod.spec().path("containers")) {
      if (exits.size() < probes.size() + 1) {
        exits.add(null);
      }
      Containers.ProbeTimes times = Containers.ProbeTimes.of(container, kubelet.random());
      StartupFailure startup = null;
      if (configError == null) {
        try {
          startup = StartupFailure.of(pod, container, podIp, times.startedAfterNanos());
        } catch (IllegalArgumentException e) {
          configError = e.getMessage();
        }
      }
      startups.add(startup);
      // A slow start moves when the container is started, and so when it can become ready.
      probes.add(startup == null || startup.kills() ? times : times.startedAt(startup.startedAfterNanos()));
    }
    PodRun run = new PodRun(pod, podIp, hostIp, kubelet.now(), exits, probes);
    if (configError == null) {
      try {
        int index = 0;
        for (JsonNode container : pod.spec().path("containers")) {
          run.containers.get(index).startup = startups.get(index);
          run.containers.get(index).liveness = LivenessFailure.of(pod, container, podIp,
              probes.get(index).startedAfterNanos(), kubelet.random());
          run.containers.get(index).flap = ReadinessFlap.of(pod, container, podIp);
          index++;
        }
      } catch (IllegalArgumentException e) {
        configError = e.getMessage();
      }
    }
    run.configError = configError;
    return run;
  }

  /** A pod the kubelet finds already running after a restart: report it Ready again if it is not. */
  private void adopt(PodRun run) {
    // A restarted kubelet sets the running pod's volumes up again, and so asks for its tokens again.
    int current = kubelet.epoch();
    kubelet.tokens().fetch(run.pod, problems -> {
      if (current == kubelet.epoch() && isCurrent(run)) {
        problems.forEach((volume, problem) -> failedMount(run, volume, problem));
        refreshTokens(run);
      }
    });
    String now = kubelet.now();
    JsonNode statuses = run.pod.status().path("containerStatuses");
    for (ContainerRun container : run.containers) {
      // As far as it knows, each container runs, started and ready, since the restart.
      container.restarts = statusOf(statuses, container.name).path("restartCount").asInt(0);
      container.start(now);
      container.started = true;
      container.ready = true;
    }
    InitContainers.adopt(run, now);
    run.sandboxReady(conditionSince(run.pod, "PodReadyToStartContainers", now));
    boolean wasReady = Pods.isReady(run.pod);
    run.reported(wasReady, conditionSince(run.pod, "Ready", now), isTrue(run.pod, "ContainersReady"),
        conditionSince(run.pod, "ContainersReady", now));
    if (!wasReady) {
      report(run);
    }
    containers.scheduleExits(run);
  }

  private void begin(PodRun run) {
    report(run);
    // The volumes are mounted, and the image pull secrets read, from the watches of their objects: wait for the
    // first list of each.
    List<PodSources.Source> needed = new ArrayList<>();
    for (PodSources.Source source : PodSources.of(run.pod)) {
      if (source.use() != PodSources.Use.ENVIRONMENT) {
        needed.add(source);
      }
    }
    int current = kubelet.epoch();
    kubelet.watches().whenSynced(run.pod, needed, () -> {
      if (current == kubelet.epoch() && isCurrent(run)) {
        mount(run, needed, 0);
      }
    });
  }

  /**
   * Schedules {@code step} as {@code run}'s pod-level task at {@code at} (virtual nanoseconds); it is dropped if the
   * kubelet restarted or the pod stopped meanwhile.
   */
  void schedule(PodRun run, long at, Runnable step) {
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().scheduleAt(at, () -> {
      if (current == kubelet.epoch() && isCurrent(run)) {
        run.task = null;
        step.run();
      }
    });
  }

  /** Whether {@code run} is still the one the kubelet runs for its pod, not stopping. */
  boolean isCurrent(PodRun run) {
    return runs.get(uid(run.pod)) == run && !run.terminating && !run.finished;
  }

  /**
   * {@code WaitForAttachAndMount}: the pod's Secret and ConfigMap volumes are set up from the kubelet's watches of
   * them, and its projected service account tokens asked for ({@link KubeletTokens}), before any image is pulled.
   * While one's object is missing or its token refused, the pod stays {@code ContainerCreating} with a {@code
   * FailedMount} Warning ({@code MountVolume.SetUp failed for volume "v" : secret "s" not found}), and the mount is
   * tried again after 500 ms doubling to 2m2s (the operation executor's exponential back-off).
   */
  private void mount(PodRun run, List<PodSources.Source> sources, int failures) {
    int current = kubelet.epoch();
    kubelet.tokens().fetch(run.pod, tokenProblems -> {
      if (current == kubelet.epoch() && isCurrent(run)) {
        mount(run, sources, failures, tokenProblems);
      }
    });
  }

  private void mount(PodRun run, List<PodSources.Source> sources, int failures, Map<String, String> tokenProblems) {
    Set<String> failed = new HashSet<>();
    tokenProblems.forEach((volume, problem) -> {
      failed.add(volume);
      failedMount(run, volume, problem);
    });
    for (PodSources.Source source : sources) {
      String problem = source.use() == PodSources.Use.VOLUME && !failed.contains(source.where())
          ? kubelet.watches().problem(run.pod.namespace(), source) : null;
      if (problem != null) {
        failed.add(source.where());
        failedMount(run, source.where(), problem);
      }
    }
    if (failed.isEmpty()) {
      run.sandboxReady(kubelet.now());
      refreshTokens(run);
      pull(run, sources);
      return;
    }
    long backoff = Math.min(MOUNT_RETRY_FIRST_NANOS << Math.min(failures, 20), MOUNT_RETRY_MAX_NANOS);
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().schedule(Duration.ofNanos(backoff), () -> {
      if (current == kubelet.epoch() && isCurrent(run)) {
        run.task = null;
        mount(run, sources, failures + 1);
      }
    });
  }

  private void failedMount(PodRun run, String volume, String problem) {
    kubelet.events().warning(EventRecorder.Ref.to(run.pod), "FailedMount", "MountVolume.SetUp failed for volume \""
        + volume + "\" : " + problem);
  }

  /**
   * Keeps the pod's service account tokens fresh while it runs here ({@link KubeletTokens#planRefresh}); a refresh
   * that leaves a volume without a valid token is a {@code FailedMount} Warning, as a failed remount is.
   */
  private void refreshTokens(PodRun run) {
    kubelet.tokens().planRefresh(run.pod, () -> isCurrent(run),
        problems -> problems.forEach((volume, problem) -> failedMount(run, volume, problem)));
  }

  /**
   * Pulls the pod's images, then starts its containers. Image pull secrets that do not exist are reported first
   * ({@code getPullSecretsForPod}: a {@code FailedToRetrieveImagePullSecret} Warning), and the pull goes on
   * without them: simulated registries need no credentials.
   */
  private void pull(PodRun run, List<PodSources.Source> sources) {
    List<String> failed = new ArrayList<>();
    for (PodSources.Source source : sources) {
      if (source.use() == PodSources.Use.PULL_SECRET && kubelet.watches().problem(run.pod.namespace(), source) != null) {
        failed.add(source.name());
      }
    }
    if (!failed.isEmpty()) {
      kubelet.events().warning(EventRecorder.Ref.to(run.pod), "FailedToRetrieveImagePullSecret",
          "Unable to retrieve some image pull secrets (" + String.join(", ", failed)
              + "); attempting to pull the image may not succeed.");
    }
    if (run.initializedAt == null && run.configError == null) {
      initContainers.next(run);
      return;
    }
    pullContainers(run);
  }

  /** Pulls the images of the pod's containers, then starts them (once its init containers are done). */
  void pullContainers(PodRun run) {
    containers.pull(run);
  }

  /**
   * The first Secret or ConfigMap (or key) the environment of {@code pod}'s container (or init container) {@code name}
   * names that the kubelet's watches do not have, in the kubelet's words; null when it can be built.
   */
  @Nullable String environmentProblem(Resource pod, String name) {
    for (PodSources.Source source : PodSources.of(pod)) {
      if (source.use() == PodSources.Use.ENVIRONMENT && source.where().equals(name)) {
        String problem = kubelet.watches().problem(pod.namespace(), source);
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  /** The pod worker's back-off after a failed sync: 10 s, plus up to half of it. */
  long workerBackoffNanos() {
    return WORKER_BACKOFF_NANOS + (long) (WORKER_BACKOFF_NANOS * 0.5 * kubelet.random().nextDouble());
  }

  /**
   * An init container failed in a pod that is never restarted ({@code restartPolicy: Never}): the pod is {@code
   * Failed}; its containers never ran and still wait, its sidecars are stopped.
   */
  void initFailed(PodRun run) {
    InitContainers.stopRunning(run, kubelet.now(), SIGTERM_EXIT);
    run.finish(kubelet.now());
    run.terminalPhase = "Failed";
    report(run);
  }

  /** The pulls of images the registry does not have. */
  ImagePullFailures imagePulls() {
    return imagePulls;
  }

  /** The node's images and its puller. */
  NodeImages images() {
    return images;
  }

  /**
   * Stops a pod marked for deletion: its containers get up to the pod's {@code deletionGracePeriodSeconds},
   * then the kubelet deletes it for good (grace 0, uid precondition).
   */
  private void terminate(Resource pod, @Nullable PodRun known) {
    PodRun run = known;
    if (run == null) {
      run = newRun(pod);
      runs.put(uid(pod), run);
    }
    run.cancel();
    run.terminating = true;
    containers.eachRunning(run, "Killing", "Stopping container ");
    for (PodRun.InitRun init : run.inits) {
      if (init.running) {
        kubelet.events().normal(EventRecorder.Ref.to(pod).at("spec.initContainers{" + init.name + "}"), "Killing",
            "Stopping container " + init.name);
      }
    }
    long grace = pod.metadata().path("deletionGracePeriodSeconds").asLong(30) * 1_000_000_000L;
    long stop = Math.min(grace, kubelet.config().startup().stop().sampleNanos(kubelet.random()));
    int current = kubelet.epoch();
    PodRun stopping = run;
    run.task = kubelet.ctx().clock().scheduleAt(kubelet.ctx().clock().nanoTime() + stop, () -> {
      if (current != kubelet.epoch()) {
        return;
      }
      stopping.task = null;
      reportStopped(stopping);
      DeleteParams params = DeleteParams.defaults().withGracePeriod(0).withUid(stopping.uid);
      kubelet.client().delete(stopping.pod.key(), params, response -> {
        if (!response.ok() && !response.failedWith(BackendException.NotFound.class)
            && !response.failedWith(BackendException.Conflict.class)) {
          stopping.terminating = false;
        }
      });
    });
  }

  /**
   * The kubelet reports a stopped pod's terminal phase before its final delete, as kubelets do since Kubernetes
   * 1.27 (the Job docs: "Since the 1.27 version Kubelet transitions deleted pods to a terminal phase"): {@code
   * Failed}, its running containers terminated by the stop signal (exit code 143), the others {@code
   * ContainerStatusUnknown} (exit code 137). One status patch per deleted pod that
   * had not ended already; watchers (a Job's controller, endpoints) see the pod stop before it goes.
   */
  private void reportStopped(PodRun run) {
    if (run.finished) {
      return;
    }
    // Containers that were not running (still pulling, or waiting out a crash loop's backoff) are not found
    // terminated: the status manager's TerminatePod reports them ContainerStatusUnknown.
    for (ContainerRun container : run.containers) {
      container.podStopped(kubelet.now(), SIGTERM_EXIT);
    }
    InitContainers.stopped(run, kubelet.now(), SIGTERM_EXIT);
    run.finish(kubelet.now());
    run.terminalPhase = "Failed";
    report(run);
  }

  void report(PodRun run) {
    kubelet.client().mergePatchStatus(run.pod.key(), run.statusPatch(kubelet.now()), null);
  }

  private static boolean containersStarted(Resource pod) {
    for (JsonNode status : pod.status().path("containerStatuses")) {
      if (status.path("state").has("running")) {
        return true;
      }
    }
    return false;
  }

  /** When {@code pod}'s condition {@code type} became True, as it reports it, or {@code otherwise}. */
  private static String conditionSince(Resource pod, String type, String otherwise) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals(type) && condition.path("status").asText().equals("True")) {
        return condition.path("lastTransitionTime").asText(otherwise);
      }
    }
    return otherwise;
  }

  private static boolean isTrue(Resource pod, String type) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** The status of {@code pod}'s container {@code name}, or a missing node. */
  private static JsonNode statusOf(JsonNode statuses, String name) {
    for (JsonNode status : statuses) {
      if (status.path("name").asText().equals(name)) {
        return status;
      }
    }
    return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
  }

  private static String uid(Resource pod) {
    String uid = pod.uid();
    return uid == null ? pod.name() : uid;
  }

  /** Uids of the pods being run, for diagnostics. */
  List<String> uids() {
    return new ArrayList<>(runs.keySet());
  }
}
