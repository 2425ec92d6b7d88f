package dev.converge.cli.simulate;

import dev.converge.api.ResourceTypes;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Something more to run in a simulation beside the manifests' own control loop — an operator's reconciler
 * (the DatadogAgent operator joins this way), an admission plugin, a CRD's types. {@code converge simulate}
 * reads the input with every extension's {@link #types}, and installs every registered extension once the
 * cluster and the load model exist, before the manifests' loop starts and before the first event runs.
 */
@FunctionalInterface
public interface SimulationExtension {

  /** Adds what this extension runs to {@code simulation}. */
  void install(SimulationContext simulation);

  /**
   * {@code base} and the kinds this extension serves (its CRDs' types), so that input manifests may hold them;
   * {@code base} unchanged by default.
   */
  default ResourceTypes types(ResourceTypes base) {
    return base;
  }

  /**
   * Lines about what this extension ran, read at the end of the run from the store without sending a request
   * (the report's load and trace hash stay those of the run); none by default.
   */
  default List<String> notes(SimulationContext simulation) {
    return List.of();
  }

  /** {@code base} and the kinds every one of {@code extensions} serves, in order. */
  static UnaryOperator<ResourceTypes> typesOf(List<SimulationExtension> extensions) {
    List<SimulationExtension> copy = List.copyOf(extensions);
    return base -> {
      ResourceTypes all = base;
      for (SimulationExtension extension : copy) {
        all = extension.types(all);
      }
      return all;
    };
  }

  /** Whether this is one of the repository's example operators, which {@code --no-examples} leaves out. */
  default boolean example() {
    return false;
  }
}
