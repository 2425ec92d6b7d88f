package dev.converge.cli;

import dev.converge.api.Observed;
import dev.converge.core.manifest.ManifestSet;

/**
 * Where a command gets the actual state it plans against. The seam between the command line and a cluster:
 * today an empty cluster; the in-memory backend ({@code --cluster sim}) and a real cluster ({@code --cluster
 * kubeconfig}) plug in here without the commands changing.
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
