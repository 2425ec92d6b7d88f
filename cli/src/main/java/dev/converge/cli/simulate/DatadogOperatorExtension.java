package dev.converge.cli.simulate;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DesiredResource;
import dev.converge.api.InvalidSpecException;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.core.manifest.ManifestException;
import dev.converge.examples.datadog.DatadogAgentReconciler;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.render.AgentNames;
import dev.converge.examples.datadog.sim.AgentWorkloads;
import dev.converge.examples.datadog.sim.InstallSummary;
import dev.converge.examples.datadog.sim.OperatorSimulation;
import dev.converge.inmemory.sim.workload.WorkloadDriver;
import dev.converge.inmemory.sim.workload.WorkloadProfileSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The example DatadogAgent operator ({@code examples/datadog-operator}) as part of every simulation: the input
 * may hold {@code datadoghq.com/v2alpha1 DatadogAgent}s, and when it does the operator is installed as its
 * Helm chart would be (CRD, ServiceAccount, RBAC, Deployment in {@code datadog}, by the engine's identity) with
 * the Cluster Agent's admission webhooks, its control loop runs as the operator's ServiceAccount, the agents
 * it deploys become API clients ({@link AgentWorkloads}), and their DaemonSet and Cluster Agent Deployment join
 * the rollout timeline. An input without a DatadogAgent runs exactly as without the extension.
 */
public final class DatadogOperatorExtension implements SimulationExtension {

  /** The repository's example operators, in the order they install. */
  public static List<SimulationExtension> examples() {
    return List.of(new DatadogOperatorExtension());
  }

  @Override
  public ResourceTypes types(ResourceTypes base) {
    return base.with(ResourceType.namespaced(DatadogAgent.GROUP, DatadogAgent.VERSION, DatadogAgent.KIND, "datadogagents"));
  }

  @Override
  public boolean example() {
    return true;
  }

  @Override
  public List<String> notes(SimulationContext simulation) {
    List<String> lines = new ArrayList<>();
    for (DesiredResource agent : agents(simulation)) {
      try {
        lines.addAll(InstallSummary.describe(simulation.server(), DatadogAgentDecoder.decode(agent.resource())));
      } catch (InvalidSpecException e) {
        lines.add("DatadogAgent " + agent.key().namespace() + "/" + agent.key().name() + ": invalid, see its conditions");
      }
    }
    return lines;
  }

  private static ImmutableList<DesiredResource> agents(SimulationContext simulation) {
    return simulation.input().spec().resources().stream()
        .filter(r -> r.key().groupKind().equals(DatadogAgent.GROUP_KIND))
        .collect(ImmutableList.toImmutableList());
  }

  @Override
  public void install(SimulationContext simulation) {
    ImmutableList<DesiredResource> agents = agents(simulation);
    if (agents.isEmpty()) {
      return;
    }
    List<WorkloadProfileSpec> profiles = new ArrayList<>();
    for (DesiredResource agent : agents) {
      DatadogAgent dda;
      try {
        dda = DatadogAgentDecoder.decode(agent.resource());
      } catch (InvalidSpecException e) {
        // The operator reports it in the DatadogAgent's status (primaries); it deploys no agents to drive.
        continue;
      }
      try {
        profiles.addAll(AgentWorkloads.profiles(dda));
      } catch (IllegalArgumentException e) {
        throw ManifestException.input("DatadogAgent/" + dda.name() + ": " + e.getMessage());
      }
      if (dda.spec().runs(ComponentName.NODE_AGENT)) {
        simulation.trackRollout(ResourceKey.namespaced("apps", "DaemonSet", dda.namespace(), AgentNames.agent(dda)));
      }
      if (dda.spec().runs(ComponentName.CLUSTER_AGENT)) {
        simulation.trackRollout(ResourceKey.namespaced("apps", "Deployment", dda.namespace(), AgentNames.clusterAgent(dda)));
      }
    }
    OperatorSimulation.installOperator(simulation.server(), SimulatedCluster.ENGINE, OperatorSimulation.NAMESPACE);
    simulation.reconcile(new DatadogAgentReconciler(), OperatorSimulation.operator(OperatorSimulation.NAMESPACE));
    WorkloadDriver.install(simulation.simulation().context(), simulation.load(), profiles);
  }
}
