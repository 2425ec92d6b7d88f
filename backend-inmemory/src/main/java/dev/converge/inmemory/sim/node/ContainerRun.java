package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.core.time.ScheduledTask;
import dev.converge.inmemory.sim.node.PodRun.Exit;
import dev.converge.inmemory.sim.node.PodRun.Waiting;
import org.jspecify.annotations.Nullable;

/**
 * One regular container of a pod as its kubelet runs it: waiting (to be created, for its image, for a Secret, out a
 * crash back-off), running, or terminated for good (an exit its pod's restart policy does not restart); whether it
 * has {@code started} (its startup probe passed) and is {@code ready} (its readiness probe passed); its restarts and
 * last two exits. Each container has its own: one can crash-loop while the others run, as in a cluster.
 */
final class ContainerRun {
  final String name;
  final String image;
  /** Its place in {@code spec.containers}, part of its simulated container ID. */
  final int index;
  /** How it exits after each start, or null if it runs until the pod stops. */
  final @Nullable ContainerExit exit;
  /** How long after each start its startup probe first succeeds (0 without one), and its readiness probe. */
  final long startedAfterNanos;
  final long readyAfterNanos;
  boolean running;
  boolean started;
  boolean ready;
  /** It exited and its pod's restart policy keeps it stopped ({@code OnFailure} after 0, {@code Never}). */
  boolean terminated;
  int restarts;
  /** Why it waits while neither running nor terminated. */
  Waiting waiting;
  @Nullable String runningSince;
  @Nullable Exit lastExit;
  @Nullable Exit previousExit;
  /** Its startup probe's failures on demand after each start, or null. */
  @Nullable StartupFailure startup;
  /** Its liveness probe's failure on demand, or null. */
  @Nullable LivenessFailure liveness;
  /** Its readiness flapping on demand, or null. */
  @Nullable ReadinessFlap flap;
  /** Its next probe result, and its exit or restart. */
  @Nullable ScheduledTask probe;
  @Nullable ScheduledTask task;
  /** Its next failing startup probe. */
  @Nullable ScheduledTask startupCheck;
  /** Its next failing liveness probe, or its kill. */
  @Nullable ScheduledTask livenessCheck;
  /** Its readiness probe's next failure or recovery while it flaps. */
  @Nullable ScheduledTask flapCheck;

  ContainerRun(String name, String image, int index, @Nullable ContainerExit exit, long startedAfterNanos,
      long readyAfterNanos, Waiting waiting) {
    this.name = name;
    this.image = image;
    this.index = index;
    this.exit = exit;
    this.startedAfterNanos = startedAfterNanos;
    this.readyAfterNanos = readyAfterNanos;
    this.waiting = waiting;
  }

  /** Whether it was created at least once. */
  boolean created() {
    return running || restarts > 0 || lastExit != null && lastExit.located();
  }

  /** Starts it now: running, and started and ready at once unless a probe has to pass first. */
  void start(String now) {
    running = true;
    terminated = false;
    runningSince = now;
    started = startedAfterNanos == 0 && startup == null;
    ready = readyAfterNanos == 0;
  }

  /**
   * It exited with {@code code}: it waits out {@code backOff} ({@code CrashLoopBackOff}) to be started again, or,
   * if null, stays terminated.
   */
  void exited(String now, int code, @Nullable Waiting backOff) {
    previousExit = lastExit;
    lastExit = new Exit(runningSince, now, code);
    stopped();
    terminated = backOff == null;
    if (backOff != null) {
      restarts++;
      waiting = backOff;
    }
  }

  /**
   * The pod ends: a running container is stopped with {@code code}; one that waits (for its image, out a back-off)
   * was never found, {@code ContainerStatusUnknown} (the status manager's {@code TerminatePod}); a terminated one
   * keeps its exit.
   */
  void podStopped(String now, int code) {
    if (terminated) {
      return;
    }
    previousExit = lastExit;
    lastExit = running ? new Exit(runningSince, now, code) : Exit.NOT_LOCATED;
    stopped();
    terminated = true;
  }

  private void stopped() {
    running = false;
    started = false;
    ready = false;
    runningSince = null;
    cancel();
  }

  void cancel() {
    if (probe != null) {
      probe.cancel();
      probe = null;
    }
    if (task != null) {
      task.cancel();
      task = null;
    }
    if (livenessCheck != null) {
      livenessCheck.cancel();
      livenessCheck = null;
    }
    if (startupCheck != null) {
      startupCheck.cancel();
      startupCheck = null;
    }
    if (flapCheck != null) {
      flapCheck.cancel();
      flapCheck = null;
    }
  }

  /**
   * Writes its {@code containerStatuses} item ({@code convertToAPIContainerStatuses}), its container ID {@code
   * containerd://<pod uid>-<index>-<restarts>}; {@code podOver} says whether the pod has ended.
   */
  void writeStatus(ObjectNode cs, String uid, boolean podOver) {
    cs.put("name", name);
    cs.put("image", image);
    cs.put("imageID", "");
    String idPrefix = "containerd://" + uid + "-" + index + "-";
    boolean over = terminated || podOver;
    if (running || restarts > 0 || over && lastExit != null && lastExit.located()) {
      cs.put("containerID", idPrefix + restarts);
    }
    cs.put("ready", ready);
    cs.put("started", started);
    cs.put("restartCount", restarts);
    ObjectNode state = cs.putObject("state");
    if (running && runningSince != null) {
      state.putObject("running").put("startedAt", runningSince);
    } else if (over && lastExit != null) {
      lastExit.write(state, idPrefix + restarts);
    } else {
      ObjectNode waitingState = state.putObject("waiting").put("reason", waiting.reason());
      if (!waiting.message().isEmpty()) {
        waitingState.put("message", waiting.message());
      }
    }
    ObjectNode last = cs.putObject("lastState");
    Exit before = over ? previousExit : lastExit;
    if (before != null) {
      before.write(last, idPrefix + (restarts - 1));
    }
  }
}
