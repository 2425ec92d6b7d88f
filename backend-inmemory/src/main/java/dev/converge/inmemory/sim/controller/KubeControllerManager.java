package dev.converge.inmemory.sim.controller;

import dev.converge.api.GroupKind;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodeLifecycleConfig;
import dev.converge.inmemory.sim.node.NodeLifecycleController;
import dev.converge.inmemory.sim.node.PodGarbageCollector;
import dev.converge.inmemory.sim.node.TaintEvictionController;
import dev.converge.inmemory.sim.runtime.SharedInformers;
import dev.converge.inmemory.sim.runtime.SimClient;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;

/**
 * kube-controller-manager, acting as {@code system:kube-controller-manager}: one set of shared informers (pods,
 * nodes, node Leases, DaemonSets, ControllerRevisions, ReplicaSets, Deployments, StatefulSets,
 * PersistentVolumeClaims, PodDisruptionBudgets, Services, Endpoints: one LIST and one WATCH each), and the
 * controllers that matter for fan-out: DaemonSet, ReplicaSet, Deployment, StatefulSet, disruption (the budgets'
 * status), endpoints (each Service's {@code v1} Endpoints), node lifecycle, taint eviction, pod GC, and the
 * built-in garbage collector and namespace controller stepped on the virtual clock.
 *
 * <p>Each controller has a client of its own, and so a client-side throttle of its own (20 qps, burst 30 by
 * default), as do the shared informers: kube-controller-manager builds every controller's client with {@code
 * ClientBuilder.ClientOrDie(name)}, which copies the rest config and calls {@code clientset.NewForConfig}, and
 * {@code NewForConfig} makes a new token bucket for a config without a {@code RateLimiter}
 * (k8s.io/controller-manager {@code pkg/clientbuilder}, k8s.io/client-go {@code kubernetes/clientset.go}). A
 * controller's Events are written through its own client. All of them keep the one identity: the credentials
 * are the same unless {@code --use-service-account-credentials} is set, which this simulation does not model
 * for these controllers.
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
    this.client = controllerClient(ctx);
    this.informers = new SharedInformers(client);
    NodeCache nodes = new NodeCache(informers.of(GroupKind.of("", "Node")));
    OwnedPods pods = new OwnedPods(informers.of(GroupKind.of("", "Pod")));
    this.nodeLifecycle = new NodeLifecycleController(ctx, controllerClient(ctx), informers, nodeConfig);
    this.taintEviction = new TaintEvictionController(ctx, controllerClient(ctx), informers);
    this.podGc = new PodGarbageCollector(ctx, controllerClient(ctx), informers, nodeConfig);
    this.daemonSets = new DaemonSetController(ctx, controllerClient(ctx), informers, nodes, pods);
    this.replicaSets = new ReplicaSetController(ctx, controllerClient(ctx), informers, pods);
    this.deployments = new DeploymentController(ctx, controllerClient(ctx), informers, pods);
    this.statefulSets = new StatefulSetController(ctx, controllerClient(ctx), informers, pods);
    this.disruption = new DisruptionController(ctx, controllerClient(ctx), informers);
    this.endpoints = new EndpointsController(ctx, controllerClient(ctx), informers);
    this.builtins = new ClockedBuiltins(cluster, ctx.clock(),
        ctx.throttle(ThrottleFactory.CONTROLLER_MANAGER, IDENTITY));
  }

  /** A client of kube-controller-manager's with a throttle of its own ({@code ClientBuilder.ClientOrDie}). */
  private static SimClient controllerClient(SimContext ctx) {
    return ctx.client(ThrottleFactory.CONTROLLER_MANAGER, IDENTITY);
  }

  /** Starts the informers and the periodic controllers, and puts the built-ins on the clock. */
  public void start() {
    builtins.install();
    informers.start();
    nodeLifecycle.start(informers);
    podGc.start(informers);
  }

  /** The shared informers' client ({@code ClientOrDie("shared-informers")}). */
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
