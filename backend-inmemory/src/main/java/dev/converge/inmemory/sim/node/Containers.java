package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.core.time.ScheduledTask;
import dev.converge.inmemory.sim.node.PodRun.Waiting;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A pod's regular containers, once its init containers are done, as the kubelet runs each of them ({@code
 * kuberuntime_manager.go} {@code SyncPod}, {@code prober/worker.go}): their images pulled, then each created and
 * started; its startup probe, then its readiness probe, passing after their initial delays ({@link ProbeTimes}); its
 * exits ({@link ContainerExit}), after which the pod's restart policy decides whether the kubelet starts it again,
 * after its own crash back-off (10 s doubling to 5 min), or leaves it terminated. The pod ends once every container
 * has stopped for good.
 *
 * <p>Each container goes its own way: one whose environment names a missing Secret waits in {@code
 * CreateContainerConfigError}, tried again on the pod worker's back-off, one whose image the registry lacks in
 * {@code ErrImagePull}, one that crashes in {@code CrashLoopBackOff}, while the others run. The pod is Pending while
 * a container has never run ({@code getPhase}), and Ready only when every container is.
 *
 * <p>One simplification: the containers are started together once all their images are on the node, where {@code
 * SyncPod} pulls and starts them one after the other; the pulls are serialized on the node's puller either way, so
 * the last container starts when it would.
 */
final class Containers {
  private final Kubelet kubelet;
  private final PodLifecycle lifecycle;

  Containers(Kubelet kubelet, PodLifecycle lifecycle) {
    this.kubelet = kubelet;
    this.lifecycle = lifecycle;
  }

  /**
   * When a container's probes first pass after each start ({@code prober/worker.go}): its startup probe after its
   * {@code initialDelaySeconds} and a part of its period (where the worker's ticks fall), then its readiness probe
   * the same way, but not before the startup probe passed (the kubelet probes readiness at once then), and {@code
   * successThreshold} periods in all. Without a startup probe the container is started when it runs; without a
   * readiness probe it is ready once started. A simulated probe passes unless a pod annotation says otherwise
   * ({@link StartupFailure}, {@link LivenessFailure}, {@link ReadinessFlap}).
   *
   * @param readinessTickNanos the readiness probe's first tick, or -1 without one
   * @param readinessExtraNanos the periods its further successes take ({@code successThreshold} - 1)
   */
  record ProbeTimes(long startedAfterNanos, long readyAfterNanos, long readinessTickNanos, long readinessExtraNanos) {
    static final ProbeTimes NONE = new ProbeTimes(0, 0, -1, 0);

    /** Draws one container's times: its readiness probe's tick, then its startup probe's. */
    static ProbeTimes of(JsonNode container, SplittableRandom random) {
      JsonNode readiness = container.path("readinessProbe");
      JsonNode startup = container.path("startupProbe");
      if (!readiness.isObject() && !startup.isObject()) {
        return NONE;
      }
      long ready = readiness.isObject()
          ? Probes.initialNanos(readiness) + random.nextLong(Probes.periodNanos(readiness)) : -1;
      long started = startup.isObject()
          ? Probes.initialNanos(startup) + random.nextLong(Probes.periodNanos(startup)) : 0;
      long extra = readiness.isObject()
          ? (Probes.successThreshold(readiness) - 1) * Probes.periodNanos(readiness) : 0;
      return new ProbeTimes(0, 0, ready, extra).startedAt(started);
    }

    /** These times with the startup probe passing {@code started} after each start (a later pass: a slow start). */
    ProbeTimes startedAt(long started) {
      long ready = readinessTickNanos < 0 ? started : Math.max(readinessTickNanos, started) + readinessExtraNanos;
      return new ProbeTimes(started, ready, readinessTickNanos, readinessExtraNanos);
    }

  }

  /** Pulls the images of the pod's containers, then creates and starts them. */
  void pull(PodRun run) {
    long now = kubelet.ctx().clock().nanoTime();
    long imagesAt = now;
    PodStartup startup = kubelet.config().startup();
    EventRecorder.Ref pod = EventRecorder.Ref.to(run.pod);
    Set<String> pulled = new HashSet<>();
    for (JsonNode spec : run.pod.spec().path("containers")) {
      String image = spec.path("image").asText();
      ContainerRun container = Objects.requireNonNull(run.container(spec.path("name").asText()));
      EventRecorder.Ref ref = pod.at("spec.containers{" + container.name + "}");
      if (!startup.isMissing(image) && !pulled.add(image)) {
        // An earlier container's pull brought it: SyncPod finds it present when this container's turn comes.
        continue;
      }
      if (startup.isMissing(image)) {
        // Not created while its pulls fail; the others are.
        lifecycle.imagePulls().start(run, container.name, ref, image,
            (reason, message) -> container.waiting = new Waiting(reason, message));
        continue;
      }
      imagesAt = Math.max(imagesAt, lifecycle.images().imageReady(image,
          spec.path("imagePullPolicy").asText("IfNotPresent"), startup, now, ref));
    }
    long startAt = imagesAt + startup.containerStart().sampleNanos(kubelet.random());
    lifecycle.schedule(run, startAt, () -> {
      if (run.configError != null) {
        configFailed(run);
      } else {
        create(run, true);
      }
    });
  }

