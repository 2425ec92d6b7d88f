package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * What {@code printPod} ({@code pkg/printers/internalversion/printers.go}, Kubernetes 1.32) prints of a pod: the
 * ready containers of all (sidecars counted), the status — the pod's reason or phase ({@code SchedulingGated} when
 * its scheduling is gated); while it initializes, the first init container that is not done ({@code Init:1/3},
 * {@code Init:CrashLoopBackOff}, {@code Init:Error}); else the last container that waits or terminated, {@code
 * Running} (or {@code NotReady}) for a {@code Completed} pod with a container still running; {@code Terminating}
 * for a pod being deleted that has not ended, {@code Unknown} for one whose node was lost — and the restarts, with
 * how long ago the last one ended.
 */
public record PodRow(int readyContainers, int totalContainers, String reason, int restarts, String lastRestart) {
  /** {@code 1/2}: ready containers of all. */
  public String ready() {
    return readyContainers + "/" + totalContainers;
  }

  /** {@code 3 (60s ago)}: restarts, and how long ago the last one ended. */
  public String restarts(Instant now) {
    return restarts != 0 && !lastRestart.isEmpty() ? restarts + " (" + Ages.since(lastRestart, now) + " ago)"
        : Integer.toString(restarts);
  }

  /** The row of {@code pod}. */
  public static PodRow of(Resource pod) {
    JsonNode status = pod.at("status");
    String phase = status.path("phase").asText("");
    String reason = status.path("reason").asText("").isEmpty() ? phase : status.path("reason").asText();
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("PodScheduled")
          && condition.path("reason").asText().equals("SchedulingGated")) {
        reason = "SchedulingGated";
      }
    }
    Set<String> sidecars = new HashSet<>();
    for (JsonNode container : pod.at("spec.initContainers")) {
      if (container.path("restartPolicy").asText("").equals("Always")) {
        sidecars.add(container.path("name").asText());
      }
    }
    int total = pod.at("spec.containers").size() + sidecars.size();
    int ready = 0;
    int restarts = 0;
    int sidecarRestarts = 0;
    String lastRestart = "";
    String lastSidecarRestart = "";
    boolean initializing = false;
    JsonNode inits = status.path("initContainerStatuses");
    for (int i = 0; i < inits.size(); i++) {
      JsonNode container = inits.get(i);
      boolean sidecar = sidecars.contains(container.path("name").asText());
      restarts += container.path("restartCount").asInt(0);
      String finished = container.at("/lastState/terminated/finishedAt").asText("");
      lastRestart = later(lastRestart, finished);
      if (sidecar) {
        sidecarRestarts += container.path("restartCount").asInt(0);
        lastSidecarRestart = later(lastSidecarRestart, finished);
      }
      JsonNode terminated = container.at("/state/terminated");
      String waiting = container.at("/state/waiting/reason").asText("");
      if (terminated.isObject() && terminated.path("exitCode").asInt(0) == 0) {
        continue;
      }
      if (sidecar && container.path("started").asBoolean(false)) {
        ready += container.path("ready").asBoolean(false) ? 1 : 0;
        continue;
      }
      if (terminated.isObject()) {
        // initialization failed
        String why = terminated.path("reason").asText("");
        reason = !why.isEmpty() ? "Init:" + why : terminated.path("signal").asInt(0) != 0
            ? "Init:Signal:" + terminated.path("signal").asInt() : "Init:ExitCode:" + terminated.path("exitCode").asInt();
      } else if (!waiting.isEmpty() && !waiting.equals("PodInitializing")) {
        reason = "Init:" + waiting;
      } else {
        reason = "Init:" + i + "/" + pod.at("spec.initContainers").size();
      }
      initializing = true;
      break;
    }
    if (!initializing || initialized(status)) {
      restarts = sidecarRestarts;
      lastRestart = lastSidecarRestart;
      boolean running = false;
      JsonNode containers = status.path("containerStatuses");
      for (int i = containers.size() - 1; i >= 0; i--) {
        JsonNode container = containers.get(i);
        restarts += container.path("restartCount").asInt(0);
        lastRestart = later(lastRestart, container.at("/lastState/terminated/finishedAt").asText(""));
        String waiting = container.at("/state/waiting/reason").asText("");
        JsonNode terminated = container.at("/state/terminated");
        if (!waiting.isEmpty()) {
          reason = waiting;
        } else if (terminated.isObject() && !terminated.path("reason").asText("").isEmpty()) {
          reason = terminated.path("reason").asText();
        } else if (terminated.isObject()) {
          reason = terminated.path("signal").asInt(0) != 0 ? "Signal:" + terminated.path("signal").asInt()
              : "ExitCode:" + terminated.path("exitCode").asInt();
        } else if (container.path("ready").asBoolean(false) && container.at("/state/running").isObject()) {
          running = true;
          ready++;
        }
      }
      if (reason.equals("Completed") && running) {
        reason = hasReadyCondition(status) ? "Running" : "NotReady";
      }
    }
    if (pod.isBeingDeleted() && status.path("reason").asText("").equals("NodeLost")) {
      reason = "Unknown";
    } else if (pod.isBeingDeleted() && !phase.equals("Succeeded") && !phase.equals("Failed")) {
      reason = "Terminating";
    }
    return new PodRow(ready, total, reason, restarts, lastRestart);
  }

  private static boolean initialized(JsonNode status) {
    return conditionTrue(status, "Initialized");
  }

  /** {@code hasPodReadyCondition}. */
  private static boolean hasReadyCondition(JsonNode status) {
    return conditionTrue(status, "Ready");
  }

  private static boolean conditionTrue(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals(type) && condition.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }

  /** The later of two RFC 3339 times (UTC, to the second, so they compare as text); empty counts as never. */
  private static String later(String a, String b) {
    return b.compareTo(a) > 0 ? b : a;
  }
}
