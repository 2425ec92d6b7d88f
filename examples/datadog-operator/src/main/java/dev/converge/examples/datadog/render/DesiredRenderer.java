package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Context;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.ReadyGates;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RenderHelpers a DatadogAgent into its desired graph: core and features into per-component builders, overrides last,
 * then one set of objects per component that runs (workload, service account, ClusterRole and Role with their
 * bindings, Service, PodDisruptionBudget) plus the shared objects (token Secret, credentials Secret, admission
 * Service, webhook configuration). Pure: the same DatadogAgent and context always give the same graph.
 */
public final class DesiredRenderer {
  private DesiredRenderer() {}

  /** The desired graph of {@code dda}, owned by {@code context.primary()}. */
  public static DesiredGraph render(DatadogAgent dda, Context context) {
    DesiredGraph.Builder graph = DesiredGraph.builder().owner(context.primary());
    for (DesiredResource resource : resources(dda, TokenSecret.token(dda, context.observed(), context.random()))) {
      graph.add(resource);
    }
    return graph.build();
  }

  /** Every desired resource of {@code dda} with {@code token} as the Cluster Agent token, in render order. */
  public static ImmutableList<DesiredResource> resources(DatadogAgent dda, String token) {
    AgentRendering r = new AgentRendering(dda);
    for (AgentFeature feature : FeatureCatalog.all()) {
      if (FeatureCatalog.renders(feature, dda.spec())) {
        feature.render(r);
      }
    }
    OverrideLayer.apply(r);

    List<DesiredResource> out = new ArrayList<>();
    for (Map.Entry<ComponentName, ComponentBuilder> entry : r.components().entrySet()) {
      component(r, entry.getKey(), entry.getValue(), out);
    }
    if (r.runs(ComponentName.CLUSTER_AGENT)) {
      out.add(DesiredResource.of(TokenSecret.resource(dda, token)));
    }
    CredentialsSecret.resource(dda).ifPresent(secret -> out.add(DesiredResource.of(secret)));
    out.addAll(r.extras());
    return ImmutableList.copyOf(out);
  }

  private static void component(AgentRendering r, ComponentName component, ComponentBuilder builder, List<DesiredResource> out) {
    DatadogAgent dda = r.dda();
    String name = AgentNames.of(dda, component);
    ImmutableMap<String, String> labels = AgentLabels.of(dda, component);
    ImmutableMap<String, String> selector = AgentLabels.selector(dda, component);
    // Pod labels: the common labels, the override's labels on top; the selector labels always win.
    Map<String, String> podLabels = new java.util.TreeMap<>(labels);
    podLabels.putAll(builder.podLabels());
    podLabels.putAll(selector);
    builder.podLabels().clear();
    builder.podLabels().putAll(podLabels);

    String serviceAccount = builder.serviceAccountOverride() != null ? builder.serviceAccountOverride() : name;
    if (builder.serviceAccountOverride() == null) {
      out.add(DesiredResource.of(AgentObjects.serviceAccount(name, dda.namespace(), labels)));
    }
    boolean deployment = component != ComponentName.NODE_AGENT;
    Resource workload = AgentObjects.workload(builder, name, dda.namespace(), labels, selector, serviceAccount, deployment);
    DesiredResource workloadEntry = DesiredResource.of(workload);
    if (component == ComponentName.CLUSTER_AGENT) {
      // The webhook configuration and the runners wait for a Cluster Agent that answers.
      workloadEntry = workloadEntry.readyWhen(ReadyGates.deploymentAvailable());
    }
    if (component == ComponentName.CLUSTER_CHECKS_RUNNER) {
      // Runners only poll the Cluster Agent for checks; started before it they would only fail and restart.
      workloadEntry = workloadEntry.dependsOn(
          dev.converge.api.ResourceKey.namespaced("apps", "Deployment", dda.namespace(), AgentNames.clusterAgent(dda)));
    }
    out.add(workloadEntry);
    if (!builder.clusterRules().isEmpty()) {
      out.add(DesiredResource.of(AgentObjects.role(name, "", labels, builder.clusterRules())));
      out.add(DesiredResource.of(AgentObjects.binding(name, "", labels, name, serviceAccount, dda.namespace())));
    }
    if (!builder.namespaceRules().isEmpty()) {
      out.add(DesiredResource.of(AgentObjects.role(name, dda.namespace(), labels, builder.namespaceRules())));
      out.add(DesiredResource.of(AgentObjects.binding(name, dda.namespace(), labels, name, serviceAccount, dda.namespace())));
    }
    if (!builder.servicePorts().isEmpty()) {
      boolean local = component == ComponentName.NODE_AGENT;
      out.add(DesiredResource.of(AgentObjects.service(name, dda.namespace(), labels, selector, builder.servicePorts(), local)));
    }
    if (builder.podDisruptionBudget()) {
      boolean dca = component == ComponentName.CLUSTER_AGENT;
      out.add(DesiredResource.of(AgentObjects.podDisruptionBudget(AgentNames.podDisruptionBudget(dda, component),
          dda.namespace(), labels, selector, dca ? "minAvailable" : "maxUnavailable", 1)));
    }
  }
}