  /**
   * Creates and starts each container whose environment can be built from the kubelet's watches of the Secrets and
   * ConfigMaps it names ({@code makeEnvironmentVariables}); one whose source is missing, or lacks the key, and is
   * not {@code optional}, waits in {@code CreateContainerConfigError} with a {@code Failed} Warning ("Error: secret
   * "s" not found", "Error: couldn't find key k in Secret ns/s") and is tried again after the pod worker's back-off.
   * Each try makes sure of the image first ({@code EnsureImageExists}): a container whose image an earlier one
   * pulled, and every container tried again, gets a {@code Pulled} Event "Container image "x" already present on
   * machine", as {@code SyncPod} records it.
   */
  private void create(PodRun run, boolean first) {
    PodStartup startup = kubelet.config().startup();
    boolean changed = false;
    boolean left = false;
    Set<String> images = new HashSet<>();
    for (ContainerRun container : run.containers) {
      boolean seen = !images.add(container.image);
      if (container.created() || startup.isMissing(container.image)) {
        continue;
      }
      if (seen || !first) {
        kubelet.events().normal(ref(run, container), "Pulled", "Container image \"" + container.image
            + "\" already present on machine");
      }
      String problem = lifecycle.environmentProblem(run.pod, container.name);
      if (problem == null) {
        start(run, container);
        changed = true;
        continue;
      }
      changed |= !container.waiting.equals(new Waiting(Waiting.CONFIG_ERROR, problem));
      container.waiting = new Waiting(Waiting.CONFIG_ERROR, problem);
      kubelet.events().warning(ref(run, container), "Failed", "Error: " + problem);
      left = true;
    }
    if (changed) {
      lifecycle.report(run);
    }
    if (left) {
      int current = kubelet.epoch();
      run.configRetry = kubelet.ctx().clock().schedule(Duration.ofNanos(lifecycle.workerBackoffNanos()), () -> {
        if (current == kubelet.epoch() && lifecycle.isCurrent(run)) {
          run.configRetry = null;
          create(run, false);
        }
      });
    }
  }

  /**
   * A pod whose simulation annotations do not parse is not started: its containers wait in {@code
   * CreateContainerConfigError} with a {@code Failed} Warning, as the kubelet treats a container whose configuration
   * it cannot build.
   */
  private void configFailed(PodRun run) {
    Waiting waiting = new Waiting(Waiting.CONFIG_ERROR, Objects.requireNonNull(run.configError));
    for (ContainerRun container : run.containers) {
      container.waiting = waiting;
      kubelet.events().warning(ref(run, container), "Failed", "Error: " + run.configError);
    }
    lifecycle.report(run);
  }

  /** Starts one container ({@code Created}, {@code Started}); its probes and its exit count from now. */
  private void start(PodRun run, ContainerRun container) {
    EventRecorder.Ref ref = ref(run, container);
    kubelet.events().normal(ref, "Created", "Created container: " + container.name);
    kubelet.events().normal(ref, "Started", "Started container " + container.name);
    container.start(kubelet.now());
    long now = kubelet.ctx().clock().nanoTime();
    StartupFailure startup = container.startup;
    if (startup != null) {
      container.startupCheck = at(run, now + startup.firstFailureNanos(), () -> startupFailed(run, container, 1));
    }
    if (startup != null && startup.kills()) {
      // Never started: the last failing probe kills it first.
    } else if (!container.started) {
      container.probe = at(run, now + container.startedAfterNanos, () -> {
        container.started = true;
        container.ready = container.readyAfterNanos <= container.startedAfterNanos;
        if (!container.ready) {
          container.probe = at(run, now + container.readyAfterNanos, () -> becameReady(run, container));
        } else {
          flap(run, container);
        }
        lifecycle.report(run);
      });
    } else if (!container.ready) {
      container.probe = at(run, now + container.readyAfterNanos, () -> becameReady(run, container));
    } else {
      flap(run, container);
    }
    scheduleEnd(run, container);
  }

