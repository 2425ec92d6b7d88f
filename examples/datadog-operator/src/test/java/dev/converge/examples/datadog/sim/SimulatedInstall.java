package dev.converge.examples.datadog.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.ControlLoop;
import dev.converge.examples.datadog.DatadogAgentReconciler;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.AgentManifests;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.Simulation;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;

/**
 * The install flow on a simulated cluster, for tests: {@code nodes} simulated nodes with their kubelets, the
 * scheduler and kube-controller-manager; the operator installed by an administrator from {@link
 * OperatorSimulation} (its graph, the Cluster Agent's webhooks); its control loop running on the virtual
 * clock as the operator's ServiceAccount, driven by the engine's {@link SimulatedDriver}. Nothing fakes
 * workload status: the DaemonSet and Deployment controllers and the kubelets produce it.
 */
final class SimulatedInstall {
  static final String NAMESPACE = DatadogFixtures.NAMESPACE;
  static final ResourceKey AGENT = ResourceKey.parse("datadoghq.com/DatadogAgent/datadog/datadog");
  static final ResourceKey DAEMON_SET = ResourceKey.parse("apps/DaemonSet/datadog/datadog-agent");
  static final ResourceKey CLUSTER_AGENT = ResourceKey.parse("apps/Deployment/datadog/datadog-cluster-agent");
  static final ResourceKey OPERATOR = ResourceKey.parse("apps/Deployment/datadog/datadog-operator");

  final Simulation sim;
  final InMemoryBackend admin;

  private SimulatedInstall(int nodes, long seed) {
    sim = Simulation.builder().seed(seed).pool(NodePool.plain(nodes)).build();
    admin = new InMemoryBackend(sim.server(), Identity.admin());
    OperatorSimulation.installOperator(sim.server(), Identity.admin(), NAMESPACE);
    ControlLoop<DatadogAgent> loop = ControlLoop.builder(
            new InMemoryBackend(sim.server(), OperatorSimulation.operator(NAMESPACE)), new DatadogAgentReconciler(), sim.clock())
        .seed(seed)
        .build();
    SimulatedDriver.builder(loop, sim.clock()).build().start();
    sim.start();
  }

  /** The operator installed on a started simulation of {@code nodes} nodes, seed 42. */
  static SimulatedInstall start(int nodes) {
    return new SimulatedInstall(nodes, 42);
  }

  /** Creates the objects of {@code yaml} in {@link #NAMESPACE} as an administrator ({@code kubectl create -n datadog}). */
  ImmutableList<Resource> create(String yaml) {
    ImmutableList.Builder<Resource> created = ImmutableList.builder();
    for (Resource resource : AgentManifests.readAll(yaml)) {
      created.add(sim.server().create(Identity.admin(), AgentManifests.inNamespace(resource, NAMESPACE, "")));
    }
    return created.build();
  }

  /** {@code datadog-secret.yaml} and then {@code datadog-agent.yaml}, exactly as shared. */
  void applySharedExamples() {
    create(DatadogFixtures.sharedExample("datadog-secret.yaml"));
    create(DatadogFixtures.sharedExample("datadog-agent.yaml"));
  }

  /** The same with {@code more} appended to {@code datadog-agent.yaml} (lines under {@code spec}, indented by two). */
  void applySharedExamplesWith(String more) {
    create(DatadogFixtures.sharedExample("datadog-secret.yaml"));
    String agent = DatadogFixtures.sharedExample("datadog-agent.yaml");
    create(agent.replace("spec:\n", "spec:\n" + more));
  }

  /** Creates {@code json} (a namespaced object that names its namespace) as an administrator. */
  Resource createJson(String json) {
    return sim.server().create(Identity.admin(), Resource.of(Json.parse(json)));
  }

  /** Runs the simulation until {@code key}'s status shows {@code available} available pods, or fails. */
  void runUntilAvailable(ResourceKey key, int available, Duration limit) {
    if (!sim.runUntil(() -> available(key) == available, limit)) {
      throw new AssertionError(key + " has " + available(key) + " available pods, not " + available + ", after " + limit);
    }
  }

  /** Available pods of a DaemonSet ({@code numberAvailable}) or Deployment ({@code availableReplicas}); -1 if absent. */
  int available(ResourceKey key) {
    return admin.get(key)
        .map(r -> r.json().path("status").path(key.kind().equals("DaemonSet") ? "numberAvailable" : "availableReplicas").asInt(0))
        .orElse(-1);
  }

  /** The live object, which must exist. */
  Resource live(ResourceKey key) {
    return admin.get(key).orElseThrow(() -> new AssertionError(key + " does not exist"));
  }

  /** The live {@code status} of {@code key}. */
  JsonNode status(ResourceKey key) {
    return live(key).json().path("status");
  }
}
