package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;

/** {@code features.logCollection}: the node agents tail container log files from the node. */
final class LogCollectionFeature implements AgentFeature {

  @Override
  public String path() {
    return "features.logCollection";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().logCollection().enabled();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of(ComponentName.NODE_AGENT);
  }

  @Override
  public void render(AgentRendering r) {
    boolean all = r.spec().features().logCollection().containerCollectAll();
    r.ifRuns(ComponentName.NODE_AGENT, agent -> {
      agent.container(CoreFeature.AGENT_CONTAINER)
          .env(EnvVar.of("DD_LOGS_ENABLED", "true"))
          .env(EnvVar.of("DD_LOGS_CONFIG_CONTAINER_COLLECT_ALL", Boolean.toString(all)))
          .env(EnvVar.of("DD_LOGS_CONFIG_K8S_CONTAINER_USE_FILE", "true"))
          .mount("pointerdir", "/opt/datadog-agent/run", false)
          .mount("logpodpath", "/var/log/pods", true)
          .mount("logcontainerpath", "/var/lib/docker/containers", true);
      agent.hostPathVolume("pointerdir", "/var/lib/datadog-agent/logs", "DirectoryOrCreate");
      agent.hostPathVolume("logpodpath", "/var/log/pods", "");
      agent.hostPathVolume("logcontainerpath", "/var/lib/docker/containers", "");
    });
  }
}