  /**
   * The container became ready: if its readiness flaps ({@link ReadinessFlap}), its probe starts failing once the
   * up time has passed.
   */
  private void flap(PodRun run, ContainerRun container) {
    ReadinessFlap flap = container.flap;
    if (flap == null) {
      return;
    }
    long failingFrom = kubelet.ctx().clock().nanoTime() + flap.upNanos();
    long until = failingFrom + flap.downNanos();
    container.flapCheck = at(run, failingFrom, () -> readinessFailed(run, container, 1, until));
  }

  /**
   * The {@code failures}-th failing readiness probe in a row: an {@code Unhealthy} Warning; not ready at the
   * threshold; probed again a period later while the failure lasts ({@code until}), then ready again after the
   * success threshold's probes.
   */
  private void readinessFailed(PodRun run, ContainerRun container, int failures, long until) {
    ReadinessFlap flap = Objects.requireNonNull(container.flap);
    kubelet.events().warning(ref(run, container), "Unhealthy", flap.message());
    if (failures == flap.failureThreshold() && container.ready) {
      container.ready = false;
      lifecycle.report(run);
    }
    long next = kubelet.ctx().clock().nanoTime() + flap.periodNanos();
    if (next < until) {
      container.flapCheck = at(run, next, () -> readinessFailed(run, container, failures + 1, until));
      return;
    }
    container.flapCheck = at(run, next + (flap.successThreshold() - 1) * flap.periodNanos(), () -> {
      container.flapCheck = null;
      if (!container.ready) {
        container.ready = true;
        lifecycle.report(run);
      }
      flap(run, container);
    });
  }

  /**
   * The {@code failures}-th failing startup probe in a row after a start ({@link StartupFailure}): an {@code
   * Unhealthy} Warning; the next a period later while the application is still starting; at the failure threshold
   * the kill ("Container c failed startup probe, will be restarted").
   */
  private void startupFailed(PodRun run, ContainerRun container, int failures) {
    StartupFailure startup = Objects.requireNonNull(container.startup);
    container.startupCheck = null;
    kubelet.events().warning(ref(run, container), "Unhealthy", startup.message());
    if (failures < startup.failures()) {
      long next = kubelet.ctx().clock().nanoTime() + startup.periodNanos();
      container.startupCheck = at(run, next, () -> startupFailed(run, container, failures + 1));
    } else if (startup.kills()) {
      kill(run, container, "startup");
    }
  }

  /**
   * The {@code failures}-th failing liveness probe in a row ({@link LivenessFailure}): an {@code Unhealthy} Warning,
   * and at the threshold the kill ("Container c failed liveness probe, will be restarted"), the container stopped
   * within its pod's grace period (exit code 143) and then restarted, or not, as after an exit.
   */
  private void livenessFailed(PodRun run, ContainerRun container, int failures) {
    LivenessFailure liveness = Objects.requireNonNull(container.liveness);
    EventRecorder.Ref ref = ref(run, container);
    kubelet.events().warning(ref, "Unhealthy", liveness.message());
    long now = kubelet.ctx().clock().nanoTime();
    if (failures < liveness.failureThreshold()) {
      long next = now + liveness.periodNanos();
      container.livenessCheck = at(run, next, () -> livenessFailed(run, container, failures + 1));
      return;
    }
    kill(run, container, "liveness");
  }

  /**
   * The kubelet kills a container whose {@code probe} failed its threshold ("Container c failed liveness probe, will
   * be restarted"): it stops within its pod's grace period (exit code 143), then is restarted, or not, as after an
   * exit.
   */
  private void kill(PodRun run, ContainerRun container, String probe) {
    kubelet.events().normal(ref(run, container), "Killing", "Container " + container.name
        + " failed " + probe + " probe, will be restarted");
    if (container.task != null) {
      container.task.cancel();
      container.task = null;
    }
    long now = kubelet.ctx().clock().nanoTime();
    long grace = run.pod.spec().path("terminationGracePeriodSeconds").asLong(30) * 1_000_000_000L;
    long stop = Math.min(grace, kubelet.config().startup().stop().sampleNanos(kubelet.random()));
    container.livenessCheck = at(run, now + stop, () -> {
      container.livenessCheck = null;
      exited(run, container, PodLifecycle.SIGTERM_EXIT);
    });
  }

