package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;

/**
 * {@code features.clusterChecks}: the Cluster Agent dispatches checks of cluster services, to the node agents
 * by default or to dedicated runners with {@code useClusterChecksRunners} (which then require the runner
 * component).
 */
final class ClusterChecksFeature implements AgentFeature {

  @Override
  public String path() {
    return "features.clusterChecks";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().clusterChecks().enabled();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return spec.features().clusterChecks().useClusterChecksRunners()
        ? ImmutableSet.of(ComponentName.CLUSTER_AGENT, ComponentName.CLUSTER_CHECKS_RUNNER)
        : ImmutableSet.of(ComponentName.CLUSTER_AGENT);
  }

  @Override
  public void render(AgentRendering r) {
    boolean runners = r.runs(ComponentName.CLUSTER_CHECKS_RUNNER);
    r.ifRuns(ComponentName.CLUSTER_AGENT, dca -> {
      dca.commonEnv(EnvVar.of("DD_CLUSTER_CHECKS_ENABLED", "true"));
      dca.commonEnv(EnvVar.of("DD_EXTRA_CONFIG_PROVIDERS", "kube_endpoints kube_services"));
      dca.commonEnv(EnvVar.of("DD_EXTRA_LISTENERS", "kube_endpoints kube_services"));
    });
    r.ifRuns(ComponentName.NODE_AGENT, agent -> agent.container(CoreFeature.AGENT_CONTAINER)
        .env(EnvVar.of("DD_EXTRA_CONFIG_PROVIDERS", runners ? "endpointschecks" : "clusterchecks endpointschecks")));
  }
}
