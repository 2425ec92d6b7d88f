package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.ScheduledTask;
import java.util.ArrayList;
import java.util.HashMap;
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
  /** Its containers, in the spec's order. */
  final List<ContainerRun> containers = new ArrayList<>();
  /** Why the containers cannot be started (an annotation that does not parse), or null. */
  @Nullable String configError;
  @Nullable ScheduledTask configRetry;
  /** Each failing image pull's next step, by container. */
  final Map<String, ScheduledTask> pullTasks = new HashMap<>();

  /** Why a container waits ({@code state.waiting}); an empty message is left out. */
  record Waiting(String reason, String message) {
    static final String CONFIG_ERROR = "CreateContainerConfigError";
  }
  /** The phase the pod ended in, or null while {@link #phase()} follows its containers. */
  @Nullable String terminalPhase;
  /** The containers exited and will not restart, or the pod was stopped: it is Succeeded or Failed. */
  boolean finished;
  /** Whether the pod's sandbox is up (its volumes set up, until the pod ends), and since when it is or is not. */
  boolean sandbox;
  String sandboxTransition;
  /** The Ready condition and the ContainersReady value last reported, and since when. */
  private Readiness readyReported = new Readiness(false, "", "");
  private boolean containersReadyReported;
  private String readyTransition;
  private String containersReadyTransition;
  /** Its pod-level step: the mount retry, the containers' start, the stop. */
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

  /**
   * A run of {@code pod}, with how each container exits and when its probes first pass ({@code exits}, {@code
   * probes}, by container, in the spec's order).
   */
  PodRun(Resource pod, String podIp, String hostIp, String now, List<@Nullable ContainerExit> exits,
      List<Containers.ProbeTimes> probes) {
    this.uid = pod.uid() == null ? pod.name() : pod.uid();
    this.pod = pod;
    this.podIp = podIp;
    this.hostIp = hostIp;
    this.startTime = now;
    this.readyTransition = now;
    this.containersReadyTransition = now;
    this.sandboxTransition = now;
    for (JsonNode container : pod.spec().path("initContainers")) {
      inits.add(new InitRun(container.path("name").asText(), container.path("image").asText(),
          container.path("restartPolicy").asText("").equals("Always")));
    }
    // kubelet_pods.go: a container not created yet waits PodInitializing in a pod with init containers.
    Waiting waiting = new Waiting(inits.isEmpty() ? "ContainerCreating" : "PodInitializing", "");
    if (inits.isEmpty()) {
      initializedAt = now;
    }
    int index = 0;
    for (JsonNode container : pod.spec().path("containers")) {
      containers.add(new ContainerRun(container.path("name").asText(), container.path("image").asText(), index,
          exits.get(index), probes.get(index).startedAfterNanos(), probes.get(index).readyAfterNanos(), waiting));
      index++;
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

  /** The pod as the kubelet names it in its messages ({@code format.Pod}): {@code name_namespace(uid)}. */
  String describe() {
    return pod.name() + "_" + pod.namespace() + "(" + uid + ")";
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

  /**
   * The pod's phase from its containers' states, as {@code kubelet_pods.go} {@code getPhase} derives it: Pending
   * while initializing (unless a container has run) or while a container waits that has never run; Running while
   * one runs, or while all have stopped and one will restart; Succeeded or Failed once all have stopped for good.
   * A pod that ended keeps the phase it ended in.
   */
  String phase() {
    if (terminalPhase != null) {
      return terminalPhase;
    }
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    boolean anyStarted = false;
    for (ContainerRun container : containers) {
      anyStarted |= container.created();
      if (container.running) {
        running++;
      } else if (container.terminated) {
        stopped++;
        if (container.lastExit != null && container.lastExit.code() == 0) {
          succeeded++;
        }
      } else if (container.lastExit != null) {
        stopped++;
      } else {
        waiting++;
      }
    }
    if (initializedAt == null && !anyStarted || waiting > 0) {
      return "Pending";
    }
    if (running > 0) {
      return "Running";
    }
    if (stopped == 0) {
      return "Pending";
    }
    String policy = ContainerExit.restartPolicy(pod);
    if (policy.equals("Always")) {
      return "Running";
    }
    if (stopped == succeeded) {
      return "Succeeded";
    }
    return policy.equals("Never") ? "Failed" : "Running";
  }

  /** Whether every container has stopped for good, so the pod is done. */
  boolean allTerminated() {
    for (ContainerRun container : containers) {
      if (!container.terminated) {
        return false;
      }
    }
    return !containers.isEmpty();
  }

  /** The container named {@code name}, or null. */
  @Nullable ContainerRun container(String name) {
    for (ContainerRun container : containers) {
      if (container.name.equals(name)) {
        return container;
      }
    }
    return null;
  }

  /**
   * The sidecars and containers that are not ready, by name, sidecars first ({@code status.go} {@code
   * GenerateContainersReadyCondition}).
   */
  List<String> unready() {
    List<String> names = new ArrayList<>();
    for (InitRun init : inits) {
      if (init.sidecar && !init.running) {
        names.add(init.name);
      }
    }
    for (ContainerRun container : containers) {
      if (!container.ready) {
        names.add(container.name);
      }
    }
    return names;
  }

  /**
   * Why the pod's readiness gates hold it back, as {@code GeneratePodReadyCondition} words it: a gate whose
   * condition the pod does not have, or has with another status than True. Empty when every gate is met.
   */
  List<String> unmetGates() {
    List<String> unmet = new ArrayList<>();
    for (JsonNode gate : pod.spec().path("readinessGates")) {
      String type = gate.path("conditionType").asText();
      JsonNode found = null;
      for (JsonNode condition : pod.status().path("conditions")) {
        if (condition.path("type").asText().equals(type)) {
          found = condition;
          break;
        }
      }
      if (found == null) {
        unmet.add("corresponding condition of pod readiness gate \"" + type + "\" does not exist.");
      } else if (!found.path("status").asText().equals("True")) {
        unmet.add("the status of pod readiness gate \"" + type + "\" is not \"True\", but "
            + found.path("status").asText());
      }
    }
    return unmet;
  }

  /** Whether the pod is Ready: its containers are, and its readiness gates are met. */
  boolean podReady() {
    return readyCondition().ready();
  }

  /** The Ready condition's value, reason and message. */
  private record Readiness(boolean ready, String reason, String message) {}

  /**
   * The pod's Ready condition, as {@code GeneratePodReadyCondition} words it: its containers' readiness
   * (ContainersReady's reason and message: {@code ContainersNotReady} "containers with unready status: [a b]", or
   * {@code PodCompleted}, {@code PodFailed} once it ended), then its readiness gates ({@code ReadinessGatesNotReady}).
   */
  private Readiness readyCondition() {
    return readyCondition(phase());
  }

  private Readiness readyCondition(String phase) {
    // generateContainersReadyConditionForTerminalPhase: a pod that ended says why its containers are not ready.
    if (phase.equals("Failed")) {
      return new Readiness(false, "PodFailed", "");
    }
    if (finished || phase.equals("Succeeded")) {
      return new Readiness(false, "PodCompleted", "");
    }
    List<String> unready = unready();
    if (!unready.isEmpty()) {
      return new Readiness(false, "ContainersNotReady", "containers with unready status: [" + String.join(" ", unready)
          + "]");
    }
    List<String> gates = unmetGates();
    return gates.isEmpty() ? new Readiness(true, "", "")
        : new Readiness(false, "ReadinessGatesNotReady", String.join(", ", gates));
  }

  /** Whether the Ready condition differs from the one last reported (a readiness gate's condition changed). */
  boolean readyChanged() {
    return !readyCondition().equals(readyReported);
  }

  /**
   * A restarted kubelet takes over a pod that was already reported: the Ready and ContainersReady values and
   * transition times it had.
   */
  void reported(boolean ready, String readySince, boolean containersReady, String containersReadySince) {
    readyReported = ready ? new Readiness(true, "", "") : readyCondition();
    readyTransition = readySince;
    containersReadyReported = containersReady;
    containersReadyTransition = containersReadySince;
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
    containers.forEach(ContainerRun::cancel);
  }

  /**
   * The merge patch {@code {"status": …}} that reports this run at {@code now}; a Ready or ContainersReady value
   * that differs from the last one reported takes {@code now} as its transition time, as the status manager's
   * {@code updateLastTransitionTime} does.
   */
  ObjectNode statusPatch(String now) {
    ObjectNode patch = Json.object();
    ObjectNode status = patch.putObject("status");
    String phase = phase();
    status.put("phase", phase);
    if (reason != null) {
      status.put("reason", reason);
      status.put("message", message);
    }
    ArrayNode conditions = status.putArray("conditions");
    // GeneratePodReadyToStartContainersCondition (beta, on by default since 1.29): True while the sandbox is up.
    condition(conditions, "PodReadyToStartContainers", sandbox, sandboxTransition, "", "");
    if (initializedAt != null) {
      condition(conditions, "Initialized", true, initializedAt, "", "");
    } else {
      // status.go GeneratePodInitializedCondition: "containers with incomplete status: [a b]", as Go prints a slice.
      condition(conditions, "Initialized", false, startTime, "ContainersNotInitialized",
          "containers with incomplete status: [" + String.join(" ", incompleteInits()) + "]");
    }
    Readiness ready = readyCondition(phase);
    boolean containersReady = ready.ready() || ready.reason().equals("ReadinessGatesNotReady");
    if (ready.ready() != readyReported.ready()) {
      readyTransition = now;
    }
    readyReported = ready;
    if (containersReady != containersReadyReported) {
      containersReadyReported = containersReady;
      containersReadyTransition = now;
    }
    condition(conditions, "Ready", ready.ready(), readyTransition, ready.reason(), ready.message());
    // GenerateContainersReadyCondition: the same, before the readiness gates.
    if (containersReady) {
      condition(conditions, "ContainersReady", true, containersReadyTransition, "", "");
    } else {
      condition(conditions, "ContainersReady", false, containersReadyTransition, ready.reason(), ready.message());
    }
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
    ArrayNode statuses = status.putArray("containerStatuses");
    for (ContainerRun container : containers) {
      container.writeStatus(statuses.addObject(), uid, finished);
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
