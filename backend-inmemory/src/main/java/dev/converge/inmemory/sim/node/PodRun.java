package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.ScheduledTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One pod as its kubelet runs it: where it is in its life (creating, running, ready, exited and backing off,
 * finished, terminating) and the status the kubelet reports for it ({@code kubelet_pods.go} {@code generateAPIPodStatus}:
 * phase, the Initialized/Ready/ContainersReady/PodScheduled conditions, IPs, start time and one container
 * status per container and per init container).
 */
final class PodRun {
  /** The conditions the kubelet writes itself; it reports the others as the API server holds them. */
  private static final Set<String> KUBELET_CONDITIONS = Set.of("PodReadyToStartContainers", "Initialized", "Ready",
      "ContainersReady");

  final String uid;
  Resource pod;
  final String podIp;
  final String hostIp;
  final String startTime;
  /** How its containers exit, or null if they run until the pod is deleted. */
  final @Nullable ContainerExit exit;
  final long probeDelayNanos;
  final boolean hasProbe;
  String phase = "Pending";
  boolean running;
  boolean ready;
  int restarts;
  String waitingReason = "ContainerCreating";
  /** Why the containers cannot be started (an annotation that does not parse), or null. */
  @Nullable String configError;
  /** The waiting state's message ({@code CreateContainerConfigError}'s), or null. */
  @Nullable String waitingMessage;
  /**
   * Containers that could not be created while the others run, by name, with why they wait: {@code
   * CreateContainerConfigError}, {@code ErrImagePull}, {@code ImagePullBackOff}; the retry of the configuration
   * errors, and each failing image pull's next step.
   */
  final Map<String, Waiting> notCreated = new LinkedHashMap<>();
  @Nullable ScheduledTask configRetry;
  final Map<String, ScheduledTask> pullTasks = new HashMap<>();

  /** Why a container waits ({@code state.waiting}). */
  record Waiting(String reason, String message) {
    static final String CONFIG_ERROR = "CreateContainerConfigError";
  }
  @Nullable String runningSince;
  /** The containers' last exit, and the one before it. */
  @Nullable Exit lastExit;
  @Nullable Exit previousExit;
  /** The containers exited and will not restart: the pod is Succeeded or Failed. */
  boolean finished;
  /** Whether the pod's sandbox is up (its volumes set up, until the pod ends), and since when it is or is not. */
  boolean sandbox;
  String sandboxTransition;
  String readyTransition;
  @Nullable ScheduledTask task;
  boolean terminating;
  /** Why the pod failed and what happened ({@code status.reason}, {@code status.message}), or null. */
  @Nullable String reason;
  @Nullable String message;
  /** The {@code activeDeadlineSeconds} the deadline task was set for (-1: none), and that task. */
  long deadlineSeconds = -1;
  @Nullable ScheduledTask deadline;
  /** Its init containers, in the spec's order ({@link InitContainers}); empty without any. */
  final List<InitRun> inits = new ArrayList<>();
  /** When every init container had completed and every sidecar started; null before. */
  @Nullable String initializedAt;

  PodRun(Resource pod, String podIp, String hostIp, String now, @Nullable ContainerExit exit, long probeDelayNanos,
      boolean hasProbe) {
    this.uid = pod.uid() == null ? pod.name() : pod.uid();
    this.pod = pod;
    this.podIp = podIp;
    this.hostIp = hostIp;
    this.startTime = now;
    this.readyTransition = now;
    this.sandboxTransition = now;
    this.exit = exit;
    this.probeDelayNanos = probeDelayNanos;
    this.hasProbe = hasProbe;
    for (JsonNode container : pod.spec().path("initContainers")) {
      inits.add(new InitRun(container.path("name").asText(), container.path("image").asText(),
          container.path("restartPolicy").asText("").equals("Always")));
    }
    if (!inits.isEmpty()) {
      // kubelet_pods.go: a container not created yet waits PodInitializing in a pod with init containers.
      waitingReason = "PodInitializing";
    } else {
      initializedAt = now;
    }
  }

  /**
   * One init container as its kubelet runs it: waiting, running, completed (exit 0; a sidecar, one with {@code
   * restartPolicy: Always}, is never completed: it is done once started), or exited and backing off.
   */
  static final class InitRun {
    final String name;
    final String image;
    final boolean sidecar;
    boolean running;
    boolean completed;
    int restarts;
    String waitingReason = "PodInitializing";
    @Nullable String waitingMessage;
    @Nullable String runningSince;
    @Nullable Exit lastExit;
    @Nullable Exit previousExit;

