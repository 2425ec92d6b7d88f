package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * {@code converge simulate} with the example DatadogAgent operator registered as the executable registers it,
 * on the shared {@code datadog-secret.yaml} and {@code datadog-agent.yaml} exactly as shared (20 nodes, 3
 * simulated minutes, seed 42): the kind is known, the operator deploys the agents, the rollout lists the agent
 * DaemonSet and the Cluster Agent, {@code primaries} holds the DatadogAgent's final conditions (JSON and text),
 * {@code --compare} puts both variants' conditions side by side, and {@code --no-examples} leaves the operator
 * out.
 */
class SimulateDatadogTest {
  static final String SECRET = "../examples/datadog-operator/src/test/resources/examples/datadog-secret.yaml";
  static final String AGENT = "../examples/datadog-operator/src/test/resources/examples/datadog-agent.yaml";
  static final String DISABLE_CLUSTER_AGENT = "DatadogAgent/datadog:spec.override.clusterAgent.disabled=true";

  @Test
  void json_rolloutHasTheAgentsAndPrimariesTheDatadogAgentsFinalConditions() {
    JsonNode json = Json.parse(simulate("-o", "json").out);
    assertThat(json.path("rollout").toString()).isEqualTo(Json.parse("""
        [{"kind":"DaemonSet","namespace":"default","name":"datadog-agent","desired":20,"available":20,"availableAtSeconds":16.514},
         {"kind":"Deployment","namespace":"default","name":"datadog-cluster-agent","desired":1,"available":1,"availableAtSeconds":9.703}]
        """).toString());
    assertThat(json.path("primaries").toString()).isEqualTo(Json.parse("""
        [{"kind":"DatadogAgent","namespace":"default","name":"datadog","conditions":[
          {"type":"DatadogAgentReconcileError","status":"False","reason":"DatadogAgent_reconcile_ok","message":"DatadogAgent reconcile ok"},
          {"type":"AgentReconcile","status":"True","reason":"reconcile_succeed","message":"reconcile succeed"},
          {"type":"ClusterAgentReconcile","status":"True","reason":"reconcile_succeed","message":"reconcile succeed"},
          {"type":"OverrideReconcileConflict","status":"False","reason":"NoConflict","message":""}]}]
        """).toString());
    // The install flow's result, read at the end without a request: the admission chain mutates a labelled pod.
    assertThat(json.path("notes").toString()).isEqualTo(Json.parse("""
        ["DatadogAgent default/datadog: agent Running (20/20/20), clusterAgent Running (1/1/1)",
         "  services: default/datadog-admission-controller, default/datadog-agent, default/datadog-cluster-agent",
         "  a pod created in datadog with admission.datadoghq.com/enabled=true and tags.datadoghq.com/*: gets DD_ENV, DD_SERVICE, DD_VERSION, DD_AGENT_HOST, DD_ENTITY_ID"]
        """).toString());
    // Of these, 280 are the 20 kubelets' lists and watches of their Node, the Services, the RuntimeClasses, the
    // CSIDrivers, the two Secrets the agent pods read keys from (the API key's and the Cluster Agent token's) and the
    // kube-root-ca.crt their token volumes project; 80 make their CSINodes; and 21 ask for the pods' tokens.
    assertThat(json.path("apiServer").path("requestsTotal").asLong()).isEqualTo(1576);
    // The operator acts as its ServiceAccount; the node agents read through the Cluster Agent, never the API server.
    assertThat(identities(json)).contains("system:serviceaccount:datadog:datadog-operator",
        "system:serviceaccount:default:datadog-cluster-agent").doesNotContain("system:serviceaccount:default:datadog-agent");
    JsonNode proxied = json.path("proxied").path("byProxy").get(0);
    assertThat(proxied.path("proxy").asText()).isEqualTo("default/datadog-cluster-agent");
    assertThat(proxied.path("identity").asText()).isEqualTo("system:serviceaccount:default:datadog-agent");
  }

  @Test
  void text_printsTheCustomResourcesFinalStatus() {
    String out = simulate().out;
    assertThat(out).contains("""
        Custom resources (final status)
          KIND          NAMESPACE  NAME     CONDITION                   STATUS  REASON                     MESSAGE
          DatadogAgent  default    datadog  DatadogAgentReconcileError  False   DatadogAgent_reconcile_ok  DatadogAgent reconcile ok
          DatadogAgent  default    datadog  AgentReconcile              True    reconcile_succeed          reconcile succeed
          DatadogAgent  default    datadog  ClusterAgentReconcile       True    reconcile_succeed          reconcile succeed
          DatadogAgent  default    datadog  OverrideReconcileConflict   False   NoConflict
        """);
    assertThat(out).contains("  DaemonSet   default    datadog-agent              20/20");
    assertThat(out).contains("""
        At the end of the run
          DatadogAgent default/datadog: agent Running (20/20/20), clusterAgent Running (1/1/1)
            services: default/datadog-admission-controller, default/datadog-agent, default/datadog-cluster-agent
        """);
  }

