package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Reconciler;
import dev.converge.api.Resource;
import dev.converge.api.backend.Selection;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.manifest.ManifestException;
import dev.converge.core.plan.PlanPrinter;
import dev.converge.core.plan.Planner;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.load.LoadModel;
import dev.converge.inmemory.sim.workload.WorkloadDriver;
import java.time.Duration;
import java.util.List;

/**
 * One simulation run: a {@link Simulation} of the input's node pools with the load model installed, the
 * workload profiles driven, the manifests applied by the engine's {@link ControlLoop} on the {@link
 * SimulatedDriver} as {@link #ENGINE} (an admin kubeconfig's user: RBAC lets it do anything and priority and
 * fairness exempts it), and every {@link SimulationExtension}; then {@code duration} of virtual time, and the
 * result. The plan is previewed before accounting starts, so that the report counts the simulated system only.
 */
final class SimulationRunner {
  /** Who the engine acts as: a user {@code converge} in {@code system:masters}. */
  static final Identity ENGINE = Identity.user("converge", Identity.MASTERS);
  private static final int PROGRESS_STEPS = 100;

  private final List<SimulationExtension> extensions;
  private final ProgressBar progress;

  SimulationRunner(List<SimulationExtension> extensions, ProgressBar progress) {
    this.extensions = List.copyOf(extensions);
    this.progress = progress;
  }

  SimulationResult run(SimulationInput input, long seed, Duration duration, String label) {
    long wallStart = System.nanoTime();
    Simulation sim = Simulation.builder().seed(seed).pools(input.spec().pools()).build();
    Resource primary = sim.server().create(ENGINE, ManifestReconciler.primary());
    Plan plan = firstPlan(input, new InMemoryBackend(sim.server(), ENGINE), primary);
    LoadModel load = LoadModel.install(sim.context());
    WorkloadDriver.install(sim.context(), load, input.spec().profiles());
    RolloutTracker rollouts = new RolloutTracker(sim.clock(), input.graph().resources().keySet());
    sim.server().addChangeListener(rollouts);

    Context context = new Context(sim, load, input, seed);
    context.reconcile(new ManifestReconciler(input.spec().resources()), ENGINE);
    for (SimulationExtension extension : extensions) {
      extension.install(context);
    }
    sim.start();

    long step = Math.max(1, duration.toNanos() / PROGRESS_STEPS);
    long end = sim.clock().nanoTime() + duration.toNanos();
    while (sim.clock().nanoTime() < end) {
      sim.clock().runUntil(Math.min(end, sim.clock().nanoTime() + step));
      progress.show(label, duration.toNanos() / 1e9 - (end - sim.clock().nanoTime()) / 1e9, duration.toNanos() / 1e9);
    }
    progress.done();
    long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
    return new SimulationResult(input.nodes(), seed, sim.traceHash(), duration.toNanos() / 1e9, wallMillis,
        PlanPrinter.text(plan), PlanPrinter.json(plan), rollouts.rollouts(), load.report(),
        input.edits().stream().map(FieldEdit::toString).collect(ImmutableList.toImmutableList()));
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

    Context(Simulation sim, LoadModel load, SimulationInput input, long seed) {
      this.sim = sim;
      this.load = load;
      this.input = input;
      this.seed = seed;
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
      ControlLoop<P> loop = ControlLoop.builder(new InMemoryBackend(sim.server(), identity), reconciler, sim.clock())
          .seed(seed)
          .build();
      SimulatedDriver.builder(loop, sim.clock()).build().start();
    }
  }
}
