package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.model.Features;
import java.util.stream.Collectors;

/**
 * {@code features.apm}: the {@code trace-agent} container with the trace intake (8126/TCP, also on the node's
 * address for {@code hostip} injection, and behind the local Service), optionally its Unix socket; with
 * single-step instrumentation, the Cluster Agent's instrumentation settings (which is why instrumentation needs
 * the Cluster Agent).
 */
final class ApmFeature implements AgentFeature {
  static final String CONTAINER = "trace-agent";
  static final int PORT = 8126;
  static final String SOCKET_DIR = "/var/run/datadog";

  @Override
  public String path() {
    return "features.apm";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().apm().enabled();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return spec.features().apm().instrumentation().enabled()
        ? ImmutableSet.of(ComponentName.NODE_AGENT, ComponentName.CLUSTER_AGENT)
        : ImmutableSet.of(ComponentName.NODE_AGENT);
  }

  @Override
  public void render(AgentRendering r) {
    Features.Apm apm = r.spec().features().apm();
    r.ifRuns(ComponentName.NODE_AGENT, agent -> {
      agent.commonEnv(EnvVar.of("DD_APM_ENABLED", "true"));
      ContainerBuilder trace = agent.container(CONTAINER)
          .command("trace-agent", "-config=/etc/datadog-agent/datadog.yaml")
          .env(EnvVar.of("DD_APM_NON_LOCAL_TRAFFIC", "true"))
          .port("traceport", PORT, "TCP", true)
          .mount("logdatadog", "/var/log/datadog", false);
      if (apm.socketEnabled()) {
        trace.env(EnvVar.of("DD_APM_RECEIVER_SOCKET", SOCKET_DIR + "/apm.socket")).mount("apmsocket", SOCKET_DIR, false);
        agent.hostPathVolume("apmsocket", SOCKET_DIR, "DirectoryOrCreate");
      }
      agent.servicePort("traceport", PORT, PORT, "TCP");
    });
    Features.Instrumentation instrumentation = apm.instrumentation();
    if (instrumentation.enabled()) {
      r.ifRuns(ComponentName.CLUSTER_AGENT, dca -> {
        dca.commonEnv(EnvVar.of("DD_APM_INSTRUMENTATION_ENABLED", "true"));
        if (!instrumentation.enabledNamespaces().isEmpty()) {
          dca.commonEnv(EnvVar.of("DD_APM_INSTRUMENTATION_ENABLED_NAMESPACES", jsonList(instrumentation.enabledNamespaces())));
        }
        if (!instrumentation.disabledNamespaces().isEmpty()) {
          dca.commonEnv(EnvVar.of("DD_APM_INSTRUMENTATION_DISABLED_NAMESPACES", jsonList(instrumentation.disabledNamespaces())));
        }
      });
    }
  }

  /** The Cluster Agent reads namespace lists as JSON arrays. */
  private static String jsonList(java.util.List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "[", "]"));
  }
}
