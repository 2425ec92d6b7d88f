package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.ScheduledTask;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One pod as its kubelet runs it: where it is in its life (creating, running, ready, crashed and backing off,
 * terminating) and the status the kubelet reports for it ({@code kubelet_pods.go} {@code generateAPIPodStatus}:
 * phase, the Initialized/Ready/ContainersReady/PodScheduled conditions, IPs, start time and one container
 * status per container).
 */
final class PodRun {
  final String uid;
  Resource pod;
  final String podIp;
  final String hostIp;
  final String startTime;
  final @Nullable Duration crashAfter;
  final long probeDelayNanos;
  final boolean hasProbe;
  String phase = "Pending";
  boolean running;
  boolean ready;
  int restarts;
  String waitingReason = "ContainerCreating";
  @Nullable String runningSince;
  @Nullable String lastStartedAt;
  @Nullable String lastFinishedAt;
  String readyTransition;
  @Nullable ScheduledTask task;
  boolean terminating;

  PodRun(Resource pod, String podIp, String hostIp, String now, @Nullable Duration crashAfter, long probeDelayNanos,
      boolean hasProbe) {
    this.uid = pod.uid() == null ? pod.name() : pod.uid();
    this.pod = pod;
    this.podIp = podIp;
    this.hostIp = hostIp;
    this.startTime = now;
    this.readyTransition = now;
    this.crashAfter = crashAfter;
    this.probeDelayNanos = probeDelayNanos;
    this.hasProbe = hasProbe;
  }

  void cancel() {
    if (task != null) {
      task.cancel();
      task = null;
    }
  }

  /** The merge patch {@code {"status": …}} that reports this run. */
  ObjectNode statusPatch() {
    ObjectNode patch = Json.object();
    ObjectNode status = patch.putObject("status");
    status.put("phase", phase);
    ArrayNode conditions = status.putArray("conditions");
    condition(conditions, "Initialized", true, startTime);
    condition(conditions, "Ready", ready, readyTransition);
    condition(conditions, "ContainersReady", ready, readyTransition);
    JsonNode scheduled = scheduledCondition();
    if (scheduled != null) {
      conditions.add(scheduled);
    }
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    status.put("podIP", podIp);
    status.putArray("podIPs").addObject().put("ip", podIp);
    status.put("startTime", startTime);
    ArrayNode containers = status.putArray("containerStatuses");
    int index = 0;
    for (JsonNode container : pod.spec().path("containers")) {
      ObjectNode cs = containers.addObject();
      cs.put("name", container.path("name").asText());
      cs.put("image", container.path("image").asText());
      cs.put("imageID", "");
      if (running || restarts > 0) {
        cs.put("containerID", "containerd://" + uid + "-" + index + "-" + restarts);
      }
      cs.put("ready", ready);
      cs.put("started", running);
      cs.put("restartCount", restarts);
      ObjectNode state = cs.putObject("state");
      if (running && runningSince != null) {
        state.putObject("running").put("startedAt", runningSince);
      } else {
        state.putObject("waiting").put("reason", waitingReason);
      }
      ObjectNode last = cs.putObject("lastState");
      if (lastFinishedAt != null) {
        ObjectNode terminated = last.putObject("terminated");
        terminated.put("exitCode", 1);
        terminated.put("reason", "Error");
        if (lastStartedAt != null) {
          terminated.put("startedAt", lastStartedAt);
        }
        terminated.put("finishedAt", lastFinishedAt);
      }
      index++;
    }
    return patch;
  }

  private @Nullable JsonNode scheduledCondition() {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("PodScheduled")) {
        return condition;
      }
    }
    return null;
  }

  private static void condition(ArrayNode conditions, String type, boolean value, String transition) {
    ObjectNode condition = conditions.addObject();
    condition.put("type", type);
    condition.put("status", value ? "True" : "False");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", transition);
    if (!value && !type.equals("Initialized")) {
      condition.put("reason", "ContainersNotReady");
    }
  }
}
