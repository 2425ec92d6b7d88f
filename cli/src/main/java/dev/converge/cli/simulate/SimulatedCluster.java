package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.GroupKind;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Selection;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.plan.Planner;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.load.LoadModel;
import dev.converge.inmemory.sim.workload.WorkloadDriver;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.Set;

/**
 * A simulated cluster set up the way {@code converge simulate} and {@code converge serve} run one: a {@link
 * Simulation} of the input's node pools with the load model installed, the workload profiles driven, the
 * manifests applied by the engine's {@link ControlLoop} on the {@link SimulatedDriver} as {@link #ENGINE} (an
 * admin kubeconfig's user: RBAC lets it do anything and priority and fairness exempts it), and every {@link
 * SimulationExtension}. Nothing has run yet when {@link #create} returns: the caller starts the simulation and
 * moves its clock, {@code simulate} for a fixed duration, {@code serve} at the pace of the wall clock.
 */
public final class SimulatedCluster {
  /** Who the engine acts as: a user {@code converge} in {@code system:masters}. */
  public static final Identity ENGINE = Identity.user("converge", Identity.MASTERS);

  private final Simulation sim;
  private final LoadModel load;
  private final RolloutTracker rollouts;
  private final Plan plan;
  private final SimulationContext context;
  private final ImmutableList<GroupKind> primaryKinds;

  private SimulatedCluster(Simulation sim, LoadModel load, RolloutTracker rollouts, Plan plan,
      SimulationContext context, ImmutableList<GroupKind> primaryKinds) {
    this.sim = sim;
    this.load = load;
    this.rollouts = rollouts;
    this.plan = plan;
    this.context = context;
    this.primaryKinds = primaryKinds;
  }

  /**
   * Builds the simulation of {@code input} with its clock at {@code epoch}. The plan of the manifests' first pass
   * is computed before accounting starts, so that the load figures count the simulated system only. With no
   * manifests there is no manifests' loop (and no install primary in the cluster).
   *
   * @throws ManifestException if the manifests' dependencies form a cycle
   */
  public static SimulatedCluster create(SimulationInput input, long seed, Instant epoch, List<SimulationExtension> extensions) {
    return create(input, seed, epoch, extensions, UnaryOperator.identity());
  }

  /**
   * As {@link #create(SimulationInput, long, Instant, List)}, with the cluster's options set by {@code cluster} on
   * the simulation's builder: whose credentials kube-controller-manager's controllers use ({@code
   * --use-service-account-credentials}), whether nodes run kube-proxy ({@code --kube-proxy}).
   */
  public static SimulatedCluster create(SimulationInput input, long seed, Instant epoch, List<SimulationExtension> extensions,
      UnaryOperator<Simulation.Builder> cluster) {
    Simulation sim = cluster.apply(Simulation.builder().seed(seed).epoch(epoch).pools(input.spec().pools())).build();
    boolean manifests = !input.spec().resources().isEmpty();
    Plan plan = Plan.empty();
    if (manifests) {
      Resource primary = sim.server().create(ENGINE, ManifestReconciler.primary());
      plan = firstPlan(input, new InMemoryBackend(sim.server(), ENGINE), primary);
    }
    LoadModel load = LoadModel.install(sim.context());
    WorkloadDriver.install(sim.context(), load, input.spec().profiles());
    RolloutTracker rollouts = new RolloutTracker(sim.clock(), input.graph().resources().keySet());
    sim.server().addChangeListener(rollouts);

    Context context = new Context(sim, load, input, seed, rollouts);
    // Extensions first: an operator's CRD must be served before the manifests' loop applies its resources.
    for (SimulationExtension extension : extensions) {
      extension.install(context);
    }
    ImmutableList<GroupKind> primaryKinds = ImmutableList.copyOf(context.primaryKinds);
    if (manifests) {
      runLoop(sim, new ManifestReconciler(input.spec().resources()), ENGINE, seed);
    }
    return new SimulatedCluster(sim, load, rollouts, plan, context, primaryKinds);
  }

  /** The kinds the extensions' loops reconcile (the manifests' own install primary left out). */
  ImmutableList<GroupKind> primaryKinds() {
    return primaryKinds;
  }

  /** What the extensions were given, for their end-of-run notes. */
  SimulationContext context() {
    return context;
  }

  private static <P> void runLoop(Simulation sim, Reconciler<P> reconciler, Identity identity, long seed) {
    ControlLoop<P> loop = ControlLoop.builder(new InMemoryBackend(sim.server(), identity), reconciler, sim.clock())
        .seed(seed)
        .build();
    SimulatedDriver.builder(loop, sim.clock()).build().start();
  }

  /** The simulation: its clock, API server, nodes and controllers. */
  public Simulation simulation() {
    return sim;
  }

  /** The load model installed on the simulation's clients. */
  public LoadModel load() {
    return load;
  }

  /** When each workload of the manifests became fully available. */
  RolloutTracker rollouts() {
    return rollouts;
  }

  /** What the manifests' loop's first pass does against the empty cluster. */
  public Plan plan() {
    return plan;
  }

  /** What the loop's first pass will do: the manifests, owned by the install, against what the cluster holds. */
  private static Plan firstPlan(SimulationInput input, InMemoryBackend backend, Resource primary) {
    DesiredGraph owned = DesiredGraph.builder().owner(primary).addAll(input.spec().resources()).build();
    Observed observed = backend.observe(Selection.keys(ImmutableSet.copyOf(owned.resources().keySet())));
    try {
      return Planner.defaults().plan(owned, observed);
    } catch (DependencyCycleException e) {
      throw ManifestException.input(e.getMessage());
    }
  }

  /** What extensions reach: the simulation, the load model, the input; loops run on the simulated driver. */
  private static final class Context implements SimulationContext {
    private final Simulation sim;
    private final LoadModel load;
    private final SimulationInput input;
    private final long seed;
    private final RolloutTracker rollouts;
    private final Set<GroupKind> primaryKinds = new LinkedHashSet<>();

    Context(Simulation sim, LoadModel load, SimulationInput input, long seed, RolloutTracker rollouts) {
      this.sim = sim;
      this.load = load;
      this.input = input;
      this.seed = seed;
      this.rollouts = rollouts;
    }

    @Override
    public VirtualScheduler scheduler() {
      return sim.clock();
    }

    @Override
    public ApiServer server() {
      return sim.server();
    }

    @Override
    public LoadModel load() {
      return load;
    }

    @Override
    public SimulationInput input() {
      return input;
    }

    @Override
    public long seed() {
      return seed;
    }

    @Override
    public <P> void reconcile(Reconciler<P> reconciler, Identity identity) {
      primaryKinds.add(reconciler.primaryKind());
      runLoop(sim, reconciler, identity, seed);
    }

    @Override
    public Simulation simulation() {
      return sim;
    }

    @Override
    public void trackRollout(ResourceKey key) {
      rollouts.track(key);
    }
  }
}
