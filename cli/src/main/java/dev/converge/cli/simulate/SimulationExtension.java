package dev.converge.cli.simulate;

/**
 * Something more to run in a simulation beside the manifests' own control loop — an operator's reconciler
 * (the DatadogAgent operator joins this way), an admission plugin, a CRD's types. {@code converge simulate}
 * installs every registered extension once the cluster, the load model and the manifests' loop exist, before
 * the first event runs.
 */
@FunctionalInterface
public interface SimulationExtension {

  /** Adds what this extension runs to {@code simulation}. */
  void install(SimulationContext simulation);
}
