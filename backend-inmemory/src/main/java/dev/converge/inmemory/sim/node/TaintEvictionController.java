package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
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
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Taint-based eviction ({@code pkg/controller/tainteviction}, formerly the NoExecute taint manager): a pod on a
 * node with NoExecute taints is deleted at once if it does not tolerate one of them, or when the shortest
 * {@code tolerationSeconds} of the tolerations it uses has passed; a pod that tolerates them for ever (every
 * DaemonSet pod tolerates not-ready and unreachable) stays. When the taints go, pending evictions are
 * cancelled, with a {@code TaintManagerEviction} Event "Cancelling deletion of Pod ns/name". Ordinary pods get
 * 300-second tolerations from the DefaultTolerationSeconds admission defaults. A pod's updates are looked at
 * only when they change its node or its tolerations ({@code PodUpdated}), so its own status reports do not
 * reschedule its eviction.
 *
 * <p>Each deletion is announced by a {@code TaintManagerEviction} Event ("Marking for deletion Pod ns/name",
 * source {@code taint-eviction-controller}), and the pod is first marked with the {@code DisruptionTarget}
 * condition ({@code DeletionByTaintManager}): a GET, a status patch unless the condition is there already, then
 * a DELETE without preconditions. A failing step fails the attempt; up to 5 attempts are made, 10 ms apart
 * ({@code deletePodHandler}), after which the eviction is given up until the pod or its node changes again.
 */
public final class TaintEvictionController {
  /** {@code retries} in {@code taint_eviction.go}: attempts at marking and deleting one pod. */
  static final int ATTEMPTS = 5;
  /** The pause between two attempts ({@code time.Sleep(10 * time.Millisecond)}). */
  static final Duration RETRY_PAUSE = Duration.ofMillis(10);
  private final SimContext ctx;
  private final SimClient client;
  private final EventRecorder events;
  private final Informer nodes;
  private final Informer pods;
  /**
   * The timed work queue ({@code TimedWorkerQueue}): a pod's eviction from when it is scheduled until it is
   * cancelled. Work that deleted its pod stays (as upstream's nil worker) so that the pod's later updates do not
   * schedule it again; work that failed every attempt goes.
   */
  private final Map<ObjectName, Work> work = new HashMap<>();
  private final Map<String, List<Taint>> noExecute = new HashMap<>();
  private long evictions;

  public TaintEvictionController(SimContext ctx, SimClient client, SharedInformers informers) {
    this.ctx = ctx;
    this.client = client;
    this.events = new EventRecorder(client, "taint-eviction-controller", "");
    this.nodes = informers.of(Kubelet.NODE);
    this.pods = informers.of(Kubelet.POD);
    nodes.addHandler(Informer.Handler.of(this::nodeChanged, last -> noExecute.remove(last.name())));
    pods.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        podChanged(pod);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        // PodUpdated: only a change of node or of tolerations is looked at.
        if (!old.spec().path("nodeName").equals(current.spec().path("nodeName"))
            || !old.spec().path("tolerations").equals(current.spec().path("tolerations"))) {
          podChanged(current);
        }
      }

