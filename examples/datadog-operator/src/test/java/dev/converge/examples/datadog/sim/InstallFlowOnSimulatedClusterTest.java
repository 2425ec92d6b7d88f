package dev.converge.examples.datadog.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.backend.ListRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 5 item 5, the install flow of SEED-CONTEXT.md on 1,000 simulated nodes (seed 42): the operator
 * installed as a resource graph, then {@code datadog-secret.yaml} and {@code datadog-agent.yaml} exactly as
 * shared, in {@code datadog}. The real DaemonSet and Deployment controllers, the scheduler and 1,000 kubelets
 * run the agents; the operator's status reports what they did; an application pod in {@code default} is
 * mutated by the Cluster Agent's webhooks. One simulation for the class: each test reads a later state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstallFlowOnSimulatedClusterTest {
  private static final int NODES = 1000;
  private SimulatedInstall install;
  private double daemonSetAvailableAt;

  @BeforeAll
  void installAndApplyTheSharedExamples() {
    install = SimulatedInstall.start(NODES);
    install.applySharedExamples();
    install.runUntilAvailable(SimulatedInstall.DAEMON_SET, NODES, Duration.ofMinutes(20));
    daemonSetAvailableAt = install.sim.elapsedSeconds();
    install.runUntilAvailable(SimulatedInstall.CLUSTER_AGENT, 1, Duration.ofMinutes(5));
    // The operator's status follows the workloads' on its next pass (it watches what it owns).
    install.sim.runFor(Duration.ofSeconds(30));
  }

  @Test
  void agentDaemonSet_reachesOneThousandAvailable_fromTheSimulatedControllers() {
    JsonNode status = install.status(SimulatedInstall.DAEMON_SET);
    assertThat(status.path("desiredNumberScheduled").asInt()).isEqualTo(NODES);
    assertThat(status.path("numberAvailable").asInt()).isEqualTo(NODES);
    assertThat(status.path("updatedNumberScheduled").asInt()).isEqualTo(NODES);
    // kube-controller-manager's DaemonSet controller creates the 1,000 pods at 20 qps (burst 30): no sooner than
    // (1,000 - 30) / 20 s; seed 42 gives 57.91 s from the first event of the simulation, the controller's bucket
    // being shared with its own status writes and SuccessfulCreate Events only (64.55 s while one bucket served
    // every controller, the node controller's RegisteredNode Events and the endpoints controller's writes among
    // them).
    assertThat(daemonSetAvailableAt).isGreaterThan(48.5).isEqualTo(57.910535121);
    List<Resource> pods = install.admin.list(ListRequest.all(GroupKind.of("", "Pod")).inNamespace("datadog")).items();
    long agentPods = pods.stream().filter(p -> p.name().startsWith("datadog-agent-")).count();
    assertThat(agentPods).isEqualTo(NODES);
    long nodesWithAnAgent = pods.stream().filter(p -> p.name().startsWith("datadog-agent-"))
        .map(p -> p.json().path("spec").path("nodeName").asText()).distinct().count();
    assertThat(nodesWithAnAgent).isEqualTo(NODES);
  }

  @Test
  void clusterAgentAndOperator_areAvailable() {
    assertThat(install.available(SimulatedInstall.CLUSTER_AGENT)).isEqualTo(1);
    assertThat(install.available(SimulatedInstall.OPERATOR)).isEqualTo(1);
  }

  @Test
  void services_includeTheAdmissionController() {
    List<String> names = new ArrayList<>();
    install.admin.list(ListRequest.all(GroupKind.of("", "Service")).inNamespace("datadog")).items()
        .forEach(s -> names.add(s.name()));
    assertThat(names).containsExactly("datadog-admission-controller", "datadog-agent", "datadog-cluster-agent");
  }

  @Test
  void datadogAgentStatus_reportsTheLiveWorkloads() {
    JsonNode status = install.status(SimulatedInstall.AGENT);
    List<String> conditions = new ArrayList<>();
    status.path("conditions").forEach(c -> conditions.add(c.path("type").asText() + "=" + c.path("status").asText()
        + " " + c.path("reason").asText()));
    assertThat(conditions).containsExactly("DatadogAgentReconcileError=False DatadogAgent_reconcile_ok",
        "AgentReconcile=True reconcile_succeed", "ClusterAgentReconcile=True reconcile_succeed",
        "OverrideReconcileConflict=False NoConflict");
    assertThat(status.path("agent").path("status").asText()).isEqualTo("Running (1000/1000/1000)");
    assertThat(status.path("clusterAgent").path("status").asText()).isEqualTo("Running (1/1/1)");
  }

  @Test
  void applicationPodInDefault_getsTheAgentHostEntityIdAndStandardTags() {
    Resource pod = install.createJson("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","labels":{
          "admission.datadoghq.com/enabled":"true","tags.datadoghq.com/env":"prod",
          "tags.datadoghq.com/service":"web","tags.datadoghq.com/version":"1.4.2"}},
         "spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}""");
    // Two webhooks in turn (tags, then config), each prepending what the container lacks.
    assertThat(pod.json().path("spec").path("containers").get(0).path("env").toString()).isEqualTo("["
        + "{\"name\":\"DD_ENV\",\"value\":\"prod\"},{\"name\":\"DD_SERVICE\",\"value\":\"web\"},"
        + "{\"name\":\"DD_VERSION\",\"value\":\"1.4.2\"},"
        + "{\"name\":\"DD_AGENT_HOST\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"status.hostIP\",\"apiVersion\":\"v1\"}}},"
        + "{\"name\":\"DD_ENTITY_ID\",\"valueFrom\":{\"fieldRef\":{\"fieldPath\":\"metadata.uid\",\"apiVersion\":\"v1\"}}}]");
  }
}
