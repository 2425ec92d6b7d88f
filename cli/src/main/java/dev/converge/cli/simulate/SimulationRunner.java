package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Condition;
import dev.converge.api.GroupKind;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.core.plan.PlanPrinter;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.sim.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One simulation run: a {@link SimulatedCluster} of the input (every {@link SimulationExtension}, then the
 * manifests applied by the engine's control loop), {@code duration} of virtual time, and the result, with the
 * final status of every primary the extensions' loops reconciled and the extensions' notes.
 */
final class SimulationRunner {
  private static final int PROGRESS_STEPS = 100;

  private final List<SimulationExtension> extensions;
  private final ProgressBar progress;
  /** The cluster's options, set on the simulation's builder. */
  private final UnaryOperator<Simulation.Builder> cluster;

  SimulationRunner(List<SimulationExtension> extensions, ProgressBar progress, UnaryOperator<Simulation.Builder> cluster) {
    this.extensions = List.copyOf(extensions);
    this.progress = progress;
    this.cluster = cluster;
  }

  SimulationResult run(SimulationInput input, long seed, Duration duration, String label) {
    long wallStart = System.nanoTime();
    SimulatedCluster simulated = SimulatedCluster.create(input, seed, VirtualScheduler.DEFAULT_EPOCH, extensions, cluster);
    Simulation sim = simulated.simulation();
    sim.start();
    simulated.rollouts().sample();

    long step = Math.max(1, duration.toNanos() / PROGRESS_STEPS);
    long end = sim.clock().nanoTime() + duration.toNanos();
    while (sim.clock().nanoTime() < end) {
      sim.clock().runUntil(Math.min(end, sim.clock().nanoTime() + step));
      simulated.rollouts().sample();
      progress.show(label, duration.toNanos() / 1e9 - (end - sim.clock().nanoTime()) / 1e9, duration.toNanos() / 1e9);
    }
    progress.done();
    ImmutableList.Builder<String> notes = ImmutableList.builder();
    for (SimulationExtension extension : extensions) {
      notes.addAll(extension.notes(simulated.context()));
    }
    long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
    Plan plan = simulated.plan();
    return new SimulationResult(input.nodes(), seed, sim.traceHash(), duration.toNanos() / 1e9, wallMillis,
        PlanPrinter.text(plan), PlanPrinter.json(plan), simulated.rollouts().rollouts(sim.server().cache()), simulated.load().report(),
        input.edits().stream().map(FieldEdit::toString).collect(ImmutableList.toImmutableList()),
        primaries(sim.server(), simulated.primaryKinds()), notes.build(), simulated.rollouts().overTime());
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
}
