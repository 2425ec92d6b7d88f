package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
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
        SimulateDatadogTest.DISABLE_CLUSTER_AGENT, "-o", "json").out);
    JsonNode with = json.path("given");
    JsonNode without = json.path("changed");
    assertThat(with.path("rollout").get(0).path("available").asInt()).isEqualTo(5000);
    assertThat(without.path("rollout").get(0).path("available").asInt()).isEqualTo(5000);

    double withRate = perMinute(with, NODE_AGENTS);
    double withoutRate = perMinute(without, NODE_AGENTS);
    System.out.printf("node agents' API-server requests per minute: with the Cluster Agent %.3f, without %.3f%n",
        withRate, withoutRate);
    assertThat(withoutRate).isGreaterThan(0);
    assertThat(withoutRate).isGreaterThanOrEqualTo(100 * withRate);
    // The node agents and the Cluster Agent together still ask at least 100 times less.
    assertThat(withoutRate + perMinute(without, CLUSTER_AGENT))
        .isGreaterThanOrEqualTo(100 * (withRate + perMinute(with, CLUSTER_AGENT)));
    System.out.println("cluster agent with " + perMinute(with, CLUSTER_AGENT) + " proxied "
        + with.path("proxied").toString() + " without " + row(without, NODE_AGENTS));
  }

  private static double perMinute(JsonNode report, String identity) {
    JsonNode row = row(report, identity);
    return row == null ? 0.0 : row.path("perMinute").asDouble();
  }

  private static JsonNode row(JsonNode report, String identity) {
    for (JsonNode row : report.path("apiServer").path("byIdentity")) {
      if (row.path("identity").asText().equals(identity)) {
        return row;
      }
    }
    return null;
  }
}
