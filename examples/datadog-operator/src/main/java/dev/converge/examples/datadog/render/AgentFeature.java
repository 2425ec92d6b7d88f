package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;

/**
 * A feature module: plain code that adds containers, variables, ports, volumes, RBAC rules and objects to the
 * components of an {@link AgentRendering}. Modules are listed in {@link FeatureCatalog} and run in that order; none is
 * found by reflection.
 */
public interface AgentFeature {

  /** The feature's path under {@code spec} ({@code features.apm}), for conflict messages. */
  String path();

  /** Whether the (defaulted) spec turns the feature on. */
  boolean enabled(DatadogAgentSpec spec);

  /**
   * The components the feature cannot work without. When one of them is disabled by an override the feature
   * is skipped and the DatadogAgent reports {@code OverrideReconcileConflict=True}, as the Datadog Operator does;
   * it is not an error.
   */
  ImmutableSet<ComponentName> requires(DatadogAgentSpec spec);

  /** Adds the feature to {@code rendering}; called only when enabled and every required component runs. */
  void render(AgentRendering rendering);
}
