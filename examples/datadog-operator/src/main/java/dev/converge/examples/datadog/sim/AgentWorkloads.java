package dev.converge.examples.datadog.sim;

import com.google.common.collect.ImmutableList;
import dev.converge.api.LabelSelector;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.render.AgentLabels;
import dev.converge.examples.datadog.render.AgentNames;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.sim.workload.RequestSpec;
import dev.converge.inmemory.sim.workload.RequestSpec.Scope;
import dev.converge.inmemory.sim.workload.WorkloadProfileSpec;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the agents of a DatadogAgent ask the API server, as the simulation's workload profiles — rendered from
 * the decoded DatadogAgent, with the labels the operator puts on the pods, so that a profile always selects
 * exactly the pods the operator runs.
 *
 * <ul>
 *   <li><b>Node agents</b> ({@code <dda>-agent}) refresh the cluster-level metadata they tag with every
 *       {@code kubernetes_metadata_tag_update_freq} (60 s; set {@value #UPDATE_FREQ_ENV} in seconds in
 *       {@code override.nodeAgent.env}): the pods of their node (pod → services), the services, the
 *       namespaces (their labels) and their node (its labels). With the Cluster Agent these are the Cluster
 *       Agent's {@code /api/v1/tags/pod/{node}}, {@code /tags/node/{node}}, {@code /tags/namespace/{ns}}
 *       endpoints, answered from its cache ({@code via}); with {@code override.clusterAgent.disabled: true}
 *       every node agent sends them to the API server itself, which its RBAC then allows.
 *   <li><b>The Cluster Agent</b> ({@code <dda>-cluster-agent}) is the proxy: it watches pods, services, nodes
 *       and namespaces once and answers the node agents.
 * </ul>
 *
 * <p>Kubelet reads ({@code nodes/metrics}, {@code nodes/stats}, …) go from the agent to its own kubelet and are
 * not API-server requests, so they are not modelled. Profiles are fixed for a run: a DatadogAgent edited in
 * the middle of one keeps the profiles it started with.
 */
public final class AgentWorkloads {
  /** The node agent's {@code kubernetes_metadata_tag_update_freq}, in seconds, as an environment variable. */
  public static final String UPDATE_FREQ_ENV = "DD_KUBERNETES_METADATA_TAG_UPDATE_FREQ";
  /** The Datadog Agent's default {@code kubernetes_metadata_tag_update_freq}. */
  public static final Duration DEFAULT_UPDATE_FREQ = Duration.ofSeconds(60);

  private static final ResourceTypes TYPES = ResourceTypes.builtins();
  private static final ResourceType PODS = builtin("pods");
  private static final ResourceType SERVICES = builtin("services");
  private static final ResourceType NODES = builtin("nodes");
  private static final ResourceType NAMESPACES = builtin("namespaces");

  private AgentWorkloads() {}

  /** The profiles of {@code dda}'s agents: the node agents, and the Cluster Agent's proxy when it runs. */
  public static ImmutableList<WorkloadProfileSpec> profiles(DatadogAgent dda) {
    boolean clusterAgent = dda.spec().runs(ComponentName.CLUSTER_AGENT);
    String proxy = AgentNames.clusterAgent(dda);
    Duration every = updateFrequency(dda);
    @Nullable String via = clusterAgent ? proxy : null;
    ImmutableList.Builder<WorkloadProfileSpec> profiles = ImmutableList.builder();
    profiles.add(new WorkloadProfileSpec(dda.namespace(), AgentNames.agent(dda), selector(dda, ComponentName.NODE_AGENT),
        null, ImmutableList.of(
            new RequestSpec(Verb.LIST, PODS, Scope.NODE, every, via),
            new RequestSpec(Verb.LIST, SERVICES, Scope.CLUSTER, every, via),
            new RequestSpec(Verb.LIST, NAMESPACES, Scope.CLUSTER, every, via),
            new RequestSpec(Verb.GET, NODES, Scope.NODE, every, via)),
        ImmutableList.of()));
    if (clusterAgent) {
      profiles.add(new WorkloadProfileSpec(dda.namespace(), proxy, selector(dda, ComponentName.CLUSTER_AGENT), null,
          ImmutableList.of(), ImmutableList.of(PODS, SERVICES, NODES, NAMESPACES)));
    }
    return profiles.build();
  }

  /**
   * The node agents' refresh period: {@value #UPDATE_FREQ_ENV} of {@code override.nodeAgent.env} (whole
   * seconds, positive), else {@link #DEFAULT_UPDATE_FREQ}.
   *
   * @throws IllegalArgumentException if the variable is set to something else
   */
  public static Duration updateFrequency(DatadogAgent dda) {
    List<EnvVar> env = dda.spec().override(ComponentName.NODE_AGENT).env();
    for (EnvVar variable : env) {
      String raw = variable.value();
      if (variable.name().equals(UPDATE_FREQ_ENV) && raw != null) {
        String value = raw.trim();
        if (value.matches("[0-9]{1,6}") && Integer.parseInt(value) > 0) {
          return Duration.ofSeconds(Integer.parseInt(value));
        }
        throw new IllegalArgumentException("spec.override.nodeAgent.env " + UPDATE_FREQ_ENV + "='" + value
            + "': must be a positive number of seconds");
      }
    }
    return DEFAULT_UPDATE_FREQ;
  }

  private static LabelSelector selector(DatadogAgent dda, ComponentName component) {
    return LabelSelector.matchLabels(AgentLabels.selector(dda, component));
  }

  private static ResourceType builtin(String plural) {
    return TYPES.findByPlural("", plural).orElseThrow();
  }
}
