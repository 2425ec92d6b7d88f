package dev.converge.examples.datadog.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;

/**
 * The defaults of a DatadogAgent, applied to a copy of the user's spec on every decode and never written back
 * (the user's resource keeps only what the user wrote, so a later change of a default reaches every resource).
 */
public final class AgentDefaults {
  public static final String SITE = "datadoghq.com";
  public static final String REGISTRY = "registry.datadoghq.com";
  public static final String LOG_LEVEL = "info";
  public static final String FAILURE_POLICY = "Ignore";
  /** The admission Service name of the reference DatadogAgent (named {@code datadog}). */
  public static final String ADMISSION_SERVICE_NAME = "datadog-admission-controller";

  private AgentDefaults() {}

  /**
   * The admission Service's default name for a DatadogAgent named {@code ddaName}: {@code
   * <name>-admission-controller}, which is {@value #ADMISSION_SERVICE_NAME} for the reference DatadogAgent
   * {@code datadog}. Deriving it from the name is what keeps two DatadogAgents in one namespace from claiming
   * the same Service (see {@code render.AgentNames}).
   */
  public static String admissionServiceName(String ddaName) {
    return ddaName + "-admission-controller";
  }

  /** A copy of {@code spec} with every absent default filled in. {@code spec} is not changed. */
  public static ObjectNode apply(JsonNode spec, String ddaName) {
    ObjectNode copy = spec.isObject() ? ((ObjectNode) spec).deepCopy() : Json.object();
    ObjectNode global = object(copy, "global");
    fill(global, "site", SITE);
    fill(global, "registry", REGISTRY);
    fill(global, "logLevel", LOG_LEVEL);

    ObjectNode features = object(copy, "features");
    ObjectNode apm = object(features, "apm");
    fill(apm, "enabled", true);
    fill(object(apm, "instrumentation"), "enabled", false);
    fill(object(apm, "unixDomainSocketConfig"), "enabled", false);

    ObjectNode logs = object(features, "logCollection");
    fill(logs, "enabled", false);
    fill(logs, "containerCollectAll", false);

    fill(object(features, "remoteConfiguration"), "enabled", true);

    ObjectNode dogstatsd = object(features, "dogstatsd");
    fill(dogstatsd, "originDetectionEnabled", false);
    fill(object(dogstatsd, "unixDomainSocketConfig"), "enabled", false);

    ObjectNode admission = object(features, "admissionController");
    fill(admission, "enabled", true);
    fill(admission, "mutateUnlabelled", false);
    fill(admission, "serviceName", admissionServiceName(ddaName));
    fill(admission, "failurePolicy", FAILURE_POLICY);
    // The Datadog Operator picks `socket` when either socket is on, and otherwise leaves the Cluster Agent's
    // own default, `hostip`.
    boolean socket = (apm.path("enabled").asBoolean() && Json.at(apm, "unixDomainSocketConfig.enabled").asBoolean())
        || Json.at(dogstatsd, "unixDomainSocketConfig.enabled").asBoolean();
    fill(admission, "agentCommunicationMode", socket ? "socket" : "hostip");

    ObjectNode clusterChecks = object(features, "clusterChecks");
    fill(clusterChecks, "enabled", true);
    fill(clusterChecks, "useClusterChecksRunners", false);

    fill(object(features, "kubeStateMetricsCore"), "enabled", true);
    fill(object(features, "eventCollection"), "collectKubernetesEvents", true);
    return copy;
  }

  private static ObjectNode object(ObjectNode parent, String field) {
    JsonNode existing = parent.get(field);
    if (existing instanceof ObjectNode object) {
      return object;
    }
    return parent.putObject(field);
  }

  private static void fill(ObjectNode node, String field, String value) {
    if (absent(node.get(field)) || (node.get(field).isTextual() && node.get(field).asText().isEmpty())) {
      node.put(field, value);
    }
  }

  private static void fill(ObjectNode node, String field, boolean value) {
    if (absent(node.get(field))) {
      node.put(field, value);
    }
  }

  private static boolean absent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }
}
