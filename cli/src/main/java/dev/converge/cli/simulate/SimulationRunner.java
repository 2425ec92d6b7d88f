package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Condition;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One simulation run: a {@link Simulation} of the input's node pools with the load model installed, the
 * workload profiles driven, the manifests applied by the engine's {@link ControlLoop} on the {@link
 * SimulatedDriver} as {@link #ENGINE} (an admin kubeconfig's user: RBAC lets it do anything and priority and
 * fairness exempts it), and every {@link SimulationExtension} (installed first, so that their CRDs are served
 * when the manifests are applied); then {@code duration} of virtual time, and the
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

    Context context = new Context(sim, load, input, seed, rollouts);
    // Extensions first: an operator's CRD must be served before the manifests' loop applies its resources.
    for (SimulationExtension extension : extensions) {
      extension.install(context);
    }
    ImmutableList<GroupKind> primaryKinds = ImmutableList.copyOf(context.primaryKinds);
    runLoop(sim, new ManifestReconciler(input.spec().resources()), ENGINE, seed);
    sim.start();

    long step = Math.max(1, duration.toNanos() / PROGRESS_STEPS);
    long end = sim.clock().nanoTime() + duration.toNanos();
    while (sim.clock().nanoTime() < end) {
      sim.clock().runUntil(Math.min(end, sim.clock().nanoTime() + step));
      progress.show(label, duration.toNanos() / 1e9 - (end - sim.clock().nanoTime()) / 1e9, duration.toNanos() / 1e9);
    }
    progress.done();
    ImmutableList.Builder<String> notes = ImmutableList.builder();
    for (SimulationExtension extension : extensions) {
      notes.addAll(extension.notes(context));
    }
    long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
    return new SimulationResult(input.nodes(), seed, sim.traceHash(), duration.toNanos() / 1e9, wallMillis,
        PlanPrinter.text(plan), PlanPrinter.json(plan), rollouts.rollouts(), load.report(),
        input.edits().stream().map(FieldEdit::toString).collect(ImmutableList.toImmutableList()),
        primaries(sim.server(), primaryKinds), notes.build());
  }

  /** Every object of {@code kinds} as stored at the end, with its conditions; read from the store, no request. */
  private static ImmutableList<Primary> primaries(ApiServer server, List<GroupKind> kinds) {
    ImmutableList.Builder<Primary> out = ImmutableList.builder();
    server.locked(() -> {
      for (GroupKind kind : kinds) {
        for (Resource object : server.cache().objects(kind).values()) {
          ImmutableList.Builder<Condition> conditions = ImmutableList.builder();
          for (JsonNode condition : object.json().path("status").path("conditions")) {
            conditions.add(Condition.fromJson(condition));
          }
          out.add(new Primary(object.kind(), object.namespace(), object.name(), conditions.build()));
        }
      }
    });
    return out.build();
  }

  private static <P> void runLoop(Simulation sim, Reconciler<P> reconciler, Identity identity, long seed) {
    ControlLoop<P> loop = ControlLoop.builder(new InMemoryBackend(sim.server(), identity), reconciler, sim.clock())
        .seed(seed)
        .build();
    SimulatedDriver.builder(loop, sim.clock()).build().start();
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
