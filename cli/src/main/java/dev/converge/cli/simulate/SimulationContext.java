package dev.converge.cli.simulate;

import dev.converge.api.Reconciler;
import dev.converge.api.ResourceKey;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.load.LoadModel;

/** What a {@link SimulationExtension} can reach in a simulation about to run. */
public interface SimulationContext {

  /** The virtual clock and event queue of the run. */
  VirtualScheduler scheduler();

  /** The simulated cluster's API server. */
  ApiServer server();

  /** Clients with their rate limits, priority and fairness, accounting. */
  LoadModel load();

  /** The manifests, edits, pools and profiles of the run. */
  SimulationInput input();

  /** The run's seed. */
  long seed();

  /**
   * Runs {@code reconciler} in a control loop of its own on the simulated driver, acting as {@code identity}.
   * Every object of its primary kind at the end of the run is reported with its conditions ({@code primaries}).
   */
  <P> void reconcile(Reconciler<P> reconciler, Identity identity);

  /** The simulation itself: its context for workload drivers, nodes, controllers. */
  Simulation simulation();

  /** Adds {@code key} (a DaemonSet, Deployment, StatefulSet or ReplicaSet an extension creates) to the rollout timeline. */
  void trackRollout(ResourceKey key);
}
