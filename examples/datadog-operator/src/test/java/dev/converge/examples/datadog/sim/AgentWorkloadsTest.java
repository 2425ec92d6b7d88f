package dev.converge.examples.datadog.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.inmemory.sim.workload.WorkloadProfileSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agents' workload profiles as rendered from a DatadogAgent: through the Cluster Agent, or straight to the API server. */
class AgentWorkloadsTest {

  @Test
  void withTheClusterAgent_nodeAgentsReadThroughIt_everySixtySeconds_andItWatchesOnce() {
    List<WorkloadProfileSpec> profiles = AgentWorkloads.profiles(DatadogAgentDecoder.decode(DatadogFixtures.exampleAgent()));
    assertThat(profiles).extracting(WorkloadProfileSpec::key).containsExactly("datadog/datadog-agent", "datadog/datadog-cluster-agent");
    assertThat(profiles.get(0).requests()).extracting(Object::toString).containsExactly(
        "list pods scope=node every=PT1M via=datadog-cluster-agent",
        "list services scope=cluster every=PT1M via=datadog-cluster-agent",
        "list namespaces scope=cluster every=PT1M via=datadog-cluster-agent",
        "get nodes scope=node every=PT1M via=datadog-cluster-agent");
    assertThat(profiles.get(0).selector().toString()).isEqualTo("agent.datadoghq.com/component=agent,agent.datadoghq.com/name=datadog");
    assertThat(profiles.get(1).requests()).isEmpty();
    assertThat(profiles.get(1).proxyWatch()).extracting(t -> t.plural()).containsExactly("pods", "services", "nodes", "namespaces");
  }

  @Test
  void withoutTheClusterAgent_nodeAgentsAskTheApiServer_andThereIsNoProxy() {
    DatadogAgent dda = DatadogAgentDecoder.decode(DatadogFixtures.minimalAgent("""
          override:
            clusterAgent:
              disabled: true
        """));
    List<WorkloadProfileSpec> profiles = AgentWorkloads.profiles(dda);
    assertThat(profiles).extracting(WorkloadProfileSpec::key).containsExactly("datadog/datadog-agent");
    assertThat(profiles.get(0).requests()).allSatisfy(r -> assertThat(r.via()).isNull()).hasSize(4);
  }

  @Test
  void updateFrequency_comesFromTheNodeAgentsEnv_sixtySecondsByDefault() {
    assertThat(AgentWorkloads.updateFrequency(DatadogAgentDecoder.decode(DatadogFixtures.exampleAgent())))
        .isEqualTo(Duration.ofSeconds(60));
    DatadogAgent every30 = DatadogAgentDecoder.decode(DatadogFixtures.minimalAgent(nodeAgentEnv("\"30\"")));
    assertThat(AgentWorkloads.updateFrequency(every30)).isEqualTo(Duration.ofSeconds(30));
    assertThat(AgentWorkloads.profiles(every30).get(0).requests().get(0).every()).isEqualTo(Duration.ofSeconds(30));
    DatadogAgent wrong = DatadogAgentDecoder.decode(DatadogFixtures.minimalAgent(nodeAgentEnv("1m")));
    assertThatThrownBy(() -> AgentWorkloads.updateFrequency(wrong)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spec.override.nodeAgent.env DD_KUBERNETES_METADATA_TAG_UPDATE_FREQ='1m': must be a positive number of seconds");
  }

  private static String nodeAgentEnv(String value) {
    return """
          override:
            nodeAgent:
              env:
                - name: DD_KUBERNETES_METADATA_TAG_UPDATE_FREQ
                  value: %s
        """.formatted(value);
  }
}
