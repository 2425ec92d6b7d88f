package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.node.PodRun.InitRun;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A pod's init containers as the kubelet runs them ({@code kuberuntime_manager.go} {@code computePodActions}, with
 * sidecar containers, on by default since Kubernetes 1.29): one at a time in the spec's order, each image pulled
 * when its container is next; a regular init container must exit 0 before the next one starts; a sidecar ({@code
 * restartPolicy: Always}) only needs to be started, and keeps running beside the pod's containers. Once every one
 * is done the pod is {@code Initialized} and its containers' images are pulled and the containers started. A
 * regular init container that exits non-zero fails the pod when its {@code restartPolicy} is {@code Never}, and is
 * otherwise started again after the crash back-off ({@code CrashLoopBackOff}, which {@code kubectl get pods} shows
 * as {@code Init:CrashLoopBackOff}).
 *
 * <p>How long a regular init container runs, and its exit code: the pod's annotations {@value #RUN_FOR} (a
 * duration) and {@value #EXIT_CODE}, else {@link PodStartup#initRun()} and 0. A sidecar runs until the pod ends.
 */
final class InitContainers {
  /** The pod annotation with how long each of its regular init containers runs (a duration such as {@code 5s}). */
  static final String RUN_FOR = "sim.converge.dev/init-run-for";
  /** The pod annotation with the exit code of its regular init containers (0 to 255). */
  static final String EXIT_CODE = "sim.converge.dev/init-exit-code";

  private final Kubelet kubelet;
  private final PodLifecycle lifecycle;

  InitContainers(Kubelet kubelet, PodLifecycle lifecycle) {
    this.kubelet = kubelet;
    this.lifecycle = lifecycle;
  }

  /**
   * Checks {@code pod}'s init container annotations.
   *
   * @throws IllegalArgumentException naming the annotation, if one does not parse
   */
  static void check(Resource pod) {
    String runFor = pod.annotations().get(RUN_FOR);
    if (runFor != null) {
      runFor(runFor);
    }
    String code = pod.annotations().get(EXIT_CODE);
    if (code != null) {
      exitCode(code);
    }
  }

  /** Runs the first init container that is not done, or starts the pod's containers when none is left. */
  void next(PodRun run) {
    for (int i = 0; i < run.inits.size(); i++) {
      if (!run.inits.get(i).done()) {
        pullAndStart(run, i);
        return;
      }
    }
    run.initializedAt = kubelet.now();
    lifecycle.pullContainers(run);
  }

  private void pullAndStart(PodRun run, int index) {
    JsonNode container = run.pod.spec().path("initContainers").get(index);
    InitRun init = run.inits.get(index);
    EventRecorder.Ref ref = ref(run, init);
    long now = kubelet.ctx().clock().nanoTime();
    PodStartup startup = kubelet.config().startup();
    if (startup.isMissing(init.image)) {
      // The pod goes no further while its pulls fail.
      lifecycle.imagePulls().start(run, "init:" + init.name, ref, init.image, (reason, message) -> {
        init.waitingReason = reason;
        init.waitingMessage = message;
      });
      return;
    }
    long imageAt = lifecycle.images().imageReady(container.path("image").asText(),
        container.path("imagePullPolicy").asText("IfNotPresent"), startup, now, ref);
    long startAt = imageAt + startup.containerStart().sampleNanos(kubelet.random());
    lifecycle.schedule(run, startAt, () -> create(run, index));
  }

  /** Creates the container: its environment must resolve, as a regular container's must ({@link PodLifecycle}). */
  private void create(PodRun run, int index) {
    InitRun init = run.inits.get(index);
    String problem = lifecycle.environmentProblem(run.pod, init.name);
    if (problem != null) {
      boolean changed = !"CreateContainerConfigError".equals(init.waitingReason) || !problem.equals(init.waitingMessage);
      init.waitingReason = "CreateContainerConfigError";
      init.waitingMessage = problem;
      kubelet.events().warning(ref(run, init), "Failed", "Error: " + problem);
      if (changed) {
        lifecycle.report(run);
      }
      long retryAt = kubelet.ctx().clock().nanoTime() + lifecycle.workerBackoffNanos();
      lifecycle.schedule(run, retryAt, () -> create(run, index));
      return;
    }
    started(run, index);
  }

  private void started(PodRun run, int index) {
    InitRun init = run.inits.get(index);
    EventRecorder.Ref ref = ref(run, init);
    kubelet.events().normal(ref, "Created", "Created container: " + init.name);
    kubelet.events().normal(ref, "Started", "Started container " + init.name);
    init.running = true;
    init.runningSince = kubelet.now();
    init.waitingReason = "";
    init.waitingMessage = null;
    lifecycle.report(run);
    if (init.sidecar) {
      next(run);
      return;
    }
    long runFor = run.pod.annotations().containsKey(RUN_FOR)
        ? runFor(run.pod.annotations().get(RUN_FOR)).toNanos()
        : kubelet.config().startup().initRun().sampleNanos(kubelet.random());
    lifecycle.schedule(run, kubelet.ctx().clock().nanoTime() + runFor, () -> exited(run, index));
  }

  private void exited(PodRun run, int index) {
    InitRun init = run.inits.get(index);
    String code = run.pod.annotations().get(EXIT_CODE);
    int exitCode = code == null ? 0 : exitCode(code);
    init.running = false;
    init.previousExit = init.lastExit;
    init.lastExit = new PodRun.Exit(init.runningSince, kubelet.now(), exitCode);
    init.runningSince = null;
    if (exitCode == 0) {
      init.completed = true;
      lifecycle.report(run);
      next(run);
      return;
    }
    if (ContainerExit.restartPolicy(run.pod).equals("Never")) {
      lifecycle.initFailed(run);
      return;
    }
    init.restarts++;
    long backoff = kubelet.config().startup().backoffNanos(init.restarts);
    PodRun.Waiting waiting = Containers.backOff(run, init.name, backoff);
    init.waitingReason = waiting.reason();
    init.waitingMessage = waiting.message();
    lifecycle.report(run);
    kubelet.events().warning(ref(run, init), "BackOff", "Back-off restarting failed container " + init.name
        + " in pod " + run.describe());
    long restartAt = kubelet.ctx().clock().nanoTime() + backoff
        + kubelet.config().startup().containerStart().sampleNanos(kubelet.random());
    lifecycle.schedule(run, restartAt, () -> {
      kubelet.events().normal(ref(run, init), "Pulled", "Container image \"" + init.image
          + "\" already present on machine");
      create(run, index);
    });
  }

  /**
   * The pod stopped ({@code reportStopped}): running init containers and sidecars were stopped by the signal
   * ({@code exitCode}), the others that had not completed were never found ({@code ContainerStatusUnknown}).
   */
  static void stopped(PodRun run, String now, int exitCode) {
    for (InitRun init : run.inits) {
      if (!init.completed && !init.running) {
        init.previousExit = init.lastExit;
        init.lastExit = PodRun.Exit.NOT_LOCATED;
      }
    }
    stopRunning(run, now, exitCode);
  }

  /** Stops the running init containers (the sidecars, once the pod's containers are done): exit {@code exitCode}. */
  static void stopRunning(PodRun run, String now, int exitCode) {
    for (InitRun init : run.inits) {
      if (init.running) {
        init.previousExit = init.lastExit;
        init.lastExit = new PodRun.Exit(init.runningSince, now, exitCode);
        init.running = false;
        init.runningSince = null;
      }
    }
  }

  /**
   * A restarted kubelet finds the pod's containers running: its init containers had all completed, as their
   * reported statuses say, and its sidecars run (since the restart, as far as it knows).
   */
  static void adopt(PodRun run, String now) {
    JsonNode statuses = run.pod.status().path("initContainerStatuses");
    for (int i = 0; i < run.inits.size(); i++) {
      InitRun init = run.inits.get(i);
      JsonNode status = statuses.path(i);
      init.restarts = status.path("restartCount").asInt(0);
      if (init.sidecar) {
        init.running = true;
        init.runningSince = status.path("state").path("running").path("startedAt").asText(now);
      } else {
        JsonNode terminated = status.path("state").path("terminated");
        init.completed = true;
        init.lastExit = new PodRun.Exit(terminated.path("startedAt").asText(now),
            terminated.path("finishedAt").asText(now), terminated.path("exitCode").asInt(0));
      }
      init.waitingReason = "";
    }
    for (JsonNode condition : run.pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Initialized") && condition.path("status").asText().equals("True")) {
        run.initializedAt = condition.path("lastTransitionTime").asText(now);
      }
    }
    if (run.initializedAt == null) {
      run.initializedAt = now;
    }
  }

  private static EventRecorder.Ref ref(PodRun run, InitRun init) {
    return EventRecorder.Ref.to(run.pod).at("spec.initContainers{" + init.name + "}");
  }

  private static Duration runFor(String value) {
    try {
      return CrashLoop.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(RUN_FOR + ": " + e.getMessage(), e);
    }
  }

  private static int exitCode(@Nullable String value) {
    try {
      int code = Integer.parseInt(String.valueOf(value).trim());
      if (code >= 0 && code <= 255) {
        return code;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(EXIT_CODE + ": not an exit code from 0 to 255: " + value);
  }
}
