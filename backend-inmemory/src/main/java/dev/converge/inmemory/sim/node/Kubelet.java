package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.core.time.ScheduledTask;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.runtime.ApiCall;
import dev.converge.inmemory.sim.runtime.EventRecorder;
import dev.converge.inmemory.sim.runtime.Informer;
import dev.converge.inmemory.sim.runtime.Response;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One node's kubelet, acting as {@code system:node:<name>} (group {@code system:nodes}) with its own client-side
 * throttle. It registers its Node, creates and renews its Lease in {@code kube-node-lease} every renew interval
 * (with the nodelease controller's jitter), posts its NodeStatus every status report period, and runs the pods
 * bound to it, which it learns about through a watch with the field selector {@code spec.nodeName=<name>}
 * (served by the pod index). The pods' lives are in {@link PodLifecycle}. It also watches its Node, the
 * Services, and the Secrets and ConfigMaps its pods use ({@link KubeletWatches}).
 *
 * <p>It records Events as a kubelet does, through a second client with its own throttle (the event client):
 * {@code Starting} when it starts; the node's condition transitions ({@code NodeHasSufficientMemory},
 * {@code NodeHasNoDiskPressure}, {@code NodeHasSufficientPID}), {@code NodeAllocatableEnforced} and
 * {@code NodeReady} once registered; and its pods' image pulls, container starts, back-offs and stops.
 *
 * <p>{@link #stop()} is a kubelet that dies: nothing more is written, so the node lifecycle controller marks the
 * node NotReady after its grace period. {@link #start()} after a stop is a kubelet that comes back.
 */
public final class Kubelet {
  static final GroupKind POD = GroupKind.of("", "Pod");
  static final GroupKind NODE = GroupKind.of("", "Node");
  static final GroupKind LEASE = GroupKind.of("coordination.k8s.io", "Lease");
  /** The condition events of a healthy node's first status ({@code nodestatus.MemoryPressureCondition}, …). */
  private static final String[] NODE_CONDITION_EVENTS =
      {"NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID"};

  private final SimContext ctx;
  private final KubeletConfig config;
  private final String name;
  private final NodePool pool;
  private final int ordinal;
  private final SimClient client;
  private final SplittableRandom random;
  private final PodLifecycle pods;
  private final EventRecorder events;
  private final KubeletWatches watches;
  private final KubeletTokens tokens;
  /** The node's kube-proxy, which lives and dies with the kubelet, or null when the cluster runs none. */
  private final @Nullable KubeProxy proxy;
  private @Nullable Informer informer;
  private @Nullable Resource lease;
  private @Nullable String nodeUid;
  private String readySince = "";
  private boolean running;
  private int epoch;
  private @Nullable ScheduledTask renewTask;
  private @Nullable ScheduledTask statusTask;
  private long renewals;

  Kubelet(SimContext ctx, KubeletConfig config, List<CrashLoop> crashLoops, String name, NodePool pool, int ordinal,
      @Nullable KubeProxy proxy) {
    this.ctx = ctx;
    this.config = config;
    this.name = name;
    this.pool = pool;
    this.ordinal = ordinal;
    this.client = ctx.client(ThrottleFactory.KUBELET, identity(name));
    this.random = ctx.random("kubelet/" + name);
    this.pods = new PodLifecycle(this, crashLoops);
    this.watches = new KubeletWatches(client, name);
    this.tokens = new KubeletTokens(this);
    this.proxy = proxy;
    this.events = new EventRecorder(ctx.client(ThrottleFactory.KUBELET_EVENTS, identity(name)), "kubelet", name);
  }

  /** The identity of node {@code name}'s kubelet ({@code system:node:<name>} in {@code system:nodes}). */
  public static Identity identity(String name) {
    return Identity.user("system:node:" + name, "system:nodes");
  }

  public String name() {
    return name;
  }

  public NodePool pool() {
    return pool;
  }

  /** Whether the kubelet is up (registered or registering, renewing its Lease). */
  public boolean isRunning() {
    return running;
  }

  /** Lease renewals sent so far. */
  public long renewals() {
    return renewals;
  }

  /** Pods this kubelet is running or starting (not the ones terminating). */
  public int activePods() {
    return pods.active();
  }

  SimContext ctx() {
    return ctx;
  }

  KubeletConfig config() {
    return config;
  }

  SimClient client() {
    return client;
  }

  /** The Events this kubelet records. */
  public EventRecorder events() {
    return events;
  }

  /** The watches of the Secrets and ConfigMaps its pods use, which their volumes and variables are read from. */
  KubeletWatches watches() {
    return watches;
  }

  /** The service account tokens of its pods' projected volumes. */
  KubeletTokens tokens() {
    return tokens;
  }

  SplittableRandom random() {
    return random;
  }

  int ordinal() {
    return ordinal;
  }

  int epoch() {
    return epoch;
  }

  String now() {
    return ctx.timestamps().seconds(ctx.clock().now());
  }

  /** Registers the node (or finds it registered), then creates or adopts the Lease and starts the pod watch. */
  public void start() {
    if (running) {
      return;
    }
    running = true;
    int current = ++epoch;
    ctx.event("kubelet/" + name, "start", "nodes/" + name);
    events.normal(EventRecorder.Ref.node(name), "Starting", "Starting kubelet.");
    String now = now();
    readySince = now;
    watches.start();
    client.create(NodeObjects.node(name, ordinal, pool, now), response -> {
      if (current != epoch) {
        return;
      }
      if (response.ok()) {
        registered(response.get(), current);
      } else if (response.failedWith(BackendException.AlreadyExists.class)) {
        client.get(ResourceKey.cluster("", "Node", name), existing -> {
          if (current == epoch && existing.ok()) {
            registered(existing.get(), current);
            postStatus();
          }
        });
      }
    });
  }

  /** The kubelet dies: no more writes; its pods stay as they are in the API. */
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    epoch++;
    ctx.event("kubelet/" + name, "stop", "nodes/" + name);
    cancel(renewTask);
    cancel(statusTask);
    renewTask = null;
    statusTask = null;
    if (informer != null) {
      informer.stop();
      informer = null;
    }
    watches.stop();
    if (proxy != null) {
      proxy.stop();
    }
    pods.stopAll();
    tokens.clear();
  }

  private void registered(Resource node, int current) {
    nodeUid = node.uid();
    if (proxy != null) {
      // kube-proxy runs on a registered node (a DaemonSet's pod, in kubeadm's and kind's clusters).
      proxy.start();
    }
    EventRecorder.Ref self = EventRecorder.Ref.node(name);
    for (String condition : NODE_CONDITION_EVENTS) {
      events.normal(self, condition, "Node " + name + " status is now: " + condition);
    }
    events.normal(self, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
    events.normal(self, "NodeReady", "Node " + name + " status is now: NodeReady");
    Resource fresh = NodeObjects.lease(name, nodeUid == null ? "" : nodeUid, config.leaseDuration().toSeconds(),
        ctx.timestamps().micros(ctx.clock().now()));
    client.create(fresh, response -> {
      if (current != epoch) {
        return;
      }
      if (response.ok()) {
        lease = response.get();
        scheduleRenew();
      } else if (response.failedWith(BackendException.AlreadyExists.class)) {
        lease = null;
        renew();
      }
    });
    Informer podInformer = new Informer(client, POD, null, LabelSelector.everything(),
        FieldSelector.equal("spec.nodeName", name));
    podInformer.addHandler(pods);
    podInformer.addHandler(watches);
    informer = podInformer;
    podInformer.start();
    scheduleStatus();
    KubeletCsiNode.initialize(client, name, () -> current == epoch);
  }

  private void scheduleRenew() {
    scheduleRenewAfter(0);
  }

  /** {@code wait.JitterUntil(sync, renewInterval, 0.04, sliding)}: the next renewal an interval after this one ends. */
  private void scheduleRenewAfter(long latencyNanos) {
    long interval = config.renewInterval().toNanos();
    long jitter = (long) (interval * config.renewJitter() * random.nextDouble());
    renewTask = ctx.clock().scheduleAt(ctx.clock().nanoTime() + latencyNanos + interval + jitter, this::renew);
  }

  /** {@code nodelease.controller.sync}: update the Lease's renew time; re-read it after a conflict. */
  private void renew() {
    if (!running) {
      return;
    }
    int current = epoch;
    Resource known = lease;
    if (known == null) {
      client.get(ResourceKey.namespaced("coordination.k8s.io", "Lease", NodeObjects.LEASE_NAMESPACE, name), response -> {
        if (current != epoch) {
          return;
        }
        if (response.ok()) {
          lease = response.get();
          renew();
        } else {
          scheduleRenew();
        }
      });
      return;
    }
    renewals++;
    ObjectNode root = Trees.shallowCopy(known.json());
    Trees.object(root, "spec").set("renewTime", Json.uniqueText(ctx.timestamps().micros(ctx.clock().now())));
    Resource next = known.withJson(root);
    // The answer is only used by the next renewal, an interval after it arrives: take it when served.
    client.sendServed(ApiCall.update(next), response -> renewed(response, current));
  }

  private void renewed(Response<Resource> response, int current) {
    if (current != epoch) {
      return;
    }
    lease = response.ok() ? response.get() : null;
    scheduleRenewAfter(response.latencyNanos());
  }

  private void scheduleStatus() {
    statusTask = ctx.clock().schedule(config.statusReportPeriod(), () -> {
      postStatus();
      scheduleStatus();
    });
  }

  /** {@code tryUpdateNodeStatus}: a merge patch of the node's conditions with fresh heartbeat times. */
  private void postStatus() {
    if (!running) {
      return;
    }
    ObjectNode patch = Json.object();
    patch.putObject("status").set("conditions", NodeObjects.conditions(now(), readySince, true));
    client.mergePatchStatus(ResourceKey.cluster("", "Node", name), patch, null);
  }

  private static void cancel(@Nullable ScheduledTask task) {
    if (task != null) {
      task.cancel();
    }
  }

  /**
   * The watches the kubelet keeps open: its pods', its Node's, the Services', and one per Secret or ConfigMap its
   * pods use and that is not immutable.
   */
  public int openWatches() {
    return (informer == null ? 0 : 1) + watches.open();
  }

  /** The watches the node's kube-proxy keeps open: 0 without one. */
  public int proxyWatches() {
    return proxy == null ? 0 : proxy.openWatches();
  }

  /** Pod names by phase, for diagnostics. */
  Map<String, List<String>> podsByPhase() {
    Map<String, List<String>> out = new HashMap<>();
    if (informer != null) {
      for (Resource pod : informer.items().values()) {
        out.computeIfAbsent(pod.status().path("phase").asText(""), k -> new ArrayList<>()).add(pod.name());
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Kubelet[" + name + (running ? "" : ", stopped") + "]";
  }
}
