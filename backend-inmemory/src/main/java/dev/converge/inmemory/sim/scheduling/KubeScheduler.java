package dev.converge.inmemory.sim.scheduling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import dev.converge.inmemory.store.ObjectName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * kube-scheduler ({@code system:kube-scheduler}, its own client-side throttle): it watches pods and nodes, takes
 * pending pods from its queue one scheduling cycle at a time (higher priority first, then oldest), filters
 * nodes (NodeUnschedulable, NodeName, NodeAffinity with the node selector, TaintToleration, NodeResourcesFit),
 * scores the feasible ones by least allocated resources, assumes the pod onto the best node and binds it with
 * {@code POST pods/<name>/binding} without waiting (the binding cycle runs on its own, throttled by the
 * client). A pod whose affinity pins it to one node (a DaemonSet pod's {@code matchFields metadata.name In
 * [<node>]}) is checked against that node only, as the NodeAffinity PreFilter narrows it; other pods are
 * checked against nodes from a rotating start until {@code numFeasibleNodesToFind} fit. A pod that fits
 * nowhere gets {@code PodScheduled=False, reason Unschedulable} and waits until a node or pod changes, or
 * five minutes ({@code podMaxInUnschedulablePodsDuration}).
 *
 * <p>Its Events, written through a second client as kube-scheduler's event client: {@code Scheduled}
 * ("Successfully assigned ns/pod to node") once a binding succeeded, {@code FailedScheduling} with the
 * condition's message when a pod fits nowhere; the source is the scheduler's name, {@code default-scheduler}.
 */
public final class KubeScheduler {
  public static final Identity IDENTITY = Identity.user("system:kube-scheduler");
  /** The profile's {@code schedulerName}, the source of its Events. */
  public static final String SCHEDULER_NAME = "default-scheduler";
  static final GroupKind POD = GroupKind.of("", "Pod");
  static final GroupKind NODE = GroupKind.of("", "Node");
  /** {@code minFeasibleNodesToFind}. */
  static final int MIN_FEASIBLE = 100;
  static final Duration UNSCHEDULABLE_TIMEOUT = Duration.ofMinutes(5);

  private final SimContext ctx;
  private final SimClient client;
  private final EventRecorder events;
  private final SplittableRandom random;
  private final Duration cycle;
  private final Informer pods;
  private final Informer nodes;
  private final Map<String, NodeState> nodeStates = new HashMap<>();
  private List<NodeState> nodeOrder = List.of();
  private boolean nodeOrderDirty;
  private int nextStart;
  private final PriorityQueue<Pending> active = new PriorityQueue<>();
  private final Map<ObjectName, Pending> queued = new HashMap<>();
  private final Map<ObjectName, Resource> unschedulable = new LinkedHashMap<>();
  private final Map<ObjectName, Placed> placed = new HashMap<>();
  private long sequence;
  private boolean cycleScheduled;
  private long scheduled;
  private long failures;

  private static final class NodeState {
    NodeInfo info;
    Resources used = Resources.ZERO;

    NodeState(NodeInfo info) {
      this.info = info;
    }
  }

  /** A pod's resources counted on a node: bound (seen with {@code spec.nodeName}) or only assumed. */
  private record Placed(String node, Resources request, boolean assumed) {}

  private record Pending(ObjectName name, long priority, long sequence) implements Comparable<Pending> {
    @Override
    public int compareTo(Pending other) {
      int byPriority = Long.compare(other.priority, priority);
      return byPriority != 0 ? byPriority : Long.compare(sequence, other.sequence);
    }
  }

  public KubeScheduler(SimContext ctx, Duration cycle) {
    this.ctx = ctx;
    this.cycle = cycle;
    this.client = ctx.client(ThrottleFactory.SCHEDULER, IDENTITY);
    this.events = new EventRecorder(ctx.client(ThrottleFactory.SCHEDULER, IDENTITY), SCHEDULER_NAME, "");
    this.random = ctx.random("kube-scheduler");
    this.pods = Informer.of(client, POD);
    this.nodes = Informer.of(client, NODE);
    nodes.addHandler(Informer.Handler.of(this::nodeChanged, last -> {
      if (nodeStates.remove(last.name()) != null) {
        nodeOrderDirty = true;
      }
    }));
    pods.addHandler(Informer.Handler.of(this::podChanged, last -> {
      ObjectName name = name(last);
      release(name);
      Pending pending = queued.remove(name);
      if (pending != null) {
        active.remove(pending);
      }
      unschedulable.remove(name);
      retryUnschedulable();
    }));
  }

