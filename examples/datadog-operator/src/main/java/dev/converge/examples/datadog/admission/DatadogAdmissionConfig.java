package dev.converge.examples.datadog.admission;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.model.Features;

/**
 * What the admission controller of one DatadogAgent does to pods, taken from its decoded spec.
 *
 * @param agentNamespace the DatadogAgent's namespace (excluded, like {@code kube-system})
 * @param localService the node agents' local Service ({@code <dda>-agent}), for {@code service} mode
 * @param mutateUnlabelled whether pods without {@code admission.datadoghq.com/enabled} are mutated
 * @param defaultMode {@code hostip}, {@code service} or {@code socket}, when the pod does not choose
 * @param excludedNamespaces namespaces whose pods are never mutated
 */
public record DatadogAdmissionConfig(
    String agentNamespace, String localService, boolean mutateUnlabelled, String defaultMode, ImmutableSet<String> excludedNamespaces) {

  /**
   * The admission settings of {@code dda}: unlabelled pods are mutated with {@code mutateUnlabelled} or when APM
   * instrumentation is on; {@code kube-system} and the agent's own namespace are excluded.
   */
  public static DatadogAdmissionConfig from(DatadogAgent dda) {
    Features features = dda.spec().features();
    boolean unlabelled = features.admissionController().mutateUnlabelled() || features.apm().instrumentation().enabled();
    return new DatadogAdmissionConfig(dda.namespace(), dda.name() + "-agent", unlabelled,
        features.admissionController().agentCommunicationMode(), ImmutableSet.of("kube-system", dda.namespace()));
  }

  /** {@code DD_AGENT_HOST} in {@code service} mode: the local Service's cluster DNS name. */
  public String serviceHost() {
    return localService + "." + agentNamespace + ".svc.cluster.local";
  }
}
