package dev.converge.cli;

import dev.converge.api.Observed;
import dev.converge.core.manifest.ManifestSet;

/**
 * Where {@code converge plan} gets the actual state when no cluster is named: an empty cluster, or what a test
 * injects. With {@code --kubeconfig} the command reads the live objects of that cluster instead ({@code
 * dev.converge.cli.cluster}).
 */
@FunctionalInterface
public interface ActualState {

  /** The live objects that matter for planning {@code desired}. */
  Observed observe(ManifestSet desired);

  /** A cluster with nothing in it: every desired resource is created. */
  static ActualState emptyCluster() {
    return desired -> Observed.empty();
  }
}
