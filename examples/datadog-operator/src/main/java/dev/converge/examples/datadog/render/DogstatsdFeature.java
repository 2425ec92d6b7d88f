package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.model.Features;

/**
 * {@code features.dogstatsd}: the node agents' metric intake, 8125/UDP on the node's address (for {@code hostip}
 * injection) and behind the local Service, optionally a Unix socket. Part of every node agent, so it requires
 * nothing beyond the node agents it renders into.
 */
final class DogstatsdFeature implements AgentFeature {
  static final int PORT = 8125;

  @Override
  public String path() {
    return "features.dogstatsd";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return true;
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of();
  }

  @Override
  public void render(AgentRendering r) {
    Features.Dogstatsd dsd = r.spec().features().dogstatsd();
    r.ifRuns(ComponentName.NODE_AGENT, agent -> {
      ContainerBuilder container = agent.container(CoreFeature.AGENT_CONTAINER)
          .port("dogstatsdport", PORT, "UDP", true)
          .env(EnvVar.of("DD_DOGSTATSD_NON_LOCAL_TRAFFIC", "true"));
      if (dsd.originDetectionEnabled()) {
        container.env(EnvVar.of("DD_DOGSTATSD_ORIGIN_DETECTION", "true"));
      }
      if (dsd.socketEnabled()) {
        container.env(EnvVar.of("DD_DOGSTATSD_SOCKET", ApmFeature.SOCKET_DIR + "/dsd.socket"))
            .mount("dsdsocket", ApmFeature.SOCKET_DIR, false);
        agent.hostPathVolume("dsdsocket", ApmFeature.SOCKET_DIR, "DirectoryOrCreate");
      }
      agent.servicePort("dogstatsdport", PORT, PORT, "UDP");
    });
  }
}
