package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.ScheduledTask;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.Pods;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.Response;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.scheduling.Taint;
import dev.converge.inmemory.sim.scheduling.Toleration;
import dev.converge.inmemory.store.ObjectName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Taint-based eviction ({@code pkg/controller/tainteviction}, formerly the NoExecute taint manager): a pod on a
 * node with NoExecute taints is deleted at once if it does not tolerate one of them, or when the shortest
 * {@code tolerationSeconds} of the tolerations it uses has passed; a pod that tolerates them for ever (every
 * DaemonSet pod tolerates not-ready and unreachable) stays. When the taints go, pending evictions are
 * cancelled. Ordinary pods get 300-second tolerations from the DefaultTolerationSeconds admission defaults.
 * Each deletion is announced by a {@code TaintManagerEviction} Event ("Marking for deletion Pod ns/name",
 * source {@code taint-eviction-controller}), and the pod is first marked with the {@code DisruptionTarget}
 * condition ({@code DeletionByTaintManager}).
 */
public final class TaintEvictionController {
  private final SimContext ctx;
  private final SimClient client;
  private final EventRecorder events;
  private final Informer nodes;
  private final Informer pods;
  private final Map<ObjectName, ScheduledTask> pending = new HashMap<>();
  private final Map<String, List<Taint>> noExecute = new HashMap<>();
  private long evictions;

  public TaintEvictionController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.ctx = ctx;
    this.client = client;
    this.events = new EventRecorder(client, "taint-eviction-controller", "");
    this.nodes = informers.of(Kubelet.NODE);
    this.pods = informers.of(Kubelet.POD);
    nodes.addHandler(Informer.Handler.of(this::nodeChanged, last -> noExecute.remove(last.name())));
    pods.addHandler(Informer.Handler.of(this::podChanged, last -> cancel(name(last))));
  }

  /** Pods deleted by this controller so far. */
  public long evictions() {
    return evictions;
  }

  private void nodeChanged(Resource node) {
    List<Taint> taints = new ArrayList<>();
    for (Taint taint : Taint.listOf(node.spec().path("taints"))) {
      if (taint.effect().equals(Taint.NO_EXECUTE)) {
        taints.add(taint);
      }
    }
    List<Taint> before = noExecute.getOrDefault(node.name(), List.of());
    if (taints.equals(before)) {
      return;
    }
    if (taints.isEmpty()) {
      noExecute.remove(node.name());
    } else {
      noExecute.put(node.name(), taints);
    }
    for (Resource pod : pods.items().values()) {
      if (node.name().equals(pod.spec().path("nodeName").asText(""))) {
        evaluate(pod, taints);
      }
    }
  }

  private void podChanged(Resource pod) {
    String node = pod.spec().path("nodeName").asText("");
    if (node.isEmpty()) {
      return;
    }
    List<Taint> taints = noExecute.get(node);
    if (taints != null || pending.containsKey(name(pod))) {
      evaluate(pod, taints == null ? List.of() : taints);
    }
  }

  /** {@code processPodOnNode}: evict now, later, or never. */
  private void evaluate(Resource pod, List<Taint> taints) {
    ObjectName name = name(pod);
    if (taints.isEmpty() || pod.isBeingDeleted()) {
      cancel(name);
      return;
    }
    if (pending.containsKey(name)) {
      return;
    }
    List<Toleration> tolerations = Toleration.listOf(pod.spec().path("tolerations"));
    long minSeconds = Long.MAX_VALUE;
    for (Taint taint : taints) {
      boolean tolerated = false;
      for (Toleration toleration : tolerations) {
        if (toleration.tolerates(taint)) {
          tolerated = true;
          Long seconds = toleration.seconds();
          if (seconds != null) {
            minSeconds = Math.min(minSeconds, Math.max(0, seconds));
          }
        }
      }
      if (!tolerated) {
        minSeconds = 0;
        break;
      }
    }
    if (minSeconds == Long.MAX_VALUE) {
      return;
    }
    pending.put(name, ctx.clock().schedule(Duration.ofSeconds(minSeconds), () -> evict(name)));
  }

  private void evict(ObjectName name) {
    pending.remove(name);
    Resource pod = pods.get(name.namespace(), name.name());
    if (pod == null || pod.isBeingDeleted()) {
      return;
    }
    evictions++;
    ctx.event("taint-eviction-controller", "evict", "pods/" + name);
    events.normal(new EventRecorder.Ref("Pod", "v1", name.namespace(), name.name(), "", "", ""),
        "TaintManagerEviction", "Marking for deletion Pod " + name.namespace() + "/" + name.name());
    // addConditionAndDeletePod: read the pod, mark it DisruptionTarget (a status patch carrying its uid) unless
    // it says so already, then delete it.
    client.get(pod.key(), fresh -> {
      if (!fresh.ok()) {
        return;
      }
      Resource current = fresh.get();
      ObjectNode status = current.status().isObject() ? current.status().deepCopy() : Json.object();
      String now = ctx.timestamps().seconds(ctx.clock().now());
      if (!Pods.setCondition(status, "DisruptionTarget", "True", "DeletionByTaintManager",
          "Taint manager: deleting due to NoExecute taint", now)) {
        client.delete(pod.key(), DeleteParams.defaults().withUid(current.uid()), null);
        return;
      }
      ObjectNode patch = Json.object();
      patch.putObject("metadata").put("uid", current.uid());
      patch.putObject("status").putArray("conditions").add(Pods.condition("DisruptionTarget", "True",
          "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint", now));
      client.send(ApiCall.patch(pod.key(), PatchType.STRATEGIC, patch, PatchOptions.defaults().onStatus()),
          (Response<Resource> marked) -> {
            if (marked.ok()) {
              client.delete(pod.key(), DeleteParams.defaults().withUid(current.uid()), null);
            }
          });
    });
  }

  private void cancel(ObjectName name) {
    ScheduledTask task = pending.remove(name);
    if (task != null) {
      task.cancel();
    }
  }

  private static ObjectName name(Resource pod) {
    return new ObjectName(pod.namespace(), pod.name());
  }
}
