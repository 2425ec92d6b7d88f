package dev.converge.inmemory.sim.controller;

import dev.converge.api.GroupKind;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodeLifecycleConfig;
import dev.converge.inmemory.sim.node.NodeLifecycleController;
import dev.converge.inmemory.sim.node.PodGarbageCollector;
import dev.converge.inmemory.sim.node.TaintEvictionController;
import dev.converge.inmemory.sim.runtime.ClientThrottle;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;

/**
 * kube-controller-manager: one client ({@code system:kube-controller-manager}) whose client-side throttle every
 * controller shares (20 qps, burst 30 by default), one set of shared informers (pods, nodes, node Leases,
 * DaemonSets, ControllerRevisions, ReplicaSets, Deployments, StatefulSets, PersistentVolumeClaims,
 * PodDisruptionBudgets, Services, Endpoints: one LIST and one WATCH each), and the controllers that matter for
 * fan-out: DaemonSet, ReplicaSet, Deployment, StatefulSet, disruption (the budgets' status), endpoints (each
 * Service's {@code v1} Endpoints), node lifecycle, taint eviction, pod GC, and the built-in garbage collector and
 * namespace controller stepped on the virtual clock.
 */
public final class KubeControllerManager {
  public static final Identity IDENTITY = Identity.user("system:kube-controller-manager");

  private final SharedInformers informers;
  private final DaemonSetController daemonSets;
  private final ReplicaSetController replicaSets;
  private final DeploymentController deployments;
  private final StatefulSetController statefulSets;
  private final DisruptionController disruption;
  private final EndpointsController endpoints;
  private final NodeLifecycleController nodeLifecycle;
  private final TaintEvictionController taintEviction;
  private final PodGarbageCollector podGc;
  private final ClockedBuiltins builtins;
  private final SimClient client;

  public KubeControllerManager(SimContext ctx, InMemoryCluster cluster, NodeLifecycleConfig nodeConfig) {
    ClientThrottle throttle = ctx.throttle(ThrottleFactory.CONTROLLER_MANAGER, IDENTITY);
    this.client = ctx.client(IDENTITY, throttle);
    this.informers = new SharedInformers(client);
    NodeCache nodes = new NodeCache(informers.of(GroupKind.of("", "Node")));
    OwnedPods pods = new OwnedPods(informers.of(GroupKind.of("", "Pod")));
    this.nodeLifecycle = new NodeLifecycleController(ctx, client, informers, nodeConfig);
    this.taintEviction = new TaintEvictionController(ctx, client, informers);
    this.podGc = new PodGarbageCollector(ctx, client, informers, nodeConfig);
    this.daemonSets = new DaemonSetController(ctx, client, informers, nodes, pods);
    this.replicaSets = new ReplicaSetController(ctx, client, informers, pods);
    this.deployments = new DeploymentController(ctx, client, informers, pods);
    this.statefulSets = new StatefulSetController(ctx, client, informers, pods);
    this.disruption = new DisruptionController(ctx, client, informers);
    this.endpoints = new EndpointsController(ctx, client, informers);
    this.builtins = new ClockedBuiltins(cluster, ctx.clock(), throttle);
  }

  /** Starts the informers and the periodic controllers, and puts the built-ins on the clock. */
  public void start() {
    builtins.install();
    informers.start();
    nodeLifecycle.start(informers);
    podGc.start(informers);
  }

  public SimClient client() {
    return client;
  }

  public SharedInformers informers() {
    return informers;
  }

  public DaemonSetController daemonSets() {
    return daemonSets;
  }

  public ReplicaSetController replicaSets() {
    return replicaSets;
  }

  public DeploymentController deployments() {
    return deployments;
  }

  public StatefulSetController statefulSets() {
    return statefulSets;
  }

  public DisruptionController disruption() {
    return disruption;
  }

  public EndpointsController endpoints() {
    return endpoints;
  }

  public NodeLifecycleController nodeLifecycle() {
    return nodeLifecycle;
  }

  public TaintEvictionController taintEviction() {
    return taintEviction;
  }

  public PodGarbageCollector podGc() {
    return podGc;
  }

  public ClockedBuiltins builtins() {
    return builtins;
  }

  /** Whether the workload controllers have nothing queued or in flight. */
  public boolean isIdle() {
    return daemonSets.isIdle() && replicaSets.isIdle() && deployments.isIdle() && statefulSets.isIdle()
        && disruption.isIdle() && endpoints.isIdle();
  }
}