    InitRun(String name, String image, boolean sidecar) {
      this.name = name;
      this.image = image;
      this.sidecar = sidecar;
    }

    /** Whether the pod may go on past it: completed, or a sidecar that is running. */
    boolean done() {
      return completed || sidecar && running;
    }
  }

  /** The init containers the pod still waits for ({@code Initialized}'s message lists them), by name. */
  List<String> incompleteInits() {
    List<String> names = new ArrayList<>();
    for (InitRun init : inits) {
      if (!init.done()) {
        names.add(init.name);
      }
    }
    return names;
  }

  /** The pod's sandbox is created: its volumes are set up, so its containers can be started. */
  void sandboxReady(String now) {
    if (!sandbox) {
      sandbox = true;
      sandboxTransition = now;
    }
  }

  /** The containers exited and will not restart, or the pod was stopped: it ends, and its sandbox goes. */
  void finish(String now) {
    finished = true;
    if (sandbox) {
      sandbox = false;
      sandboxTransition = now;
    }
  }

  /** Its containers are no longer ready; the pod's Ready condition changes now if it was True. */
  void notReady(String now) {
    if (podReady()) {
      readyTransition = now;
    }
    ready = false;
  }

  /** Whether the pod is ready: its running containers are, and none is missing. */
  boolean podReady() {
    return ready && notCreated.isEmpty();
  }

  void cancel() {
    if (task != null) {
      task.cancel();
      task = null;
    }
    if (configRetry != null) {
      configRetry.cancel();
      configRetry = null;
    }
    pullTasks.values().forEach(ScheduledTask::cancel);
    pullTasks.clear();
    if (deadline != null) {
      deadline.cancel();
      deadline = null;
    }
  }

  /** The merge patch {@code {"status": …}} that reports this run. */
  ObjectNode statusPatch() {
    ObjectNode patch = Json.object();
    ObjectNode status = patch.putObject("status");
    status.put("phase", phase);
    if (reason != null) {
      status.put("reason", reason);
      status.put("message", message);
    }
    ArrayNode conditions = status.putArray("conditions");
    // GeneratePodReadyToStartContainersCondition (beta, on by default since 1.29): True while the sandbox is up.
    condition(conditions, "PodReadyToStartContainers", sandbox, sandboxTransition, "", "");
    // generateContainersReadyConditionForTerminalPhase: a pod that ended says why its containers are not ready.
    String notReady = phase.equals("Failed") ? "PodFailed" : finished ? "PodCompleted" : "ContainersNotReady";
    if (initializedAt != null) {
      condition(conditions, "Initialized", true, initializedAt, "", "");
    } else {
      // status.go GeneratePodInitializedCondition: "containers with incomplete status: [a b]", as Go prints a slice.
      condition(conditions, "Initialized", false, startTime, "ContainersNotInitialized",
          "containers with incomplete status: [" + String.join(" ", incompleteInits()) + "]");
    }
    condition(conditions, "Ready", podReady(), readyTransition, notReady, "");
    condition(conditions, "ContainersReady", podReady(), readyTransition, notReady, "");
    // The status manager keeps the conditions the kubelet does not own (PodScheduled, DisruptionTarget, a
    // readiness gate's) as the API server has them: its patch carries the whole list.
    for (JsonNode condition : pod.status().path("conditions")) {
      if (!KUBELET_CONDITIONS.contains(condition.path("type").asText())) {
        conditions.add(condition);
      }
    }
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    status.put("podIP", podIp);
    status.putArray("podIPs").addObject().put("ip", podIp);
    status.put("startTime", startTime);
    if (!inits.isEmpty()) {
      ArrayNode initStatuses = status.putArray("initContainerStatuses");
      int at = 0;
      for (InitRun init : inits) {
        initStatus(initStatuses.addObject(), init, "containerd://" + uid + "-init-" + at++ + "-");
      }
    }
    ArrayNode containers = status.putArray("containerStatuses");
    int index = 0;
    for (JsonNode container : pod.spec().path("containers")) {
      ObjectNode cs = containers.addObject();
      cs.put("name", container.path("name").asText());
      cs.put("image", container.path("image").asText());
      cs.put("imageID", "");
      Waiting why = notCreated.get(container.path("name").asText());
      if (why != null) {
        notCreated(cs, why);
        index++;
        continue;
      }
      String containerId = "containerd://" + uid + "-" + index + "-" + restarts;
      if (running || restarts > 0 || (finished && lastExit != null && lastExit.located())) {
        cs.put("containerID", containerId);
      }
      cs.put("ready", ready);
      cs.put("started", running);
      cs.put("restartCount", restarts);
      ObjectNode state = cs.putObject("state");
      if (running && runningSince != null) {
        state.putObject("running").put("startedAt", runningSince);
      } else if (finished && lastExit != null) {
        lastExit.write(state, containerId);
      } else {
        ObjectNode waiting = state.putObject("waiting").put("reason", waitingReason);
        if (waitingMessage != null) {
          waiting.put("message", waitingMessage);
        }
      }
      ObjectNode last = cs.putObject("lastState");
      Exit before = finished ? previousExit : lastExit;
      if (before != null) {
        before.write(last, "containerd://" + uid + "-" + index + "-" + (restarts - 1));
      }
      index++;
    }
    return patch;
  }

