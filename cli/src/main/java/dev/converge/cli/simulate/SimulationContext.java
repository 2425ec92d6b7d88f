package dev.converge.cli.simulate;

import dev.converge.api.Reconciler;
import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
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

  /** Runs {@code reconciler} in a control loop of its own on the simulated driver, acting as {@code identity}. */
  <P> void reconcile(Reconciler<P> reconciler, Identity identity);
}
