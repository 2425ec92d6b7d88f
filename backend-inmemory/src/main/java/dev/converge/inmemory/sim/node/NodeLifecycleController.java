package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.Pods;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.NameInstanceCache;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.scheduling.Taint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node lifecycle controller ({@code pkg/controller/nodelifecycle}), part of kube-controller-manager. Every
 * monitor period it checks each node's health: a node whose kubelet has neither renewed its Lease nor posted
 * status for the grace period gets all its conditions set to {@code Unknown} ("Kubelet stopped posting node
 * status.") and its pods marked not Ready ({@code MarkPodsNotReady}). From the Ready condition it keeps the
 * taints: {@code node.kubernetes.io/unreachable} (Unknown) or {@code not-ready} (False), with effect NoSchedule
 * at once ({@code TaintNodesByCondition}) and NoExecute through a per-zone rate-limited queue
 * ({@code --node-eviction-rate} 0.1 nodes/s in a healthy zone, the secondary rate or nothing in a partially
 * disrupted one, none at all when every zone is fully disrupted). Taints go when the node is Ready again.
 *
 * <p>Its Events (source {@code node-controller}): {@code RegisteredNode} for every node it comes to know,
 * {@code NodeNotReady} on a Ready node it marks Unknown, and a Warning {@code NodeNotReady} on each pod it marked
 * not Ready.
 */
public final class NodeLifecycleController {
  static final String ZONE_LABEL = "topology.kubernetes.io/zone";

  private final SimContext ctx;
  private final SimClient client;
  private final EventRecorder events;
  private final NodeLifecycleConfig config;
  private final Informer nodes;
  private final Informer pods;
  /** Health by node: hashed for the Lease stream, and in name order for the monitor's walk. */
  private final Map<String, Health> health = new HashMap<>();
  private final TreeMap<String, Health> healthInOrder = new TreeMap<>();
  /**
   * {@link #health} by the very name string a Lease event carries (a Lease's versions share it): a reference
   * lookup for the ten thousand renewals a minute, instead of hashing and comparing names. A cache in front of
   * {@link #health}, never the truth: entries whose node was deleted are skipped and replaced.
   */
  private final NameInstanceCache<Health> byLeaseName = new NameInstanceCache<>();
  private final Map<String, ZoneQueue> zones = new TreeMap<>();
  private final Map<String, Set<String>> podsByNode = new HashMap<>();
  private long unknownTransitions;

  /** What the controller tracks per node, refreshed from node and Lease events rather than re-read each tick. */
  private static final class Health {
    long probeNanos;
    String renewTime = "";
    String heartbeat = "";
    String ready = "";
    String zone = "";
    boolean exists;
    /** The node changed since its taints were last reconciled. */
    boolean dirty = true;
    /** Dropped from {@link #health} (its node was deleted): a lookup by lease name must find its successor. */
    boolean gone;
  }

  /**
   * The NoExecute tainting queue of one zone ({@code RateLimitedTimedQueue}) with its limiter: a token bucket of
   * burst 1 refilled at the zone's rate.
   */
  private static final class ZoneQueue {
    final ArrayDeque<String> queue = new ArrayDeque<>();
    final Set<String> queued = new LinkedHashSet<>();
    double tokens = 1;
    long refilledAt;

    boolean take(double rate, long now) {
      tokens = Math.min(1, tokens + (now - refilledAt) / 1e9 * rate);
      refilledAt = now;
      if (rate <= 0 || tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }

  public NodeLifecycleController(SimContext ctx, SimClient client, SharedInformers informers,
      NodeLifecycleConfig config) {
    this.ctx = ctx;
    this.client = client;
    this.events = new EventRecorder(client, "node-controller", "");
    this.config = config;
    this.nodes = informers.of(Kubelet.NODE);
    this.pods = informers.of(Kubelet.POD);
    Informer leases = informers.in(GroupKind.of("coordination.k8s.io", "Lease"), NodeObjects.LEASE_NAMESPACE);
    pods.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource pod) {
        index(pod, true);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        index(old, false);
        index(current, true);
      }

      @Override
      public void onDelete(Resource last) {
        index(last, false);
      }
    });
    leases.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource lease) {
        renewed(lease);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        renewed(current);
      }
    });
    nodes.addHandler(new Informer.Handler() {
      @Override
      public void onAdd(Resource node) {
        events.normal(nodeRef(node), "RegisteredNode", "Node " + node.name() + " event: Registered Node "
            + node.name() + " in Controller");
        Health h = health(node.name());
        h.probeNanos = ctx.clock().nanoTime();
        observe(h, node);
      }

      @Override
      public void onUpdate(Resource old, Resource current) {
        Health h = health(current.name());
        String beat = heartbeat(current);
        if (!beat.equals(h.heartbeat)) {
          h.probeNanos = ctx.clock().nanoTime();
        }
        observe(h, current);
      }

      @Override
      public void onDelete(Resource last) {
        Health removed = health.remove(last.name());
        if (removed != null) {
          removed.gone = true;
        }
        healthInOrder.remove(last.name());
      }
    });
  }

  /** Starts the monitor loop once the caches are filled. */
  public void start(SharedInformers informers) {
    informers.whenSynced(() -> ctx.clock().schedule(config.monitorPeriod(), this::monitor));
  }

  /** How many times a node's Ready condition was set to Unknown. */
  public long unknownTransitions() {
    return unknownTransitions;
  }

  private Health health(String node) {
    Health h = health.get(node);
    if (h == null) {
      h = new Health();
      health.put(node, h);
      healthInOrder.put(node, h);
    }
    return h;
  }

  private static void observe(Health h, Resource node) {
    h.exists = true;
    h.heartbeat = heartbeat(node);
    h.ready = readyStatus(node);
    h.zone = zone(node);
    h.dirty = true;
  }

  private void renewed(Resource lease) {
    String name = lease.name();
    Health h = byLeaseName.get(name);
    if (h == null || h.gone) {
      h = health(name);
      byLeaseName.put(name, h, health.size());
    }
    String renew = lease.spec().path("renewTime").asText("");
    if (!renew.equals(h.renewTime)) {
      h.renewTime = renew;
      h.probeNanos = ctx.clock().nanoTime();
    }
  }

  /** {@code monitorNodeHealth}, then the NoExecute tainting pass; every monitor period. */
  private void monitor() {
    long now = ctx.clock().nanoTime();
    long grace = config.gracePeriod().toNanos();
    long startupGrace = config.startupGracePeriod().toNanos();
    Map<String, int[]> readyByZone = new TreeMap<>();
    // Nodes mostly share a few zones: the last zone's counts are found without the tree lookup.
    String lastZone = null;
    int[] lastCounts = null;
    for (Map.Entry<String, Health> entry : healthInOrder.entrySet()) {
      Health h = entry.getValue();
      if (!h.exists) {
        continue;
      }
      if (now - h.probeNanos > (h.ready.isEmpty() ? startupGrace : grace) && !h.ready.equals("Unknown")) {
        Resource node = nodes.get("", entry.getKey());
        if (node != null) {
          if (h.ready.equals("True")) {
            events.normal(nodeRef(node), "NodeNotReady", "Node " + node.name() + " status is now: NodeNotReady");
          }
          markUnknown(node);
          h.ready = "Unknown";
          h.dirty = true;
        }
      }
      int[] counts;
      if (h.zone.equals(lastZone)) {
        counts = lastCounts;
      } else {
        counts = readyByZone.computeIfAbsent(h.zone, k -> new int[2]);
        lastZone = h.zone;
        lastCounts = counts;
      }
      counts[h.ready.equals("True") ? 0 : 1]++;
      if (h.dirty) {
        h.dirty = false;
        Resource node = nodes.get("", entry.getKey());
        if (node != null) {
          reconcileTaints(node, h.ready);
        }
      }
    }
    taintingPass(readyByZone);
    ctx.clock().schedule(config.monitorPeriod(), this::monitor);
  }

  private void markUnknown(Resource node) {
    unknownTransitions++;
    ctx.event("node-lifecycle-controller", "unknown", "nodes/" + node.name());
    String now = ctx.timestamps().seconds(ctx.clock().now());
    ObjectNode patch = Json.object();
    ArrayNode conditions = patch.putObject("status").putArray("conditions");
    for (JsonNode condition : node.status().path("conditions")) {
      ObjectNode copy = conditions.addObject();
      copy.put("type", condition.path("type").asText());
      copy.put("status", "Unknown");
      copy.set("lastHeartbeatTime", condition.path("lastHeartbeatTime"));
      copy.put("lastTransitionTime", now);
      copy.put("reason", "NodeStatusUnknown");
      copy.put("message", "Kubelet stopped posting node status.");
    }
    client.mergePatchStatus(node.key(), patch, null);
    for (String key : List.copyOf(podsByNode.getOrDefault(node.name(), Set.of()))) {
      int slash = key.indexOf('/');
      Resource pod = pods.get(key.substring(0, slash), key.substring(slash + 1));
      if (pod != null && Pods.isReady(pod)) {
        // "record NodeNotReady event after updateStatus to make sure pod still exists" (MarkPodsNotReady)
        client.mergePatchStatus(pod.key(), podNotReady(pod, now), response -> {
          if (response.ok()) {
            events.warning(pod, "NodeNotReady", "Node is not ready");
          }
        });
      }
    }
  }

  /** {@code RecordNodeEvent}'s reference to a node. */
  private static EventRecorder.Ref nodeRef(Resource node) {
    return new EventRecorder.Ref("Node", "v1", "", node.name(), node.uid() == null ? "" : node.uid(), "", "");
  }

  /** The NoSchedule taint follows the Ready condition at once; NoExecute removal is immediate too. */
  private void reconcileTaints(Resource node, String ready) {
    String key = ready.equals("False") ? Taint.NOT_READY : ready.equals("Unknown") ? Taint.UNREACHABLE : null;
    List<Taint> taints = new ArrayList<>(Taint.listOf(node.spec().path("taints")));
    List<Taint> wanted = new ArrayList<>();
    boolean hasNoExecute = false;
    for (Taint taint : taints) {
      boolean ours = taint.key().equals(Taint.NOT_READY) || taint.key().equals(Taint.UNREACHABLE);
      if (!ours) {
        wanted.add(taint);
      } else if (taint.key().equals(key)) {
        wanted.add(taint);
        hasNoExecute |= taint.effect().equals(Taint.NO_EXECUTE);
      }
    }
    if (key != null && wanted.stream().noneMatch(t -> t.key().equals(key) && t.effect().equals(Taint.NO_SCHEDULE))) {
      wanted.add(Taint.of(key, "", Taint.NO_SCHEDULE));
    }
    ZoneQueue zone = zones.computeIfAbsent(zone(node), k -> new ZoneQueue());
    if (key != null && !hasNoExecute) {
      if (zone.queued.add(node.name())) {
        zone.queue.addLast(node.name());
      }
    } else if (key == null && zone.queued.remove(node.name())) {
      zone.queue.remove(node.name());
    }
    if (!wanted.equals(taints)) {
      patchTaints(node, wanted);
    }
  }

  /** {@code doNoExecuteTaintingPass}: each zone's queue drains at its zone's rate. */
  private void taintingPass(Map<String, int[]> readyByZone) {
    boolean allFullyDisrupted = !readyByZone.isEmpty();
    for (int[] counts : readyByZone.values()) {
      allFullyDisrupted &= counts[0] == 0 && counts[1] > 0;
    }
    for (Map.Entry<String, ZoneQueue> entry : zones.entrySet()) {
      ZoneQueue zone = entry.getValue();
      int[] counts = readyByZone.getOrDefault(entry.getKey(), new int[2]);
      double rate = allFullyDisrupted ? 0 : rate(counts[0], counts[1]);
      while (!zone.queue.isEmpty() && zone.take(rate, ctx.clock().nanoTime())) {
        String name = zone.queue.pollFirst();
        zone.queued.remove(name);
        Resource node = nodes.get("", name);
        String ready = node == null ? "True" : readyStatus(node);
        if (node != null && !ready.equals("True")) {
          List<Taint> taints = new ArrayList<>(Taint.listOf(node.spec().path("taints")));
          taints.add(Taint.of(ready.equals("False") ? Taint.NOT_READY : Taint.UNREACHABLE, "", Taint.NO_EXECUTE));
          patchTaints(node, taints);
        }
      }
    }
  }

  /** {@code ComputeZoneState} and {@code setLimiterInZone}. */
  private double rate(int ready, int notReady) {
    if (ready == 0 && notReady > 0) {
      return config.evictionRate();
    }
    if (notReady > 2 && (double) notReady / (ready + notReady) >= config.unhealthyZoneThreshold()) {
      return ready + notReady > config.largeClusterThreshold() ? config.secondaryEvictionRate() : 0;
    }
    return config.evictionRate();
  }

  private void patchTaints(Resource node, List<Taint> taints) {
    ctx.event("node-lifecycle-controller", "taint", "nodes/" + node.name() + " " + taints);
    ObjectNode patch = Json.object();
    ArrayNode array = patch.putObject("spec").putArray("taints");
    String now = ctx.timestamps().seconds(ctx.clock().now());
    for (Taint taint : taints) {
      ObjectNode json = taint.toJson();
      if (taint.effect().equals(Taint.NO_EXECUTE)) {
        json.put("timeAdded", now);
      }
      array.add(json);
    }
    client.mergePatch(node.key(), patch, null);
  }

  private void index(Resource pod, boolean add) {
    String node = pod.spec().path("nodeName").asText("");
    if (node.isEmpty()) {
      return;
    }
    String key = pod.namespace() + "/" + pod.name();
    if (add) {
      podsByNode.computeIfAbsent(node, k -> new java.util.TreeSet<>()).add(key);
    } else {
      Set<String> onNode = podsByNode.get(node);
      if (onNode != null) {
        onNode.remove(key);
        if (onNode.isEmpty()) {
          podsByNode.remove(node);
        }
      }
    }
  }

  private static ObjectNode podNotReady(Resource pod, String now) {
    ObjectNode patch = Json.object();
    ArrayNode conditions = patch.putObject("status").putArray("conditions");
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        ObjectNode copy = conditions.addObject();
        copy.put("type", "Ready");
        copy.put("status", "False");
        copy.putNull("lastProbeTime");
        copy.put("lastTransitionTime", now);
        copy.put("reason", "NodeNotReady");
      } else {
        conditions.add(condition);
      }
    }
    return patch;
  }

  static String readyStatus(Resource node) {
    for (JsonNode condition : node.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText("");
      }
    }
    return "";
  }

  private static String heartbeat(Resource node) {
    for (JsonNode condition : node.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("lastHeartbeatTime").asText("") + "/" + condition.path("status").asText("");
      }
    }
    return "";
  }

  private static String zone(Resource node) {
    return Objects.requireNonNullElse(node.labels().get(ZONE_LABEL), "");
  }
}
