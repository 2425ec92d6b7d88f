package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import dev.converge.inmemory.sim.load.LoadReport;

/**
 * Everything one simulation run reports.
 *
 * @param nodes nodes simulated
 * @param seed the seed
 * @param traceHash the hash of the event trace (the same seed and input give the same hash)
 * @param simulatedSeconds virtual time run
 * @param wallMillis real time the run took
 * @param planText the first plan, as {@code converge plan} prints it
 * @param planJson the first plan as JSON
 * @param rollout when each workload became fully available
 * @param load the API-server load
 * @param edits the {@code --set}/{@code --compare} edits applied, as given
 * @param primaries the custom resources extensions reconciled, with their final conditions
 * @param notes what extensions report about the end of the run
 * @param rolloutOverTime each workload's desired and available pods over time, in the order of {@code rollout}
 */
public record SimulationResult(int nodes, long seed, String traceHash, double simulatedSeconds, long wallMillis,
    String planText, String planJson, ImmutableList<Rollout> rollout, LoadReport load, ImmutableList<String> edits,
    ImmutableList<Primary> primaries, ImmutableList<String> notes, ImmutableList<RolloutSeries> rolloutOverTime) {

  /** A result without primaries, notes and rollouts over time (no extension took part, nothing sampled). */
  public SimulationResult(int nodes, long seed, String traceHash, double simulatedSeconds, long wallMillis,
      String planText, String planJson, ImmutableList<Rollout> rollout, LoadReport load, ImmutableList<String> edits) {
    this(nodes, seed, traceHash, simulatedSeconds, wallMillis, planText, planJson, rollout, load, edits, ImmutableList.of(),
        ImmutableList.of(), ImmutableList.of());
  }
}
