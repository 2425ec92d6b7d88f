package dev.converge.inmemory.server;

import dev.converge.api.GroupKind;
import dev.converge.api.ResourceTypes;

/** Per-kind registry facts that {@code ResourceType} does not carry. */
final class ResourceTypesInfo {
  private ResourceTypesInfo() {}

  /** Whether {@code kind} is a built-in Kubernetes kind (not a custom resource). */
  static boolean isBuiltin(GroupKind kind) {
    return ResourceTypes.builtins().find(kind).isPresent();
  }

  /**
   * Whether a PUT without {@code resourceVersion} is accepted ({@code AllowUnconditionalUpdate}): true for
   * the built-in strategies, false for custom resources.
   */
  static boolean allowsUnconditionalUpdate(GroupKind kind) {
    return isBuiltin(kind);
  }
}
