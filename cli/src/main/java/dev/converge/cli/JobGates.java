package dev.converge.cli;

import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.ReadyGates;

/**
 * {@code --wait-for-jobs} ({@code apply}, {@code simulate}, {@code serve}): every Job of the input is gated on
 * {@code Complete} ({@link ReadyGates#jobComplete()}) unless it has a gate of its own, so that what depends on it
 * ({@code converge.dev/depends-on}) is applied once it has completed, as {@code helm install --wait-for-jobs}
 * waits for its Jobs. Without it a dependency orders creation only.
 */
public final class JobGates {
  private JobGates() {}

  /** {@code resource}, gated on Complete if it is a Job without a gate. */
  public static DesiredResource gate(DesiredResource resource) {
    boolean job = resource.key().group().equals("batch") && resource.key().kind().equals("Job");
    return job && resource.readyWhen() == null ? resource.readyWhen(ReadyGates.jobComplete()) : resource;
  }

  /** {@code graph} with its Jobs gated. */
  public static DesiredGraph gate(DesiredGraph graph) {
    DesiredGraph.Builder gated = DesiredGraph.builder();
    graph.owner().ifPresent(gated::owner);
    for (DesiredResource entry : graph.resources().values()) {
      gated.add(gate(entry));
    }
    return gated.build();
  }
}
