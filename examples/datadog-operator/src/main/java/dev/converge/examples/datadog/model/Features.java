package dev.converge.examples.datadog.model;

import com.google.common.collect.ImmutableList;

/**
 * {@code spec.features}, defaults applied.
 *
 * @param apm application performance monitoring (on by default)
 * @param logCollection container log collection (off by default)
 * @param remoteConfiguration remote configuration (on by default)
 * @param admissionController the admission controller (on by default)
 * @param clusterChecks cluster checks (on by default, run by the node agents unless runners are asked for)
 * @param dogstatsd the DogStatsD intake of the node agents (always on)
 * @param kubeStateMetricsCore the kube-state-metrics core check (on by default)
 * @param eventCollection Kubernetes event collection (on by default)
 */
public record Features(
    Apm apm,
    LogCollection logCollection,
    RemoteConfiguration remoteConfiguration,
    AdmissionController admissionController,
    ClusterChecks clusterChecks,
    Dogstatsd dogstatsd,
    KubeStateMetricsCore kubeStateMetricsCore,
    EventCollection eventCollection) {

  /**
   * {@code features.apm}.
   *
   * @param enabled whether the trace agent runs
   * @param instrumentation single-step instrumentation of application pods
   * @param socketEnabled whether the trace agent listens on a Unix socket ({@code unixDomainSocketConfig.enabled})
   */
  public record Apm(boolean enabled, Instrumentation instrumentation, boolean socketEnabled) {}

  /**
   * {@code features.apm.instrumentation}.
   *
   * @param enabled whether application pods are instrumented
   * @param enabledNamespaces only these namespaces are instrumented (exclusive with {@code disabledNamespaces})
   * @param disabledNamespaces every namespace but these is instrumented
   */
  public record Instrumentation(
      boolean enabled, ImmutableList<String> enabledNamespaces, ImmutableList<String> disabledNamespaces) {}

  /**
   * {@code features.logCollection}.
   *
   * @param enabled whether the agents collect logs
   * @param containerCollectAll whether logs of every container are collected, not only annotated ones
   */
  public record LogCollection(boolean enabled, boolean containerCollectAll) {}

  /** {@code features.remoteConfiguration}. @param enabled whether remote configuration is on */
  public record RemoteConfiguration(boolean enabled) {}

  /**
   * {@code features.admissionController}.
   *
   * @param enabled whether the Cluster Agent serves the mutating webhook
   * @param mutateUnlabelled whether pods without the {@code admission.datadoghq.com/enabled} label are mutated
   * @param agentCommunicationMode {@code hostip}, {@code service} or {@code socket}; empty to let the operator
   *     choose ({@code socket} when the APM or DogStatsD socket is on, else {@code hostip})
   * @param serviceName the admission Service's name
   * @param failurePolicy {@code Ignore} or {@code Fail}: what the API server does when the webhook is down
   */
  public record AdmissionController(
      boolean enabled, boolean mutateUnlabelled, String agentCommunicationMode, String serviceName, String failurePolicy) {}

  /**
   * {@code features.clusterChecks}.
   *
   * @param enabled whether the Cluster Agent dispatches cluster checks
   * @param useClusterChecksRunners whether dedicated runners run them instead of the node agents
   */
  public record ClusterChecks(boolean enabled, boolean useClusterChecksRunners) {}

  /**
   * {@code features.dogstatsd}.
   *
   * @param originDetectionEnabled whether metrics are tagged with their sender's container
   * @param socketEnabled whether DogStatsD listens on a Unix socket ({@code unixDomainSocketConfig.enabled})
   */
  public record Dogstatsd(boolean originDetectionEnabled, boolean socketEnabled) {}

  /** {@code features.kubeStateMetricsCore}. @param enabled whether the check runs */
  public record KubeStateMetricsCore(boolean enabled) {}

  /** {@code features.eventCollection}. @param collectKubernetesEvents whether Kubernetes events are collected */
  public record EventCollection(boolean collectKubernetesEvents) {}
}
