package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;

/**
 * {@code features.kubeStateMetricsCore}: the kube-state-metrics check runs as a cluster check, in the Cluster
 * Agent or, when runners are used, in the runners; whichever runs it gets the list/watch rules it needs.
 */
final class KubeStateMetricsCoreFeature implements AgentFeature {

  @Override
  public String path() {
    return "features.kubeStateMetricsCore";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().kubeStateMetricsCore().enabled();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of(ComponentName.CLUSTER_AGENT);
  }

  @Override
  public void render(AgentRendering r) {
    r.ifRuns(ComponentName.CLUSTER_AGENT, dca -> {
      dca.commonEnv(EnvVar.of("DD_KUBE_STATE_METRICS_CORE_ENABLED", "true"));
      AgentRules.kubeStateMetrics().forEach(dca::clusterRule);
    });
    r.ifRuns(ComponentName.CLUSTER_CHECKS_RUNNER, runner -> AgentRules.kubeStateMetrics().forEach(runner::clusterRule));
  }
}
