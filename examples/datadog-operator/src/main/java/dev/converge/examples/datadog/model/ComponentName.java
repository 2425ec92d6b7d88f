package dev.converge.examples.datadog.model;

import java.util.Optional;

/**
 * The three workloads a DatadogAgent runs, with the key used under {@code spec.override} and the suffix used in
 * object names and in the {@code agent.datadoghq.com/component} label.
 */
public enum ComponentName {
  NODE_AGENT("nodeAgent", "agent"),
  CLUSTER_AGENT("clusterAgent", "cluster-agent"),
  CLUSTER_CHECKS_RUNNER("clusterChecksRunner", "cluster-checks-runner");

  private final String overrideKey;
  private final String suffix;

  ComponentName(String overrideKey, String suffix) {
    this.overrideKey = overrideKey;
    this.suffix = suffix;
  }

  /** The key under {@code spec.override} ({@code nodeAgent}). */
  public String overrideKey() {
    return overrideKey;
  }

  /** The name suffix and component label value ({@code agent}, {@code cluster-agent}, …). */
  public String suffix() {
    return suffix;
  }

  /** The component whose override key is {@code key}. */
  public static Optional<ComponentName> fromOverrideKey(String key) {
    for (ComponentName component : values()) {
      if (component.overrideKey.equals(key)) {
        return Optional.of(component);
      }
    }
    return Optional.empty();
  }
}
