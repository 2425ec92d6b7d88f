package dev.converge.inmemory;

import dev.converge.inmemory.server.PatchEngine;
import org.jspecify.annotations.Nullable;

/** The patch engine {@link InMemoryCluster} wires into its server by default. */
final class Patching {
  private Patching() {}

  /**
   * The engine over {@code dev.converge.inmemory.patch}; null until that package is merged into this branch
   * (then patches and applies fail with 500 "built without a patch engine").
   */
  static @Nullable PatchEngine engine() {
    return null;
  }
}
