package dev.converge.examples.datadog.render;

import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.ComponentOverride;
import dev.converge.examples.datadog.model.EnvVar;

/**
 * {@code spec.override.*}, layered after every feature: the image (a name with a tag is used as is), variables
 * set on every container (replacing one of the same name), the node selector merged, tolerations appended, the
 * replica count of Deployments, pod labels and annotations, a service account of the user's, and the
 * PodDisruptionBudget switch. {@code disabled} is applied earlier: a disabled component is never built.
 */
final class OverrideLayer {
  private OverrideLayer() {}

  static void apply(AgentRendering r) {
    for (ComponentName component : ComponentName.values()) {
      ComponentOverride override = r.spec().override(component);
      r.ifRuns(component, builder -> apply(r, builder, override));
    }
  }

  private static void apply(AgentRendering r, ComponentBuilder builder, ComponentOverride override) {
    if (override.image() != null) {
      boolean dca = builder.component() == ComponentName.CLUSTER_AGENT;
      builder.image(AgentImages.resolve(r.spec().global().registry(), dca ? AgentImages.CLUSTER_AGENT : AgentImages.AGENT,
          dca ? AgentImages.CLUSTER_AGENT_VERSION : AgentImages.AGENT_VERSION, override.image()));
    }
    for (EnvVar var : override.env()) {
      for (ContainerBuilder container : builder.containers()) {
        container.env(var);
      }
    }
    builder.nodeSelector().putAll(override.nodeSelector());
    builder.tolerations().addAll(override.tolerations());
    // A DaemonSet has no replica count: one pod per eligible node. The field is accepted and ignored there.
    if (override.replicas() != null && builder.component() != ComponentName.NODE_AGENT) {
      builder.replicas(override.replicas());
    }
    builder.podLabels().putAll(override.labels());
    builder.podAnnotations().putAll(override.annotations());
    if (override.serviceAccountName() != null) {
      builder.serviceAccountOverride(override.serviceAccountName());
    }
    builder.podDisruptionBudget(override.createPodDisruptionBudget() && builder.component() != ComponentName.NODE_AGENT);
  }
}