  /** Lists and watches nodes and pods. */
  public void start() {
    nodes.start();
    pods.start();
  }

  /** Pods bound so far (binding requests sent). */
  public long scheduled() {
    return scheduled;
  }

  /** The scheduler's Events. */
  public EventRecorder events() {
    return events;
  }

  /** Scheduling attempts that found no node. */
  public long failures() {
    return failures;
  }

  /** Pods waiting for a node change to be retried. */
  public int unschedulableCount() {
    return unschedulable.size();
  }

  /** Pods waiting in the active queue. */
  public int pendingCount() {
    return active.size();
  }

  private void nodeChanged(Resource node) {
    NodeInfo info = NodeInfo.of(node);
    NodeState state = nodeStates.get(node.name());
    if (state == null) {
      nodeStates.put(node.name(), new NodeState(info));
      nodeOrderDirty = true;
      retryUnschedulable();
    } else if (!state.info.equals(info)) {
      state.info = info;
      retryUnschedulable();
    }
  }

  private void podChanged(Resource pod) {
    ObjectName name = name(pod);
    String node = pod.spec().path("nodeName").asText("");
    String phase = pod.status().path("phase").asText("Pending");
    boolean terminal = phase.equals("Succeeded") || phase.equals("Failed");
    if (!node.isEmpty()) {
      Placed current = placed.get(name);
      if (terminal) {
        release(name);
      } else if (current == null || current.assumed() || !current.node().equals(node)) {
        release(name);
        account(name, node, Resources.requestOf(pod.spec()), false);
      }
      return;
    }
    String schedulerName = pod.spec().path("schedulerName").asText("default-scheduler");
    if (terminal || pod.isBeingDeleted() || !schedulerName.equals("default-scheduler") || placed.containsKey(name)
        || queued.containsKey(name) || unschedulable.containsKey(name)) {
      return;
    }
    enqueue(name, pod.spec().path("priority").asLong(0));
  }

  private void enqueue(ObjectName name, long priority) {
    Pending pending = new Pending(name, priority, sequence++);
    queued.put(name, pending);
    active.add(pending);
    scheduleCycle();
  }

  private void retryUnschedulable() {
    if (unschedulable.isEmpty()) {
      return;
    }
    List<Resource> retry = new ArrayList<>(unschedulable.values());
    unschedulable.clear();
    for (Resource pod : retry) {
      enqueue(name(pod), pod.spec().path("priority").asLong(0));
    }
  }

  private void scheduleCycle() {
    if (!cycleScheduled && !active.isEmpty()) {
      cycleScheduled = true;
      ctx.clock().schedule(cycle, this::runCycle);
    }
  }

  /** One scheduling cycle: the next pod is placed (or found unschedulable), then the next cycle is due. */
  private void runCycle() {
    cycleScheduled = false;
    Pending next = active.poll();
    if (next != null) {
      queued.remove(next.name());
      Resource pod = pods.get(next.name().namespace(), next.name().name());
      if (pod != null && pod.spec().path("nodeName").asText("").isEmpty() && !pod.isBeingDeleted()) {
        schedule(pod);
      }
    }
    scheduleCycle();
  }

  private void schedule(Resource pod) {
    PodPlacement placement = PodPlacement.of(pod.spec());
    List<NodeState> order = order();
    String pinned = placement.affinity().pinnedNode();
    NodeState best = null;
    long bestScore = Long.MIN_VALUE;
    int ties = 0;
    Map<String, Integer> reasons = new TreeMap<>();
    if (pinned != null) {
      NodeState state = nodeStates.get(pinned);
      String reason = state == null ? PodPlacement.AFFINITY : reject(placement, state);
      if (reason == null) {
        best = state;
      } else {
        reasons.put(reason, 1);
      }
    } else if (!order.isEmpty()) {
      int wanted = feasibleToFind(order.size());
      int found = 0;
      int checked = 0;
      for (; checked < order.size() && found < wanted; checked++) {
        NodeState state = order.get((nextStart + checked) % order.size());
        String reason = reject(placement, state);
        if (reason != null) {
          reasons.merge(reason, 1, Integer::sum);
          continue;
        }
        found++;
        long score = score(placement.request(), state);
        if (score > bestScore) {
          best = state;
          bestScore = score;
          ties = 1;
        } else if (score == bestScore && random.nextInt(++ties) == 0) {
          best = state;
        }
      }
      nextStart = (nextStart + checked) % order.size();
    }
    if (best == null) {
      unschedulableNow(pod, order.size() + (pinned != null && order.isEmpty() ? 0 : 0), reasons);
      return;
    }
    bind(pod, best, placement.request());
  }

