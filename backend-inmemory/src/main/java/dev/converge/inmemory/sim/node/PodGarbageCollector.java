package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.Pods;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.Response;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import java.util.HashMap;
import java.util.Map;

/**
 * The pod garbage collector ({@code pkg/controller/podgc}), every {@code gcCheckPeriod}: pods bound to a node
 * that has been gone for the quarantine time are force-deleted ({@code gcOrphaned}), and so are unbound pods
 * marked for deletion ({@code gcUnscheduledTerminating}) — no kubelet will ever finish them. Each is first
 * applied {@code Failed} unless it ended already, an orphan with the {@code DisruptionTarget} condition.
 */
public final class PodGarbageCollector {
  private final SimContext ctx;
  private final SimClient client;
  private final NodeLifecycleConfig config;
  private final Informer nodes;
  private final Informer pods;
  private final Map<String, Long> missingSince = new HashMap<>();
  private long collected;
  /**
   * Whether a scan may find something: false after a scan that found no pod to delete and no missing node,
   * until a pod is added, changed or deleted or a node is deleted (what can give a scan something to do).
   */
  private boolean dirty = true;

  public PodGarbageCollector(SimContext ctx, SimClient client, SharedInformers informers, NodeLifecycleConfig config) {
    this.ctx = ctx;
    this.client = client;
    this.config = config;
    this.nodes = informers.of(Kubelet.NODE);
    this.pods = informers.of(Kubelet.POD);
    pods.addHandler(Informer.Handler.of(pod -> dirty = true, pod -> dirty = true));
    nodes.addHandler(new Informer.Handler() {
      @Override
      public void onDelete(Resource last) {
        dirty = true;
      }
    });
  }

  /** Whether the next scan will walk the pods (false: the last one found nothing, and nothing changed since). */
  public boolean willScan() {
    return dirty || !missingSince.isEmpty();
  }

  public void start(SharedInformers informers) {
    informers.whenSynced(() -> ctx.clock().schedule(config.podGcPeriod(), this::collect));
  }

  /** Pods force-deleted so far. */
  public long collected() {
    return collected;
  }

  private void collect() {
    if (!willScan()) {
      // The same pods and nodes as at the last scan, which found nothing: this one would find nothing either.
      ctx.clock().schedule(config.podGcPeriod(), this::collect);
      return;
    }
    long before = collected;
    long now = ctx.clock().nanoTime();
    Map<String, Long> stillMissing = new HashMap<>();
    for (Resource pod : pods.items().values()) {
      String node = pod.spec().path("nodeName").asText("");
      if (node.isEmpty()) {
        if (pod.isBeingDeleted()) {
          forceDelete(pod, false);
        }
        continue;
      }
      if (nodes.get("", node) != null) {
        continue;
      }
      long since = missingSince.getOrDefault(node, now);
      stillMissing.put(node, since);
      if (now - since >= config.podGcQuarantine().toNanos()) {
        forceDelete(pod, true);
      }
    }
    missingSince.clear();
    missingSince.putAll(stillMissing);
    dirty = collected != before;
    ctx.clock().schedule(config.podGcPeriod(), this::collect);
  }

  /**
   * {@code markFailedAndDeletePodWithCondition}: a pod not yet Succeeded or Failed is first applied {@code Failed}
   * (server-side apply of the status, manager {@code PodGC}, forced) — no kubelet will ever report its end — with,
   * for an orphan of a deleted node, the condition {@code DisruptionTarget} True, {@code DeletionByPodGC}, "PodGC:
   * node no longer exists"; then it is deleted with grace 0. A failed apply leaves the pod for the next scan.
   */
  private void forceDelete(Resource pod, boolean orphaned) {
    collected++;
    Runnable delete = () -> client.delete(pod.key(), DeleteParams.defaults().withGracePeriod(0).withUid(pod.uid()),
        null);
    String phase = pod.status().path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      delete.run();
      return;
    }
    ObjectNode apply = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    apply.putObject("metadata").put("name", pod.name()).put("namespace", pod.namespace());
    ObjectNode status = apply.putObject("status").put("phase", "Failed");
    if (orphaned) {
      status.putArray("conditions").add(Pods.condition("DisruptionTarget", "True", "DeletionByPodGC",
          "PodGC: node no longer exists", ctx.timestamps().seconds(ctx.clock().now())));
    }
    client.send(ApiCall.patch(pod.key(), PatchType.APPLY, apply, PatchOptions.apply("PodGC", true).onStatus()),
        (Response<Resource> applied) -> {
          if (applied.ok()) {
            delete.run();
          }
        });
  }
}
