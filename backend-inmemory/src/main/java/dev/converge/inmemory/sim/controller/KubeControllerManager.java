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
 * PersistentVolumeClaims, PodDisruptionBudgets, Services, Endpoints, EndpointSlices, Jobs, CronJobs: one LIST and one
 * WATCH each), and the controllers that matter for fan-out: DaemonSet, ReplicaSet, Deployment, StatefulSet,
 * disruption (the budgets' status), endpoints (each Service's {@code v1} Endpoints), EndpointSlice (each Service's
 * {@code discovery.k8s.io/v1} EndpointSlices), Job, TTL-after-finished, CronJob, node lifecycle, taint
 * eviction, pod GC, and the
 * built-in garbage collector and namespace controller stepped on the virtual clock.
 *
 * <p>Each controller has a client of its own, and so a client-side throttle of its own (20 qps, burst 30 by
 * default), as do the shared informers: kube-controller-manager builds every controller's client with {@code
 * ClientBuilder.ClientOrDie(name)}, which copies the rest config and calls {@code clientset.NewForConfig}, and
 * {@code NewForConfig} makes a new token bucket for a config without a {@code RateLimiter}
 * (k8s.io/controller-manager {@code pkg/clientbuilder}, k8s.io/client-go {@code kubernetes/clientset.go}). A
 * controller's Events are written through its own client.
 *
 * <p>Identities, as {@code --use-service-account-credentials} sets them ({@link Credentials}): with {@link
 * Credentials#SHARED} (the flag's default) every client acts as {@code system:kube-controller-manager}; with
 * {@link Credentials#SERVICE_ACCOUNTS} (what kubeadm and kind set) each controller's client acts as its service
 * account in {@code kube-system} ({@code ClientBuilder.ClientOrDie(name)} with the {@code SAControllerClientBuilder}),
 * authorized by its {@code system:controller:<name>} ClusterRole ({@link ControllerRoles}), while the shared
 * informers keep the manager's own credentials ({@code rootClientBuilder.ClientOrDie("shared-informers")}). The
 * taint eviction controller uses {@code node-controller}'s account, as {@code startTaintEvictionController} does
 * (k8s.io/kubernetes {@code cmd/kube-controller-manager/app}). The built-in garbage collector, namespace
 * controller and ClusterRole aggregation controller ({@link ClockedBuiltins}) follow the same rule.
 */
public final class KubeControllerManager {
  public static final Identity IDENTITY = Identity.user("system:kube-controller-manager");

  /** Whose credentials the controllers' clients carry ({@code --use-service-account-credentials}). */
  public enum Credentials {
    /** Every controller acts as {@code system:kube-controller-manager} (the flag unset, its default). */
    SHARED,
    /** Each controller acts as its service account in {@code kube-system} (the flag set, as kubeadm and kind do). */
    SERVICE_ACCOUNTS
  }

  private final SharedInformers informers;
  private final DaemonSetController daemonSets;
  private final ReplicaSetController replicaSets;
  private final DeploymentController deployments;
  private final StatefulSetController statefulSets;
  private final DisruptionController disruption;
  private final EndpointsController endpoints;
  private final EndpointSliceController endpointSlices;
  private final JobController jobs;
  private final TtlAfterFinishedController ttlAfterFinished;
  private final CronJobController cronJobs;
  private final NodeLifecycleController nodeLifecycle;
  private final TaintEvictionController taintEviction;
  private final PodGarbageCollector podGc;
  private final ClockedBuiltins builtins;
  private final SimClient client;
  private final Credentials credentials;

  /** kube-controller-manager with the flag's default: every controller acts as {@link #IDENTITY}. */
  public KubeControllerManager(SimContext ctx, InMemoryCluster cluster, NodeLifecycleConfig nodeConfig) {
    this(ctx, cluster, nodeConfig, Credentials.SHARED);
  }

  public KubeControllerManager(SimContext ctx, InMemoryCluster cluster, NodeLifecycleConfig nodeConfig,
      Credentials credentials) {
    this.credentials = credentials;
    this.client = ctx.client(ThrottleFactory.CONTROLLER_MANAGER, IDENTITY);
    this.informers = new SharedInformers(client);
    NodeCache nodes = new NodeCache(informers.of(GroupKind.of("", "Node")));
    OwnedPods pods = new OwnedPods(informers.of(GroupKind.of("", "Pod")));
    this.nodeLifecycle = new NodeLifecycleController(ctx, controllerClient(ctx, ControllerRoles.NODE), informers,
        nodeConfig);
    this.taintEviction = new TaintEvictionController(ctx, controllerClient(ctx, ControllerRoles.NODE), informers);
    this.podGc = new PodGarbageCollector(ctx, controllerClient(ctx, ControllerRoles.POD_GC), informers, nodeConfig);
    this.daemonSets = new DaemonSetController(ctx, controllerClient(ctx, ControllerRoles.DAEMON_SET), informers,
        nodes, pods);
    this.replicaSets = new ReplicaSetController(ctx, controllerClient(ctx, ControllerRoles.REPLICA_SET), informers,
        pods);
    this.deployments = new DeploymentController(ctx, controllerClient(ctx, ControllerRoles.DEPLOYMENT), informers,
        pods);
    this.statefulSets = new StatefulSetController(ctx, controllerClient(ctx, ControllerRoles.STATEFUL_SET),
        informers, pods);
    this.disruption = new DisruptionController(ctx, controllerClient(ctx, ControllerRoles.DISRUPTION), informers);
    this.endpoints = new EndpointsController(ctx, controllerClient(ctx, ControllerRoles.ENDPOINT), informers);
    this.endpointSlices = new EndpointSliceController(ctx, controllerClient(ctx, ControllerRoles.ENDPOINT_SLICE),
        informers);
    this.jobs = new JobController(ctx, controllerClient(ctx, ControllerRoles.JOB), informers, pods);
    this.ttlAfterFinished = new TtlAfterFinishedController(ctx,
        controllerClient(ctx, ControllerRoles.TTL_AFTER_FINISHED), informers);
    this.cronJobs = new CronJobController(ctx, controllerClient(ctx, ControllerRoles.CRON_JOB), informers);
    this.builtins = new ClockedBuiltins(cluster, ctx.clock(),
        ctx.throttle(ThrottleFactory.CONTROLLER_MANAGER, IDENTITY), credentials);
  }

  /**
   * The identity of the controller whose service account is {@code account} ({@code ClientOrDie(account)}):
   * that account with {@link Credentials#SERVICE_ACCOUNTS}, else {@link #IDENTITY}.
   */
  public Identity identityOf(String account) {
    return credentials == Credentials.SERVICE_ACCOUNTS ? ControllerRoles.serviceAccount(account) : IDENTITY;
  }

  public Credentials credentials() {
    return credentials;
  }

  /** A client of kube-controller-manager's with a throttle of its own ({@code ClientBuilder.ClientOrDie}). */
  private SimClient controllerClient(SimContext ctx, String account) {
    return ctx.client(ThrottleFactory.CONTROLLER_MANAGER, identityOf(account));
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

  public EndpointSliceController endpointSlices() {
    return endpointSlices;
  }

  public JobController jobs() {
    return jobs;
  }

  public CronJobController cronJobs() {
    return cronJobs;
  }

  public TtlAfterFinishedController ttlAfterFinished() {
    return ttlAfterFinished;
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
        && disruption.isIdle() && endpoints.isIdle() && endpointSlices.isIdle() && jobs.isIdle() && ttlAfterFinished.isIdle()
        && cronJobs.isIdle();
  }
}