  private @org.jspecify.annotations.Nullable String reject(PodPlacement placement, NodeState state) {
    String reason = placement.filter(state.info);
    return reason != null ? reason : placement.fitReason(state.info, state.used);
  }

  /** {@code numFeasibleNodesToFind} with the adaptive percentage: 50 % − nodes/125, at least 5 %, at least 100 nodes. */
  static int feasibleToFind(int nodes) {
    if (nodes < MIN_FEASIBLE) {
      return nodes;
    }
    int percentage = Math.max(5, 50 - nodes / 125);
    int count = nodes * percentage / 100;
    return Math.max(count, MIN_FEASIBLE);
  }

  /** NodeResourcesFit's LeastAllocated score: the mean share of CPU and memory left free, 0–100. */
  private static long score(Resources request, NodeState state) {
    Resources alloc = state.info.allocatable();
    long cpu = alloc.milliCpu() == 0 ? 0
        : (alloc.milliCpu() - state.used.milliCpu() - request.milliCpu()) * 100 / alloc.milliCpu();
    long memory = alloc.memory() == 0 ? 0
        : (alloc.memory() - state.used.memory() - request.memory()) * 100 / alloc.memory();
    return (cpu + memory) / 2;
  }

  private void bind(Resource pod, NodeState node, Resources request) {
    ObjectName name = name(pod);
    account(name, node.info.name(), request, true);
    scheduled++;
    client.bind(pod.key(), node.info.name(), response -> {
      if (response.ok()) {
        events.normal(pod, "Scheduled", "Successfully assigned " + pod.namespace() + "/" + pod.name() + " to "
            + node.info.name());
      }
      Placed current = placed.get(name);
      if (!response.ok() && current != null && current.assumed()) {
        // The binding failed: forget the assumed pod and try it again after a back-off.
        release(name);
        Resource latest = pods.get(name.namespace(), name.name());
        if (latest != null) {
          ctx.clock().schedule(Duration.ofSeconds(1), () -> podChanged(latest));
        }
      }
    });
  }

  private void unschedulableNow(Resource pod, int nodeCount, Map<String, Integer> reasons) {
    failures++;
    ObjectName name = name(pod);
    unschedulable.put(name, pod);
    ctx.clock().schedule(UNSCHEDULABLE_TIMEOUT, () -> {
      Resource waiting = unschedulable.remove(name);
      if (waiting != null) {
        enqueue(name, waiting.spec().path("priority").asLong(0));
      }
    });
    StringBuilder message = new StringBuilder().append(0).append('/').append(nodeStates.size())
        .append(" nodes are available: ");
    List<String> parts = new ArrayList<>();
    reasons.forEach((reason, count) -> parts.add(count + " " + reason));
    message.append(String.join(", ", parts)).append('.');
    ObjectNode patch = Json.object();
    ArrayNode conditions = patch.putObject("status").putArray("conditions");
    ObjectNode condition = conditions.addObject();
    condition.put("type", "PodScheduled");
    condition.put("status", "False");
    condition.putNull("lastProbeTime");
    condition.put("lastTransitionTime", ctx.timestamps().seconds(ctx.clock().now()));
    condition.put("reason", "Unschedulable");
    condition.put("message", message.toString());
    client.mergePatchStatus(pod.key(), patch, null);
    events.warning(pod, "FailedScheduling", message.toString());
  }

  private void account(ObjectName name, String node, Resources request, boolean assumed) {
    placed.put(name, new Placed(node, request, assumed));
    NodeState state = nodeStates.get(node);
    if (state != null) {
      state.used = state.used.plus(request);
    }
  }

  private void release(ObjectName name) {
    Placed gone = placed.remove(name);
    if (gone != null) {
      NodeState state = nodeStates.get(gone.node());
      if (state != null) {
        state.used = state.used.minus(gone.request());
      }
    }
  }

  private List<NodeState> order() {
    if (nodeOrderDirty) {
      List<NodeState> sorted = new ArrayList<>(nodeStates.values());
      sorted.sort((a, b) -> a.info.name().compareTo(b.info.name()));
      nodeOrder = sorted;
      nodeOrderDirty = false;
    }
    return nodeOrder;
  }

  private static ObjectName name(Resource pod) {
    return new ObjectName(pod.namespace(), pod.name());
  }

  /** The key of a pod, for callers holding names. */
  static ResourceKey key(ObjectName name) {
    return ResourceKey.namespaced("", "Pod", name.namespace(), name.name());
  }
}
