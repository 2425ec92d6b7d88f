package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import java.util.List;

/**
 * {@code features.eventCollection}: the Cluster Agent's leader watches Kubernetes events and keeps its resume
 * token in the {@code datadogtoken} ConfigMap.
 */
final class EventCollectionFeature implements AgentFeature {

  @Override
  public String path() {
    return "features.eventCollection";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().eventCollection().collectKubernetesEvents();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of(ComponentName.CLUSTER_AGENT);
  }

  @Override
  public void render(AgentRendering r) {
    r.ifRuns(ComponentName.CLUSTER_AGENT, dca -> {
      dca.commonEnv(EnvVar.of("DD_COLLECT_KUBERNETES_EVENTS", "true"));
      dca.namespaceRule(AgentRbacRule.named("", List.of("configmaps"), List.of("datadogtoken"), List.of("get", "update")));
    });
  }
}
