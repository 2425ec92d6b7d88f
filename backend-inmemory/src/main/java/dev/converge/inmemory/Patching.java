package dev.converge.inmemory;

import dev.converge.inmemory.server.PatchEngine;
import org.jspecify.annotations.Nullable;

/** The patch engine {@link InMemoryCluster} wires into its server by default. */
final class Patching {
  private Patching() {}

  /** A new engine over the algorithms of {@code dev.converge.inmemory.patch} (each holds its server's memo). */
  static @Nullable PatchEngine engine() {
    return new PatchPackageEngine();
  }
}
