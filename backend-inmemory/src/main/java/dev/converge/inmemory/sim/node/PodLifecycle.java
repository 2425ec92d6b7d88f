package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Pods;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The pods of one kubelet, from the pod watch to their end: a pod bound to the node is reported Pending
 * ({@code ContainerCreating}) at once, runs its init containers one at a time ({@link InitContainers}), and is
 * Running once its images are present (pulled once per node, one pull at a time) and its containers started, and Ready then — or, with a readiness probe, after the probe's initial
 * delay and a first period. Containers exit as {@link ContainerExit} says (a crash loop, a run-to-completion
 * pod's run time, a pod's annotations): the pod then ends Succeeded or Failed if its restart policy says so, or
 * reports {@code CrashLoopBackOff} and restarts after the kubelet's back-off (10 s doubling to 5 min). A pod marked for deletion is stopped within its grace period and then deleted with grace 0 and a
 * uid precondition, as the kubelet's status manager does.
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
  private final ImagePullFailures imagePulls;
  private final NodeImages images;
  private final List<CrashLoop> crashLoops;
  private final Map<String, PodRun> runs = new HashMap<>();
  private int nextIp;

  PodLifecycle(Kubelet kubelet, List<CrashLoop> crashLoops) {
    this.kubelet = kubelet;
    this.initContainers = new InitContainers(kubelet, this);
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
    if (run.task != null) {
      run.task.cancel();
      run.task = null;
    }
    if (run.running) {
      eachCreated(run, (ref, name, container) -> kubelet.events().normal(ref, "Killing", "Stopping container "
          + name));
    }
    run.reason = "DeadlineExceeded";
    run.message = message;
    run.phase = "Failed";
    run.notReady(kubelet.now());
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
    ContainerExit exit = null;
    String configError = null;
    try {
      exit = ContainerExit.of(pod, crashLoops, kubelet.config().startup(), kubelet.random());
      InitContainers.check(pod);
    } catch (IllegalArgumentException e) {
      configError = e.getMessage();
    }
    long probeDelay = -1;
    for (JsonNode container : pod.spec().path("containers")) {
      JsonNode probe = container.path("readinessProbe");
      if (probe.isObject()) {
        long initial = probe.path("initialDelaySeconds").asLong(0) * 1_000_000_000L;
        long period = Math.max(1, probe.path("periodSeconds").asLong(10)) * 1_000_000_000L;
        probeDelay = Math.max(probeDelay, initial + kubelet.random().nextLong(period));
      }
    }
    PodRun run = new PodRun(pod, podIp, hostIp, kubelet.now(), exit, Math.max(probeDelay, 0), probeDelay >= 0);
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
    run.phase = "Running";
    run.running = true;
    run.waitingReason = "";
    run.runningSince = kubelet.now();
    run.restarts = restartCount(run.pod);
    InitContainers.adopt(run, kubelet.now());
    run.sandboxReady(conditionSince(run.pod, "PodReadyToStartContainers", kubelet.now()));
    if (!Pods.isReady(run.pod)) {
      run.ready = true;
      run.readyTransition = kubelet.now();
      report(run);
    } else {
      run.ready = true;
    }
    scheduleExit(run);
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
    long now = kubelet.ctx().clock().nanoTime();
    long imagesAt = now;
    PodStartup startup = kubelet.config().startup();
    EventRecorder.Ref pod = EventRecorder.Ref.to(run.pod);
    for (JsonNode container : run.pod.spec().path("containers")) {
      String image = container.path("image").asText();
      String name = container.path("name").asText();
      EventRecorder.Ref ref = pod.at("spec.containers{" + name + "}");
      if (startup.isMissing(image)) {
        // Not created while its pulls fail; the others are.
        run.notCreated.put(name, new PodRun.Waiting("ContainerCreating", ""));
        imagePulls.start(run, name, ref, image, (reason, message) -> run.notCreated.put(name,
            new PodRun.Waiting(reason, message)));
        continue;
      }
      imagesAt = Math.max(imagesAt, images.imageReady(image, container.path("imagePullPolicy").asText("IfNotPresent"),
          startup, now, ref));
    }
    long startAt = imagesAt + startup.containerStart().sampleNanos(kubelet.random());
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().scheduleAt(startAt, () -> {
      if (current != kubelet.epoch()) {
        return;
      }
      if (run.configError != null) {
        configFailed(run);
      } else {
        create(run);
      }
    });
  }

  /**
   * Creates the containers: their environment is resolved from the kubelet's watches of the Secrets and
   * ConfigMaps it names ({@code makeEnvironmentVariables}). A container whose source is missing, or lacks the key,
   * and is not {@code optional} waits in {@code CreateContainerConfigError} with a {@code Failed} Warning ("Error:
   * secret "s" not found", "Error: couldn't find key k in Secret ns/s") and is tried again after the pod worker's
   * back-off (10 s, plus up to half of it); the others start, as {@code SyncPod} starts each container on its own, and
   * the pod is Running but not Ready until every container runs.
   */
  private void create(PodRun run) {
    run.task = null;
    // Per container, the first source its environment cannot be built from.
    Map<String, String> errors = new LinkedHashMap<>();
    int creatable = 0;
    for (JsonNode container : run.pod.spec().path("containers")) {
      String name = container.path("name").asText();
      if (run.notCreated.containsKey(name)) {
        continue; // its image could not be pulled
      }
      creatable++;
      String problem = environmentProblem(run.pod, name);
      if (problem != null) {
        errors.put(name, problem);
      }
    }
    if (creatable == 0) {
      return;
    }
    if (errors.isEmpty()) {
      started(run);
      return;
    }
    if (errors.size() < creatable) {
      errors.forEach((name, error) -> run.notCreated.put(name, new PodRun.Waiting(PodRun.Waiting.CONFIG_ERROR, error)));
      EventRecorder.Ref ref = EventRecorder.Ref.to(run.pod);
      errors.forEach((name, error) -> kubelet.events().warning(ref.container(name), "Failed", "Error: " + error));
      started(run);
      retryConfig(run);
      return;
    }
    String first = errors.values().iterator().next();
    boolean changed = !"CreateContainerConfigError".equals(run.waitingReason) || !first.equals(run.waitingMessage);
    run.waitingReason = "CreateContainerConfigError";
    run.waitingMessage = first;
    EventRecorder.Ref ref = EventRecorder.Ref.to(run.pod);
    errors.forEach((name, error) -> kubelet.events().warning(ref.container(name), "Failed", "Error: " + error));
    if (changed) {
      report(run);
    }
    long backoff = workerBackoffNanos();
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().schedule(Duration.ofNanos(backoff), () -> {
      if (current == kubelet.epoch() && isCurrent(run)) {
        create(run);
      }
    });
  }

  /**
   * Tries again, after the pod worker's back-off, to create the containers that could not be created while the
   * others run: each that can is created and started; once none is left the pod is Ready (with its others).
   */
  private void retryConfig(PodRun run) {
    int current = kubelet.epoch();
    run.configRetry = kubelet.ctx().clock().schedule(Duration.ofNanos(workerBackoffNanos()), () -> {
      if (current != kubelet.epoch() || !isCurrent(run)) {
        return;
      }
      run.configRetry = null;
      EventRecorder.Ref ref = EventRecorder.Ref.to(run.pod);
      boolean changed = false;
      boolean left = false;
      for (Map.Entry<String, PodRun.Waiting> entry : List.copyOf(run.notCreated.entrySet())) {
        if (!entry.getValue().reason().equals(PodRun.Waiting.CONFIG_ERROR)) {
          continue;
        }
        String name = entry.getKey();
        String problem = environmentProblem(run.pod, name);
        if (problem == null) {
          run.notCreated.remove(name);
          kubelet.events().normal(ref.container(name), "Created", "Created container: " + name);
          kubelet.events().normal(ref.container(name), "Started", "Started container " + name);
          changed = true;
        } else {
          changed |= !problem.equals(entry.getValue().message());
          run.notCreated.put(name, new PodRun.Waiting(PodRun.Waiting.CONFIG_ERROR, problem));
          kubelet.events().warning(ref.container(name), "Failed", "Error: " + problem);
          left = true;
        }
      }
      if (run.podReady() && changed) {
        run.readyTransition = kubelet.now();
      }
      if (changed) {
        report(run);
      }
      if (left) {
        retryConfig(run);
      }
    });
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
    run.phase = "Failed";
    run.notReady(kubelet.now());
    report(run);
  }

  /**
   * A pod whose simulation annotations do not parse is not started: it waits in {@code CreateContainerConfigError}
   * with a {@code Failed} Warning, as the kubelet treats a container whose configuration it cannot build.
   */
  private void configFailed(PodRun run) {
    run.task = null;
    run.waitingReason = "CreateContainerConfigError";
    run.waitingMessage = run.configError;
    eachContainer(run.pod, (ref, name, container) -> kubelet.events().warning(ref, "Failed",
        "Error: " + run.configError));
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

  private void started(PodRun run) {
    run.task = null;
    eachCreated(run, (ref, name, container) -> {
      kubelet.events().normal(ref, "Created", "Created container: " + name);
      kubelet.events().normal(ref, "Started", "Started container " + name);
    });
    run.phase = "Running";
    run.running = true;
    run.waitingReason = "";
    run.runningSince = kubelet.now();
    if (run.hasProbe && run.probeDelayNanos > 0) {
      run.ready = false;
      report(run);
      int current = kubelet.epoch();
      run.task = kubelet.ctx().clock().scheduleAt(kubelet.ctx().clock().nanoTime() + run.probeDelayNanos, () -> {
        if (current == kubelet.epoch()) {
          becameReady(run);
        }
      });
      return;
    }
    run.ready = true;
    if (run.podReady()) {
      run.readyTransition = kubelet.now();
    }
    report(run);
    scheduleExit(run);
  }

  private void becameReady(PodRun run) {
    run.task = null;
    run.ready = true;
    if (run.podReady()) {
      run.readyTransition = kubelet.now();
    }
    report(run);
    scheduleExit(run);
  }

  private void scheduleExit(PodRun run) {
    if (run.exit == null) {
      return;
    }
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().schedule(run.exit.after(), () -> {
      if (current == kubelet.epoch()) {
        exited(run);
      }
    });
  }

  /**
   * The containers exited ({@link ContainerExit}): the pod ends Succeeded or Failed if its restart policy says so,
   * else the kubelet restarts them after its back-off ({@code CrashLoopBackOff}).
   */
  private void exited(PodRun run) {
    run.task = null;
    ContainerExit exit = java.util.Objects.requireNonNull(run.exit);
    kubelet.ctx().event("kubelet/" + kubelet.name(), exit.code() == 0 ? "exit" : "crash",
        "pods/" + run.pod.namespace() + "/" + run.pod.name());
    run.previousExit = run.lastExit;
    run.lastExit = new PodRun.Exit(run.runningSince, kubelet.now(), exit.code());
    run.running = false;
    run.notReady(kubelet.now());
    run.runningSince = null;
    if (exit.endsPod(run.pod)) {
      // Its sidecars are stopped once its containers are done.
      InitContainers.stopRunning(run, kubelet.now(), SIGTERM_EXIT);
      run.finish(kubelet.now());
      run.phase = exit.code() == 0 ? "Succeeded" : "Failed";
      report(run);
      return;
    }
    run.restarts++;
    run.waitingReason = "CrashLoopBackOff";
    report(run);
    eachCreated(run, (ref, name, container) -> kubelet.events().warning(ref, "BackOff",
        "Back-off restarting failed container " + name + " in pod " + run.pod.name() + "_" + run.pod.namespace()
            + "(" + run.uid + ")"));
    long backoff = kubelet.config().startup().backoffNanos(run.restarts);
    long restartAt = kubelet.ctx().clock().nanoTime() + backoff
        + kubelet.config().startup().containerStart().sampleNanos(kubelet.random());
    int current = kubelet.epoch();
    run.task = kubelet.ctx().clock().scheduleAt(restartAt, () -> {
      if (current == kubelet.epoch()) {
        eachCreated(run, (ref, name, container) -> kubelet.events().normal(ref, "Pulled",
            "Container image \"" + container.path("image").asText() + "\" already present on machine"));
        started(run);
      }
    });
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
    if (run.running) {
      eachCreated(run, (ref, name, container) -> kubelet.events().normal(ref, "Killing", "Stopping container "
          + name));
    }
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
    run.previousExit = run.lastExit;
    // Containers that were not running (still pulling, or waiting out a crash loop's backoff) are not found
    // terminated: the status manager's TerminatePod reports them ContainerStatusUnknown.
    run.lastExit = run.running ? new PodRun.Exit(run.runningSince, kubelet.now(), SIGTERM_EXIT) : PodRun.Exit.NOT_LOCATED;
    InitContainers.stopped(run, kubelet.now(), SIGTERM_EXIT);
    run.running = false;
    run.ready = false;
    run.runningSince = null;
    run.finish(kubelet.now());
    run.phase = "Failed";
    report(run);
  }

  /** What is recorded about one container: its reference ({@code spec.containers{name}}), name and spec. */
  @FunctionalInterface
  private interface ContainerEvent {
    void record(EventRecorder.Ref ref, String name, JsonNode container);
  }

  /** Records {@code event} about each of {@code run}'s containers that were created (all but its configuration errors). */
  private static void eachCreated(PodRun run, ContainerEvent event) {
    eachContainer(run.pod, (ref, name, container) -> {
      if (!run.notCreated.containsKey(name)) {
        event.record(ref, name, container);
      }
    });
  }

  /** Records {@code event} about each of {@code pod}'s containers. */
  private static void eachContainer(Resource pod, ContainerEvent event) {
    EventRecorder.Ref ref = EventRecorder.Ref.to(pod);
    for (JsonNode container : pod.spec().path("containers")) {
      String name = container.path("name").asText();
      event.record(ref.container(name), name, container);
    }
  }

  void report(PodRun run) {
    kubelet.client().mergePatchStatus(run.pod.key(), run.statusPatch(), null);
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

  private static int restartCount(Resource pod) {
    int max = 0;
    for (JsonNode status : pod.status().path("containerStatuses")) {
      max = Math.max(max, status.path("restartCount").asInt(0));
    }
    return max;
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
