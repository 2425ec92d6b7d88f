package dev.converge.examples.datadog.admission;

import com.google.common.collect.ImmutableSet;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.model.Features;
import java.util.Map;

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
  /** The Cluster Agent's switch for its admission controller. */
  public static final String ENV_ENABLED = "DD_ADMISSION_CONTROLLER_ENABLED";
  /** {@code admission_controller.mutate_unlabelled}. */
  public static final String ENV_MUTATE_UNLABELLED = "DD_ADMISSION_CONTROLLER_MUTATE_UNLABELLED";
  /** {@code admission_controller.inject_config.mode}. */
  public static final String ENV_MODE = "DD_ADMISSION_CONTROLLER_INJECT_CONFIG_MODE";
  /** {@code admission_controller.inject_config.local_service_name}. */
  public static final String ENV_LOCAL_SERVICE = "DD_ADMISSION_CONTROLLER_INJECT_CONFIG_LOCAL_SERVICE_NAME";

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

  /**
   * The settings a Cluster Agent running in {@code namespace} reads from its environment, with the Cluster
   * Agent's own defaults for what is not set ({@code mutate_unlabelled} false, mode {@code hostip}, local
   * service {@code datadog}). This is how the webhook server learns what to inject: from its own
   * configuration, not from the DatadogAgent.
   */
  public static DatadogAdmissionConfig fromClusterAgentEnv(String namespace, Map<String, String> env) {
    return new DatadogAdmissionConfig(namespace, env.getOrDefault(ENV_LOCAL_SERVICE, "datadog"),
        Boolean.parseBoolean(env.getOrDefault(ENV_MUTATE_UNLABELLED, "false")), env.getOrDefault(ENV_MODE, "hostip"),
        ImmutableSet.of("kube-system", namespace));
  }
}
