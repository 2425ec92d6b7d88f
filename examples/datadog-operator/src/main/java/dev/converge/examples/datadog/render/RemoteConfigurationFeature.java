package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;

/** {@code features.remoteConfiguration}: every component accepts configuration pushed from Datadog. */
final class RemoteConfigurationFeature implements AgentFeature {

  @Override
  public String path() {
    return "features.remoteConfiguration";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().remoteConfiguration().enabled();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of();
  }

  @Override
  public void render(AgentRendering r) {
    for (ComponentName component : new ComponentName[] {ComponentName.NODE_AGENT, ComponentName.CLUSTER_AGENT}) {
      r.ifRuns(component, builder -> builder.commonEnv(EnvVar.of("DD_REMOTE_CONFIGURATION_ENABLED", "true")));
    }
  }
}