  /**
   * One exit of the containers: when they had started and when they ended, and the code; or {@link #NOT_LOCATED},
   * containers that never started in a pod that ended.
   */
  record Exit(@Nullable String startedAt, @Nullable String finishedAt, int code) {
    /**
     * The state the status manager's {@code TerminatePod} gives a container of an initialized pod that is not
     * terminated when the pod ends, such as one still waiting for its image: {@code ContainerStatusUnknown}, exit
     * code 137, with no times and no container ID.
     */
    static final Exit NOT_LOCATED = new Exit(null, null, 137);

    /** Whether the containers ran: they have an ID and times. */
    boolean located() {
      return finishedAt != null;
    }

    /** Writes the {@code terminated} state of this exit under {@code state}. */
    void write(ObjectNode state, String containerId) {
      ObjectNode terminated = state.putObject("terminated");
      terminated.put("exitCode", code);
      if (!located()) {
        terminated.put("reason", "ContainerStatusUnknown");
        terminated.put("message", "The container could not be located when the pod was terminated");
        return;
      }
      terminated.put("reason", code == 0 ? "Completed" : "Error");
      if (startedAt != null) {
        terminated.put("startedAt", startedAt);
      }
      terminated.put("finishedAt", finishedAt);
      terminated.put("containerID", containerId);
    }
  }

  /** A container that was never created while the others ran: it waits, or was never found once the pod ended. */
  private void notCreated(ObjectNode cs, Waiting why) {
    cs.put("ready", false);
    cs.put("started", false);
    cs.put("restartCount", 0);
    ObjectNode state = cs.putObject("state");
    if (finished) {
      Exit.NOT_LOCATED.write(state, "");
    } else {
      ObjectNode waiting = state.putObject("waiting").put("reason", why.reason());
      if (!why.message().isEmpty()) {
        waiting.put("message", why.message());
      }
    }
    cs.putObject("lastState");
  }

  /**
   * One init container's status: running, terminated (its last exit, when completed or when the pod ended), or
   * waiting; ready once completed, or while a sidecar runs; {@code started} while it runs.
   */
  private void initStatus(ObjectNode cs, InitRun init, String idPrefix) {
    cs.put("name", init.name);
    cs.put("image", init.image);
    cs.put("imageID", "");
    String containerId = idPrefix + init.restarts;
    boolean located = init.lastExit != null && init.lastExit.located();
    if (init.running || init.restarts > 0 || located) {
      cs.put("containerID", containerId);
    }
    cs.put("ready", init.sidecar ? init.running : init.completed);
    cs.put("started", init.running);
    cs.put("restartCount", init.restarts);
    ObjectNode state = cs.putObject("state");
    boolean over = init.completed || finished;
    if (init.running && init.runningSince != null) {
      state.putObject("running").put("startedAt", init.runningSince);
    } else if (over && init.lastExit != null) {
      init.lastExit.write(state, containerId);
    } else {
      ObjectNode waiting = state.putObject("waiting").put("reason", init.waitingReason);
      if (init.waitingMessage != null) {
        waiting.put("message", init.waitingMessage);
      }
    }
    ObjectNode last = cs.putObject("lastState");
    Exit before = over ? init.previousExit : init.lastExit;
    if (before != null) {
      before.write(last, idPrefix + (init.restarts - 1));
    }
  }

  private static void condition(ArrayNode conditions, String type, boolean value, String transition,
      String falseReason, String falseMessage) {
    ObjectNode condition = conditions.addObject();
    condition.put("type", type);
    condition.put("status", value ? "True" : "False");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", transition);
    if (!value && !falseReason.isEmpty()) {
      condition.put("reason", falseReason);
    }
    if (!value && !falseMessage.isEmpty()) {
      condition.put("message", falseMessage);
    }
  }
}
