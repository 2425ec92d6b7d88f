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
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import java.time.Duration;
import java.util.List;

/**
 * One simulation run: a {@link SimulatedCluster} of the input (every {@link SimulationExtension}, then the
 * manifests applied by the engine's control loop), {@code duration} of virtual time, and the result, with the
 * final status of every primary the extensions' loops reconciled and the extensions' notes.
 */
final class SimulationRunner {
  private static final int PROGRESS_STEPS = 100;

  private final List<SimulationExtension> extensions;
  private final ProgressBar progress;
  private final Credentials credentials;

  SimulationRunner(List<SimulationExtension> extensions, ProgressBar progress, Credentials credentials) {
    this.extensions = List.copyOf(extensions);
    this.progress = progress;
    this.credentials = credentials;
  }

  SimulationResult run(SimulationInput input, long seed, Duration duration, String label) {
    long wallStart = System.nanoTime();
    SimulatedCluster cluster = SimulatedCluster.create(input, seed, VirtualScheduler.DEFAULT_EPOCH, extensions, credentials);
    Simulation sim = cluster.simulation();
    sim.start();
    cluster.rollouts().sample();

    long step = Math.max(1, duration.toNanos() / PROGRESS_STEPS);
    long end = sim.clock().nanoTime() + duration.toNanos();
    while (sim.clock().nanoTime() < end) {
      sim.clock().runUntil(Math.min(end, sim.clock().nanoTime() + step));
      cluster.rollouts().sample();
      progress.show(label, duration.toNanos() / 1e9 - (end - sim.clock().nanoTime()) / 1e9, duration.toNanos() / 1e9);
    }
    progress.done();
    ImmutableList.Builder<String> notes = ImmutableList.builder();
    for (SimulationExtension extension : extensions) {
      notes.addAll(extension.notes(cluster.context()));
    }
    long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
    Plan plan = cluster.plan();
    return new SimulationResult(input.nodes(), seed, sim.traceHash(), duration.toNanos() / 1e9, wallMillis,
        PlanPrinter.text(plan), PlanPrinter.json(plan), cluster.rollouts().rollouts(), cluster.load().report(),
        input.edits().stream().map(FieldEdit::toString).collect(ImmutableList.toImmutableList()),
        primaries(sim.server(), cluster.primaryKinds()), notes.build(), cluster.rollouts().overTime());
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
