package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 item 7 through {@code converge simulate}: the shared {@code datadog-secret.yaml} and {@code
 * datadog-agent.yaml} on 5,000 simulated nodes for 10 simulated minutes (seed 42), as given and {@code
 * --compare}d with {@code spec.override.clusterAgent.disabled=true}, read from the JSON output. With the
 * Cluster Agent the node agents refresh their metadata from it every 60 s and send the API server nothing; the
 * Cluster Agent watches pods, services, nodes and namespaces once. Without it every node agent sends the same
 * reads to the API server. An {@code *IT}: the two 5,000-node runs take a minute or two of CPU.
 */
class SimulateDatadogIT {
  private static final String NODE_AGENTS = "system:serviceaccount:default:datadog-agent";
  private static final String CLUSTER_AGENT = "system:serviceaccount:default:datadog-cluster-agent";

  @Test
  void fiveThousandNodes_nodeAgentsApiServerRate_isAtLeastHundredTimesLowerWithTheClusterAgent() {
    JsonNode json = Json.parse(SimulateDatadogTest.run("simulate", "-f", SimulateDatadogTest.SECRET, "-f",
        SimulateDatadogTest.AGENT, "--nodes", "5000", "--duration", "10m", "--seed", "42", "--compare",
        SimulateDatadogTest.DISABLE_CLUSTER_AGENT, "-o", "json").out());
    JsonNode with = json.path("given");
    JsonNode without = json.path("changed");
    assertThat(with.path("rollout").get(0).path("available").asInt()).isEqualTo(5000);
    assertThat(without.path("rollout").get(0).path("available").asInt()).isEqualTo(5000);
    // Item 5 at 5,000 nodes: the install flow's result, as simulate prints it.
    assertThat(with.path("notes").toString()).isEqualTo(Json.parse("""
        ["DatadogAgent default/datadog: agent Running (5000/5000/5000), clusterAgent Running (1/1/1)",
         "  services: default/datadog-admission-controller, default/datadog-agent, default/datadog-cluster-agent",
         "  a pod created in datadog with admission.datadoghq.com/enabled=true and tags.datadoghq.com/*: gets DD_ENV, DD_SERVICE, DD_VERSION, DD_AGENT_HOST, DD_ENTITY_ID"]
        """).toString());
    assertThat(with.path("primaries").get(0).path("conditions").size()).isEqualTo(4);
    assertThat(without.path("primaries").get(0).path("conditions").get(1).path("type").asText()).isEqualTo("AgentReconcile");

    double withRate = perMinute(with, NODE_AGENTS);
    double withoutRate = perMinute(without, NODE_AGENTS);
    // With the Cluster Agent: no node-agent row at all (zero requests); their 156,608 reads went to the Cluster
    // Agent (with seed 42, 3 found it not running yet: agents polling before the Cluster Agent's pod runs), which
    // itself keeps four watches, each opened again when the server ends it 5 to 10 minutes after it opened: eight
    // WATCH requests in 10 minutes (0.8 per minute).
    assertThat(row(with, NODE_AGENTS)).isNull();
    JsonNode proxied = with.path("proxied").path("byProxy").get(0);
    assertThat(proxied.path("identity").asText()).isEqualTo(NODE_AGENTS);
    assertThat(proxied.path("requests").asLong()).isEqualTo(156_608);
    assertThat(proxied.path("unavailable").asLong()).isEqualTo(3);
    assertThat(row(with, CLUSTER_AGENT).path("requestsByVerb").toString()).isEqualTo("{\"watch\":8}");
    // Without it: 5,000 agents × 4 reads per 60 s = 20,000 per minute once all run; 15,659.0 per minute over the
    // run, which includes the rollout.
    JsonNode direct = row(without, NODE_AGENTS);
    assertThat(direct.path("requests").asLong()).isEqualTo(156_590);
    assertThat(withoutRate).isEqualTo(15_659.0);
    assertThat(direct.path("requestsByResource").toString()).isEqualTo(
        "{\"get nodes\":39136,\"list namespaces\":39154,\"list pods\":39137,\"list services\":39163}");
    JsonNode series = direct.path("requestsPerMinuteOverTime");
    assertThat(series.get(series.size() - 1).asLong()).isEqualTo(20_000);
    assertThat(direct.path("rejected").asLong()).isZero();
    assertThat(row(without, CLUSTER_AGENT)).isNull();
    assertThat(withoutRate).isGreaterThan(0);
    assertThat(withoutRate).isGreaterThanOrEqualTo(100 * withRate);
    // The node agents and the Cluster Agent together still ask at least 100 times less.
    assertThat(withoutRate + perMinute(without, CLUSTER_AGENT))
        .isGreaterThanOrEqualTo(100 * (withRate + perMinute(with, CLUSTER_AGENT)));
  }

  private static double perMinute(JsonNode report, String identity) {
    JsonNode row = row(report, identity);
    return row == null ? 0.0 : row.path("perMinute").asDouble();
  }

  private static @Nullable JsonNode row(JsonNode report, String identity) {
    for (JsonNode row : report.path("apiServer").path("byIdentity")) {
      if (row.path("identity").asText().equals(identity)) {
        return row;
      }
    }
    return null;
  }
}
