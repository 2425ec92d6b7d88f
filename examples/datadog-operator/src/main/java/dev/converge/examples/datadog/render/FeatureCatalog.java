package dev.converge.examples.datadog.render;

import com.google.common.collect.ImmutableList;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgentSpec;

/** Every feature module, in the order they render; {@link CoreFeature} first. */
public final class FeatureCatalog {
  private static final ImmutableList<AgentFeature> ALL = ImmutableList.of(
      new CoreFeature(),
      new ApmFeature(),
      new LogCollectionFeature(),
      new RemoteConfigurationFeature(),
      new DogstatsdFeature(),
      new AdmissionControllerFeature(),
      new ClusterChecksFeature(),
      new KubeStateMetricsCoreFeature(),
      new EventCollectionFeature());

  private FeatureCatalog() {}

  public static ImmutableList<AgentFeature> all() {
    return ALL;
  }

  /**
   * The enabled features that need a component an override disabled, one message each ({@code
   * features.admissionController requires clusterAgent, which spec.override.clusterAgent.disabled turns off}).
   * Such a feature is skipped: the DatadogAgent reports {@code OverrideReconcileConflict=True}, not an error.
   */
  public static ImmutableList<String> conflicts(DatadogAgentSpec spec) {
    ImmutableList.Builder<String> conflicts = ImmutableList.builder();
    for (AgentFeature feature : ALL) {
      if (!feature.enabled(spec)) {
        continue;
      }
      for (ComponentName component : feature.requires(spec)) {
        if (spec.override(component).disabled()) {
          conflicts.add(feature.path() + " requires " + component.overrideKey() + ", which spec.override."
              + component.overrideKey() + ".disabled turns off");
        }
      }
    }
    return conflicts.build();
  }

  /** Whether {@code feature} renders: enabled, and every component it requires runs. */
  static boolean renders(AgentFeature feature, DatadogAgentSpec spec) {
    if (!feature.enabled(spec)) {
      return false;
    }
    for (ComponentName component : feature.requires(spec)) {
      if (!spec.runs(component)) {
        return false;
      }
    }
    return true;
  }
}