  @Test
  void compare_printsBothVariantsConditionsSideBySide() {
    String out = simulate("--compare", DISABLE_CLUSTER_AGENT).out;
    assertThat(out).startsWith("Simulated 20 nodes for 3m0s (seed 42) in ");
    String[] lines = out.split("\n");
    List<String> rows = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("  DatadogAgent default/datadog ")) {
        rows.add(line.trim().replaceAll(" {2,}", " | "));
      }
    }
    // Without the Cluster Agent the operator drops its condition, and the features that need it (the admission
    // controller among them) are skipped as override conflicts.
    assertThat(rows).containsExactly(
        "DatadogAgent default/datadog DatadogAgentReconcileError | False DatadogAgent_reconcile_ok | False DatadogAgent_reconcile_ok",
        "DatadogAgent default/datadog AgentReconcile | True reconcile_succeed | True reconcile_succeed",
        "DatadogAgent default/datadog ClusterAgentReconcile | True reconcile_succeed | -",
        "DatadogAgent default/datadog OverrideReconcileConflict | False NoConflict | True OverrideReconcileConflict");
  }

  @Test
  void compareJson_withoutTheClusterAgent_noPodIsMutated() {
    JsonNode changed = Json.parse(simulate("--compare", DISABLE_CLUSTER_AGENT, "-o", "json").out).path("changed");
    assertThat(changed.path("notes").toString()).isEqualTo(Json.parse("""
        ["DatadogAgent default/datadog: agent Running (20/20/20), clusterAgent -",
         "  services: default/datadog-agent",
         "  a pod created in datadog with admission.datadoghq.com/enabled=true and tags.datadoghq.com/*: no env added"]
        """).toString());
    assertThat(changed.path("rollout").size()).isEqualTo(1);
  }

  @Test
  void noExamples_leavesTheOperatorOut() {
    JsonNode json = Json.parse(simulate("--no-examples", "-o", "json").out);
    assertThat(json.path("notes").size()).isZero();
    assertThat(json.path("primaries").size()).isZero();
    assertThat(json.path("rollout").size()).isZero();
    assertThat(identities(json)).doesNotContain("system:serviceaccount:datadog:datadog-operator");
  }

  @Test
  void aBadUpdateFrequency_isBadInput_oneLineAndExitCodeTwo() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.commandLine(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true),
        new CountDownLatch(1), false, DatadogOperatorExtension.examples()).execute("simulate", "-f", SECRET, "-f", AGENT,
        "--nodes", "2", "--duration", "1m", "--set",
        "DatadogAgent/datadog:spec.override.nodeAgent.env=[{name: DD_KUBERNETES_METADATA_TAG_UPDATE_FREQ, value: 1m}]");
    assertThat(code).isEqualTo(2);
    assertThat(out.toString()).isEmpty();
    // One line; its prefix is the error reporter's.
    assertThat(err.toString()).hasLineCount(1).endsWith(": DatadogAgent/datadog: spec.override.nodeAgent.env "
        + "DD_KUBERNETES_METADATA_TAG_UPDATE_FREQ='1m': must be a positive number of seconds\n");
  }

  static List<String> identities(JsonNode json) {
    List<String> identities = new ArrayList<>();
    json.path("apiServer").path("byIdentity").forEach(row -> identities.add(row.path("identity").asText()));
    return identities;
  }

  /** Runs simulate on the shared examples, 20 nodes, 3 minutes, seed 42, with {@code more} options. */
  private static Run simulate(String... more) {
    List<String> args = new ArrayList<>(List.of("simulate", "-f", SECRET, "-f", AGENT, "--nodes", "20",
        "--duration", "3m", "--seed", "42"));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  /** Runs {@code args} with the example operators registered, as {@code Main} does; exit code 0 expected. */
  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.commandLine(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true),
        new CountDownLatch(1), false, DatadogOperatorExtension.examples()).execute(args);
    assertThat(code).as(err.toString()).isZero();
    return new Run(out.toString(), err.toString());
  }

  record Run(String out, String err) {}
}
