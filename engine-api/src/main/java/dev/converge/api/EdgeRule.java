package dev.converge.api;

/**
 * Why one resource is ordered after another. Each rule prints as the phrase plans use:
 * {@code after Namespace/datadog: namespaced object}.
 */
public enum EdgeRule {
  /** {@code dependsOn} in the graph, or the {@code converge.dev/depends-on} annotation. */
  EXPLICIT("explicit dependency"),
  /** A namespaced object after its Namespace. */
  NAMESPACE("namespaced object"),
  /** A custom resource after its CustomResourceDefinition. */
  CRD("custom resource of this CRD"),
  /** A workload after the ServiceAccount its pod template runs as. */
  SERVICE_ACCOUNT("referenced service account"),
  /** A workload after a Secret its pod template references. */
  SECRET("referenced secret"),
  /** A workload after a ConfigMap its pod template references. */
  CONFIG_MAP("referenced config map"),
  /** A workload after a PersistentVolumeClaim its pod template mounts. */
  PERSISTENT_VOLUME_CLAIM("referenced persistent volume claim"),
  /** A RoleBinding or ClusterRoleBinding after the Role or ClusterRole it binds, and the subject's ServiceAccount. */
  ROLE("bound role"),
  /** A pod template names a RuntimeClass ({@code runtimeClassName}), which admission requires to exist. */
  RUNTIME_CLASS("referenced runtime class"),
  /** A webhook configuration or APIService after the Service it points at. */
  SERVICE("service it calls"),
  /** The default kind order (Helm's install order) between resources no other rule relates. */
  KIND_ORDER("default kind order");

  private final String phrase;

  EdgeRule(String phrase) {
    this.phrase = phrase;
  }

  /** {@return the phrase plans print for this rule} */
  public String phrase() {
    return phrase;
  }
}