      @Override
      public void onDelete(Resource last) {
        cancel(last);
      }
    });
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
    if (taints != null || work.containsKey(name(pod))) {
      evaluate(pod, taints == null ? List.of() : taints);
    }
  }

  /** {@code processPodOnNode}: evict now, later, or never. */
  private void evaluate(Resource pod, List<Taint> taints) {
    ObjectName name = name(pod);
    if (taints.isEmpty()) {
      cancel(pod);
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
        // Not all taints tolerated: whatever was scheduled goes, and the pod is deleted right away.
        cancel(pod);
        add(name, ctx.clock().nanoTime(), 0);
        return;
      }
    }
    if (minSeconds == Long.MAX_VALUE) {
      // Tolerated for ever.
      cancel(pod);
      return;
    }
    long start = ctx.clock().nanoTime();
    long wait = minSeconds * 1_000_000_000L;
    Work scheduled = work.get(name);
    if (scheduled != null && scheduled.timer != null) {
      // Scheduled already: kept when its start plus the toleration is before now plus it (upstream compares the
      // two trigger times, so any work scheduled before this instant is kept), else replaced from its start.
      if (scheduled.createdAt < start) {
        return;
      }
      start = scheduled.createdAt;
      cancel(pod);
    }
    add(name, start, Math.max(0, start + wait - ctx.clock().nanoTime()));
  }

  /** {@code AddWork}: schedules the eviction unless work for the pod exists (scheduled, running or done). */
  private void add(ObjectName name, long createdAt, long delayNanos) {
    if (work.containsKey(name)) {
      return;
    }
    Work added = new Work(createdAt);
    work.put(name, added);
    added.timer = ctx.clock().schedule(Duration.ofNanos(delayNanos), () -> {
      added.timer = null;
      evict(name, added);
    });
  }

  /** One pod's eviction in the work queue. */
  private static final class Work {
    final long createdAt;
    /** The timer until it fires; null once it has (the eviction running or done). */
    @Nullable ScheduledTask timer;
    /** Whether it fired and has not finished yet: a cancellation then announces itself. */
    boolean running;

    Work(long createdAt) {
      this.createdAt = createdAt;
    }
  }

  private void evict(ObjectName name, Work current) {
    Resource pod = pods.get(name.namespace(), name.name());
    if (pod == null) {
      work.remove(name);
      return;
    }
    current.running = true;
    evictions++;
    ctx.event("taint-eviction-controller", "evict", "pods/" + name);
    events.normal(ref(name), "TaintManagerEviction", "Marking for deletion Pod " + name.namespace() + "/" + name.name());
    attempt(pod.key(), 1, error -> {
      current.running = false;
      if (error != null && work.get(name) == current) {
        // Failed every attempt: the work goes, so that the pod's next relevant update schedules it again.
        work.remove(name);
      }
    });
  }

  /**
   * {@code addConditionAndDeletePod}: read the pod, mark it DisruptionTarget (a status patch carrying its uid)
   * unless it says so already, then delete it. Any failing step fails the attempt; {@code deletePodHandler} makes
   * {@link #ATTEMPTS} of them, {@link #RETRY_PAUSE} apart, then gives up (the timed worker only logs the error).
   */
  private void attempt(ResourceKey key, int attempt, Consumer<@Nullable Throwable> done) {
    Consumer<@Nullable Throwable> outcome = error -> {
      if (error != null && attempt < ATTEMPTS) {
        ctx.clock().schedule(RETRY_PAUSE, () -> attempt(key, attempt + 1, done));
      } else {
        done.accept(error);
      }
    };
    client.get(key, fresh -> {
      if (!fresh.ok()) {
        outcome.accept(fresh.error());
        return;
      }
      Resource current = fresh.get();
      ObjectNode status = current.status().isObject() ? current.status().deepCopy() : Json.object();
      String now = ctx.timestamps().seconds(ctx.clock().now());
      // As upstream, the delete carries no preconditions.
      Runnable delete = () -> client.delete(key, DeleteParams.defaults(), deleted -> outcome.accept(deleted.error()));
      if (!Pods.setCondition(status, "DisruptionTarget", "True", "DeletionByTaintManager",
          "Taint manager: deleting due to NoExecute taint", now)) {
        delete.run();
        return;
      }
      ObjectNode patch = Json.object();
      patch.putObject("metadata").put("uid", current.uid());
      patch.putObject("status").putArray("conditions").add(Pods.condition("DisruptionTarget", "True",
          "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint", now));
      client.send(ApiCall.patch(key, PatchType.STRATEGIC, patch, PatchOptions.defaults().onStatus()),
          (Response<Resource> marked) -> {
            if (marked.ok()) {
              delete.run();
            } else {
              outcome.accept(marked.error());
            }
          });
    });
  }

  /**
   * {@code cancelWorkWithEvent}: drops the pod's work; work that was still to fire, or firing, is announced
   * ("Cancelling deletion of Pod").
   */
  private void cancel(Resource pod) {
    ObjectName name = name(pod);
    Work cancelled = work.remove(name);
    if (cancelled == null || (cancelled.timer == null && !cancelled.running)) {
      return;
    }
    if (cancelled.timer != null) {
      cancelled.timer.cancel();
    }
    events.normal(ref(name), "TaintManagerEviction", "Cancelling deletion of Pod " + name.namespace() + "/"
        + name.name());
  }

  private static EventRecorder.Ref ref(ObjectName name) {
    return new EventRecorder.Ref("Pod", "v1", name.namespace(), name.name(), "", "", "");
  }

  private static ObjectName name(Resource pod) {
    return new ObjectName(pod.namespace(), pod.name());
  }
}
