package dev.converge.examples.datadog.model;

import com.google.common.collect.ImmutableMap;

/**
 * {@code spec} of a DatadogAgent, defaults applied.
 *
 * @param global settings shared by every component
 * @param features what the agents do
 * @param override per-component changes layered after the features; absent components have {@link
 *     ComponentOverride#none()}
 */
public record DatadogAgentSpec(GlobalConfig global, Features features, ImmutableMap<ComponentName, ComponentOverride> override) {

  /** The override of {@code component}, or {@link ComponentOverride#none()}. */
  public ComponentOverride override(ComponentName component) {
    return override.getOrDefault(component, ComponentOverride.none());
  }

  /** Whether {@code component} runs: not disabled, and for the runners only when asked for. */
  public boolean runs(ComponentName component) {
    if (override(component).disabled()) {
      return false;
    }
    if (component == ComponentName.CLUSTER_CHECKS_RUNNER) {
      return features.clusterChecks().enabled() && features.clusterChecks().useClusterChecksRunners() && runs(ComponentName.CLUSTER_AGENT);
    }
    return true;
  }
}