  /**
   * A restarted kubelet took the running containers over: each exits, and its liveness probe fails, as they would
   * after a start now.
   */
  void scheduleExits(PodRun run) {
    for (ContainerRun container : run.containers) {
      scheduleEnd(run, container);
    }
  }

  /** Schedules how {@code container}, started now, ends: its exit, and its liveness probe's failure. */
  private void scheduleEnd(PodRun run, ContainerRun container) {
    long now = kubelet.ctx().clock().nanoTime();
    if (container.exit != null) {
      container.task = at(run, now + container.exit.after().toNanos(), () -> exited(run, container));
    }
    LivenessFailure liveness = container.liveness;
    // Liveness is probed once the startup probe passed: never, in a start its failing startup probe ends.
    if (liveness != null && (container.started || container.startup == null || !container.startup.kills())) {
      container.livenessCheck = at(run, now + liveness.firstFailureNanos(), () -> livenessFailed(run, container, 1));
    }
  }

  private void becameReady(PodRun run, ContainerRun container) {
    container.probe = null;
    container.ready = true;
    lifecycle.report(run);
    flap(run, container);
  }

  /**
   * The container exited ({@link ContainerExit}): the pod's restart policy says whether it is started again after
   * its crash back-off ({@code CrashLoopBackOff}, a {@code BackOff} Warning) or stays terminated; once every
   * container has stopped for good the pod ends Succeeded or Failed, and its sidecars are stopped.
   */
  private void exited(PodRun run, ContainerRun container) {
    container.task = null;
    exited(run, container, Objects.requireNonNull(container.exit).code());
  }

  private void exited(PodRun run, ContainerRun container, int code) {
    if (container.livenessCheck != null) {
      container.livenessCheck.cancel();
      container.livenessCheck = null;
    }
    if (container.startupCheck != null) {
      container.startupCheck.cancel();
      container.startupCheck = null;
    }
    kubelet.ctx().event("kubelet/" + kubelet.name(), code == 0 ? "exit" : "crash",
        "pods/" + run.pod.namespace() + "/" + run.pod.name());
    if (ContainerExit.endsPod(run.pod, code)) {
      container.exited(kubelet.now(), code, null);
      if (run.allTerminated()) {
        String phase = run.phase();
        InitContainers.stopRunning(run, kubelet.now(), PodLifecycle.SIGTERM_EXIT);
        run.finish(kubelet.now());
        run.terminalPhase = phase;
      }
      lifecycle.report(run);
      return;
    }
    long backoff = kubelet.config().startup().backoffNanos(container.restarts + 1);
    container.exited(kubelet.now(), code, backOff(run, container.name, backoff));
    lifecycle.report(run);
    EventRecorder.Ref ref = ref(run, container);
    kubelet.events().warning(ref, "BackOff", "Back-off restarting failed container " + container.name + " in pod "
        + run.describe());
    long restartAt = kubelet.ctx().clock().nanoTime() + backoff
        + kubelet.config().startup().containerStart().sampleNanos(kubelet.random());
    container.task = at(run, restartAt, () -> {
      container.task = null;
      kubelet.events().normal(ref, "Pulled", "Container image \"" + container.image + "\" already present on machine");
      start(run, container);
      lifecycle.report(run);
    });
  }

  /**
   * How a crashed container of {@code run} waits to restart ({@code kuberuntime_manager.go} {@code doBackOff}):
   * {@code CrashLoopBackOff}, "back-off 10s restarting failed container=c pod=p_ns(uid)".
   */
  static Waiting backOff(PodRun run, String container, long backoffNanos) {
    return new Waiting("CrashLoopBackOff", "back-off " + Duration.ofNanos(backoffNanos).toSeconds()
        + "s restarting failed container=" + container + " pod=" + run.describe());
  }

  /** Records {@code reason} and {@code message} about each container that is running. */
  void eachRunning(PodRun run, String reason, String message) {
    for (ContainerRun container : run.containers) {
      if (container.running) {
        kubelet.events().normal(ref(run, container), reason, message + container.name);
      }
    }
  }

  static EventRecorder.Ref ref(PodRun run, ContainerRun container) {
    return EventRecorder.Ref.to(run.pod).container(container.name);
  }

  /** A step of one container, dropped if the kubelet restarted or the pod stopped meanwhile. */
  private ScheduledTask at(PodRun run, long at, Runnable step) {
    int current = kubelet.epoch();
    return kubelet.ctx().clock().scheduleAt(at, () -> {
      if (current == kubelet.epoch() && lifecycle.isCurrent(run)) {
        step.run();
      }
    });
  }
}
