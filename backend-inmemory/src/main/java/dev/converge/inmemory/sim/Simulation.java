package dev.converge.inmemory.sim;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.RequestInterceptor;
import dev.converge.inmemory.server.ServerConfig;
import dev.converge.inmemory.sim.controller.ControllerRoles;
import dev.converge.inmemory.sim.controller.KubeControllerManager;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.inmemory.sim.node.KubeletConfig;
import dev.converge.inmemory.sim.node.NodeFleet;
import dev.converge.inmemory.sim.node.NodeLifecycleConfig;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.runtime.Randoms;
import dev.converge.inmemory.sim.runtime.SimContext;
import dev.converge.inmemory.sim.runtime.ThrottleFactory;
import dev.converge.inmemory.sim.runtime.Trace;
import dev.converge.inmemory.sim.runtime.VirtualDispatcher;
import dev.converge.inmemory.sim.scheduling.KubeScheduler;
import dev.converge.inmemory.store.Change;
import dev.converge.inmemory.store.ChangeListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A simulated cluster: one seed, one virtual clock, an in-memory API server whose watch events are delivered on
 * that clock, and the components that make a cluster move — a kubelet per node ({@link NodeFleet}), the
 * scheduler ({@link KubeScheduler}) and kube-controller-manager ({@link KubeControllerManager}) — each making
 * ordinary, accounted requests as its own identity. Every request (time, identity, verb and code, resource and
 * object) and every simulation event (a node failing, a container crashing) goes into the {@link Trace}; the
 * same seed and inputs give the same {@link #traceHash()}.
 *
 * <pre>{@code
 * Simulation sim = Simulation.builder().seed(42).pool(NodePool.plain(1000)).build().start();
 * sim.runFor(Duration.ofSeconds(30));                 // nodes registered, leases renewing
 * sim.server().create(Identity.admin(), daemonSet);   // or sim.create(json)
 * sim.runUntil(() -> available(sim) == 1000, Duration.ofMinutes(30));
 * System.out.println("traceHash " + sim.traceHash());
 * }</pre>
 *
 * <p>Single-threaded: every call must come from the thread that runs the clock.
 */
public final class Simulation {
  private static final GroupKind NODE = GroupKind.of("", "Node");
  private final long seed;
  private final VirtualScheduler clock;
  private final InMemoryCluster cluster;
  private final SimContext ctx;
  private final Trace trace;
  private final NodeFleet nodes;
  private final KubeScheduler scheduler;
  private final KubeControllerManager controllerManager;
  private final ReadyNodeCount readyNodes = new ReadyNodeCount();
  private boolean started;

  private Simulation(Builder builder) {
    this.seed = builder.seed;
    this.clock = new VirtualScheduler(builder.epoch);
    VirtualDispatcher dispatcher = new VirtualDispatcher(clock, builder.watchLatency.toNanos());
    this.cluster = InMemoryCluster.create(clock, seed, config -> {
      config.dispatcher(dispatcher);
      builder.server.forEach(customizer -> customizer.accept(config));
    });
    cluster.server().addChangeListener(readyNodes);
    ComponentRoles.install(cluster.server());
    if (builder.controllerCredentials == Credentials.SERVICE_ACCOUNTS) {
      ControllerRoles.install(cluster.server());
    }
    if (builder.kubeProxy) {
      ComponentRoles.installNodeProxier(cluster.server());
    }
    builder.interceptors.forEach(cluster.server()::addInterceptor);
    cluster.requests().clear();
    cluster.requests().retainRecords(builder.retainRequests);
    this.trace = new Trace(clock).keep(builder.keepTrace);
    cluster.requests().subscribe(this::traceRequest);
    this.ctx = new SimContext(clock, cluster.server(), new Randoms(seed), trace, builder.throttles);
    this.controllerManager = new KubeControllerManager(ctx, cluster, builder.nodeLifecycle, builder.controllerCredentials);
    this.scheduler = new KubeScheduler(ctx, builder.schedulerCycle);
    KubeletConfig kubelet = builder.kubelet.withStartup(builder.kubelet.startup().withMissing(builder.missingImages));
    this.nodes = new NodeFleet(ctx, kubelet, builder.pools, builder.kubeProxy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts kube-controller-manager and the scheduler now, and the nodes over the registration window. */
  public Simulation start() {
    checkState(!started, "already started");
    started = true;
    trace.record("simulation", "start", "seed=" + seed);
    controllerManager.start();
    scheduler.start();
    nodes.start();
    return this;
  }

  /** Runs every event due within {@code duration}; the clock then stands {@code duration} later. */
  public Simulation runFor(Duration duration) {
    clock.runFor(duration);
    return this;
  }

  /**
   * Runs events until {@code condition} holds (checked after every event) or {@code limit} of virtual time
   * has passed.
   *
   * @return whether the condition held
   */
  public boolean runUntil(BooleanSupplier condition, Duration limit) {
    long deadline = clock.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      var next = clock.nextEventTime();
      if (next.isEmpty() || next.getAsLong() > deadline) {
        clock.runUntil(deadline);
        return condition.getAsBoolean();
      }
      clock.runNext();
    }
    return true;
  }

  /**
   * Nodes whose {@code Ready} condition is {@code True}, read from the store: no request, so waiting for them shows
   * in neither the request log nor the trace.
   *
   * @return the count
   */
  public int readyNodes() {
    return readyNodes.count;
  }

  /**
   * The count behind {@link #readyNodes()}, kept by the store's changes: waiting for thousands of nodes checks it
   * after every event, where a scan of every node each time made the wait quadratic (a minute for 5,000 nodes in
   * {@code converge serve}).
   */
  private static final class ReadyNodeCount implements ChangeListener {
    private volatile int count;

    @Override
    public void onChange(Change change) {
      Resource object = change.object();
      if (!object.groupKind().equals(NODE)) {
        return;
      }
      Resource before = change.previous() != null ? change.previous()
          : change.type() == Change.Type.DELETED ? object : null;
      boolean was = before != null && isReady(before);
      boolean is = change.type() != Change.Type.DELETED && isReady(object);
      if (was != is) {
        count += is ? 1 : -1;
      }
    }

    private static boolean isReady(Resource node) {
      for (JsonNode condition : node.json().path("status").path("conditions")) {
        if (condition.path("type").asText().equals("Ready")) {
          return condition.path("status").asText().equals("True");
        }
      }
      return false;
    }
  }

  /** Creates an object from JSON as {@code system:admin} (what {@code kubectl create} would do). */
  public Resource create(String json) {
    return cluster.server().create(dev.converge.inmemory.server.Identity.admin(), Resource.of(Json.parse(json)));
  }

  public long seed() {
    return seed;
  }

  public VirtualScheduler clock() {
    return clock;
  }

  /** Virtual time since the start, in seconds. */
  public double elapsedSeconds() {
    return clock.nanoTime() / 1e9;
  }

  public InMemoryCluster cluster() {
    return cluster;
  }

  public ApiServer server() {
    return cluster.server();
  }

  /** The Backend SPI as {@code system:admin}, for engines and tests driving the simulated cluster. */
  public InMemoryBackend backend() {
    return cluster.backend();
  }

  /** What components share: clock, server, randomness, trace, and the factory of client processes. */
  public SimContext context() {
    return ctx;
  }

  public Trace trace() {
    return trace;
  }

  /** The SHA-256 of the event trace so far. */
  public String traceHash() {
    return trace.hash();
  }

  public NodeFleet nodes() {
    return nodes;
  }

  public KubeScheduler scheduler() {
    return scheduler;
  }

  public KubeControllerManager controllerManager() {
    return controllerManager;
  }

  private void traceRequest(RequestRecord record) {
    trace.recordRequest(record.identity(), record.verb(), record.code(), record.resource(), record.subresource(),
        record.namespace(), record.name());
  }

  /** How to build a {@link Simulation}; every setting has a default but the node pools. */
  public static final class Builder {
    private long seed = 1;
    private Instant epoch = VirtualScheduler.DEFAULT_EPOCH;
    private final List<NodePool> pools = new ArrayList<>();
    private KubeletConfig kubelet = KubeletConfig.defaults();
    private final List<String> missingImages = new ArrayList<>();
    private NodeLifecycleConfig nodeLifecycle = NodeLifecycleConfig.defaults();
    private Credentials controllerCredentials = Credentials.SHARED;
    private boolean kubeProxy;
    private ThrottleFactory throttles = ThrottleFactory.kubernetesDefaults();
    private Duration watchLatency = Duration.ofMillis(10);
    private Duration schedulerCycle = Duration.ofMillis(1);
    private int keepTrace;
    private boolean retainRequests = true;
    private final List<Consumer<ServerConfig.Builder>> server = new ArrayList<>();
    private final List<RequestInterceptor> interceptors = new ArrayList<>();

    private Builder() {}

    /** The seed of every random draw (default 1). */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * The instant the virtual clock starts at (default {@link VirtualScheduler#DEFAULT_EPOCH}, so that runs are
     * reproducible); {@code converge serve} starts it at the wall clock's now, so that timestamps read true.
     */
    public Builder epoch(Instant value) {
      this.epoch = value;
      return this;
    }

    /** Adds a node pool. */
    public Builder pool(NodePool value) {
      pools.add(value);
      return this;
    }

    public Builder pools(List<NodePool> values) {
      pools.addAll(values);
      return this;
    }

    /** Kubelet timings and the pod start-up model. */
    public Builder kubelet(KubeletConfig value) {
      this.kubelet = value;
      return this;
    }

    /**
     * Images (references such as {@code collector:2.1}, or repositories: every tag) that the simulated registry does
     * not have, added to the kubelet's start-up model ({@link dev.converge.inmemory.sim.node.PodStartup#withMissing}):
     * every pull of them fails, {@code ErrImagePull} then {@code ImagePullBackOff}, as for a mistyped tag.
     */
    public Builder missingImages(Collection<String> images) {
      this.missingImages.addAll(images);
      return this;
    }

    /**
     * Whether every node also runs kube-proxy (default false): its watches of all proxied Services and
     * EndpointSlices and of its own Node, as {@code system:kube-proxy}, which the bootstrap {@code
     * system:node-proxier} ClusterRole is then installed and bound for. Off, the cluster has no service proxy (as
     * with a CNI that replaces it); on, every EndpointSlice change reaches every node.
     */
    public Builder kubeProxy(boolean value) {
      this.kubeProxy = value;
      return this;
    }

    /** Node lifecycle controller and pod GC settings. */
    public Builder nodeLifecycle(NodeLifecycleConfig value) {
      this.nodeLifecycle = value;
      return this;
    }

    /**
     * Whose credentials kube-controller-manager's controllers use (default {@link Credentials#SHARED}, the
     * {@code --use-service-account-credentials} flag's default; {@link Credentials#SERVICE_ACCOUNTS} is what
     * kubeadm and kind set: one identity per controller, each authorized by its bootstrap role).
     */
    public Builder controllerCredentials(Credentials value) {
      this.controllerCredentials = Objects.requireNonNull(value, "controllerCredentials");
      return this;
    }

    /** Client-side throttles per component (default: Kubernetes' QPS/burst defaults). */
    public Builder throttles(ThrottleFactory value) {
      this.throttles = value;
      return this;
    }

    /** Delay between a write and its watch events reaching watchers (default 10 ms). */
    public Builder watchLatency(Duration value) {
      checkArgument(!value.isNegative(), "watch latency must not be negative");
      this.watchLatency = value;
      return this;
    }

    /** The scheduler's time per scheduling cycle (default 1 ms). */
    public Builder schedulerCycle(Duration value) {
      checkArgument(!value.isNegative(), "the scheduling cycle must not be negative");
      this.schedulerCycle = value;
      return this;
    }

    /**
     * Whether the request log keeps every record (default true, for tests that inspect requests); an hour of a
     * 10,000-node cluster is millions of records, so long runs turn it off and read counts or subscribe.
     */
    public Builder retainRequests(boolean value) {
      this.retainRequests = value;
      return this;
    }

    /** Keeps the first {@code tokens} trace tokens as text (default none). */
    public Builder keepTrace(int tokens) {
      this.keepTrace = tokens;
      return this;
    }

    /**
     * Adds a request interceptor (priority and fairness, latency, faults) once the cluster and the components'
     * RBAC are installed, so that bootstrap requests do not pass through it. Interceptors run in the order added.
     */
    public Builder interceptor(RequestInterceptor value) {
      interceptors.add(value);
      return this;
    }

    /**
     * Adjusts the API server's configuration (history window, bookmarks, …); the watch dispatcher is always the
     * virtual clock's. Interceptors added here also see the bootstrap requests: prefer {@link #interceptor}.
     */
    public Builder server(Consumer<ServerConfig.Builder> customizer) {
      server.add(customizer);
      return this;
    }

    public Simulation build() {
      return new Simulation(this);
    }

    ImmutableList<NodePool> pools() {
      return ImmutableList.copyOf(pools);
    }
  }
}
