package dev.converge.examples.datadog.decode;

import static dev.converge.examples.datadog.decode.SpecSchema.array;
import static dev.converge.examples.datadog.decode.SpecSchema.bool;
import static dev.converge.examples.datadog.decode.SpecSchema.enumeration;
import static dev.converge.examples.datadog.decode.SpecSchema.integer;
import static dev.converge.examples.datadog.decode.SpecSchema.object;
import static dev.converge.examples.datadog.decode.SpecSchema.property;
import static dev.converge.examples.datadog.decode.SpecSchema.string;
import static dev.converge.examples.datadog.decode.SpecSchema.stringMap;

/**
 * The schema of {@code DatadogAgent.spec} for the subset Converge's operator supports. Field names and
 * descriptions follow the Datadog Operator's {@code v2alpha1} API; descriptions are what {@code kubectl explain}
 * shows.
 */
public final class DatadogAgentSchema {
  private DatadogAgentSchema() {}

  private static final SpecSchema SECRET_REF = object("A key of a Secret in the DatadogAgent's namespace.",
      property("secretName", string("Name of the Secret.")),
      property("keyName", string("Key of the value within the Secret.")));

  private static final SpecSchema KEY_SELECTOR = object("Selects a key of a Secret or ConfigMap.",
      property("name", string("Name of the object.")),
      property("key", string("The key to select.")),
      property("optional", bool("Whether the object or its key must be defined.")));

  private static final SpecSchema ENV_VAR = object("An environment variable of a container.",
      property("name", string("Name of the variable.")),
      property("value", string("Literal value.")),
      property("valueFrom", object("Source of the value, when not literal.",
          property("fieldRef", object("A field of the pod.",
              property("apiVersion", string("Version of the schema the field path is written in.")),
              property("fieldPath", string("Path of the field, such as status.hostIP.")))),
          property("resourceFieldRef", object("A resource of a container.",
              property("containerName", string("Container name.")),
              property("resource", string("Resource to select, such as limits.cpu.")),
              property("divisor", string("Output format of the exposed resources.")))),
          property("configMapKeyRef", KEY_SELECTOR),
          property("secretKeyRef", KEY_SELECTOR))));

  private static final SpecSchema TOLERATION = object("A toleration of a taint.",
      property("key", string("Taint key; empty matches every key with operator Exists.")),
      property("operator", enumeration("Equal or Exists.", "Equal", "Exists")),
      property("value", string("Taint value for operator Equal.")),
      property("effect", enumeration("Taint effect to match; empty matches all.", "NoSchedule", "PreferNoSchedule", "NoExecute")),
      property("tolerationSeconds", integer("How long a NoExecute taint is tolerated.")));

  private static final SpecSchema OVERRIDE = object("Changes to one component, applied after the features.",
      property("image", object("The image to run.",
          property("name", string("Image name (agent), repository (gcr.io/datadoghq/agent) or full reference with a tag, used as is.")),
          property("tag", string("Tag used when the name has none.")))),
      property("replicas", integer("Number of replicas (Deployment components only).")),
      property("env", array("Environment variables set on every container of the component.", ENV_VAR)),
      property("nodeSelector", stringMap("Merged into the component's node selector.")),
      property("tolerations", array("Appended to the component's tolerations.", TOLERATION)),
      property("labels", stringMap("Added to the pod template's labels.")),
      property("annotations", stringMap("Added to the pod template's annotations.")),
      property("serviceAccountName", string("An existing service account to run as; the operator then creates none.")),
      property("createPodDisruptionBudget", bool("Create a PodDisruptionBudget for the component.")),
      property("disabled", bool("Do not deploy the component.")));

  private static final SpecSchema UNIX_SOCKET = object("Unix domain socket configuration.",
      property("enabled", bool("Listen on a Unix domain socket (default: false).")));

  private static final SpecSchema SPEC = object("The desired state of the Datadog agents.",
      property("global", object("Settings shared by every component.",
          property("site", string("Datadog intake site (default: datadoghq.com).")),
          property("clusterName", string("Cluster name reported by every agent.")),
          property("tags", array("Global tags such as env:prod.", string(""))),
          property("registry", string("Image registry (default: registry.datadoghq.com).")),
          property("logLevel", enumeration("Agent log level (default: info).",
              "trace", "debug", "info", "warn", "error", "critical", "off")),
          property("credentials", object("The Datadog API and application keys.",
              property("apiSecret", SECRET_REF),
              property("appSecret", SECRET_REF),
              property("apiKey", string("Plaintext API key; the operator stores it in a Secret it owns.")),
              property("appKey", string("Plaintext application key; the operator stores it in a Secret it owns.")))))),
      property("features", object("What the agents do.",
          property("apm", object("Application Performance Monitoring (default: enabled).",
              property("enabled", bool("Run the trace agent.")),
              property("instrumentation", object("Single-step instrumentation of application pods.",
                  property("enabled", bool("Instrument application pods (default: false).")),
                  property("enabledNamespaces", array("Only these namespaces are instrumented.", string(""))),
                  property("disabledNamespaces", array("Every namespace but these is instrumented.", string(""))))),
              property("unixDomainSocketConfig", UNIX_SOCKET))),
          property("logCollection", object("Container log collection (default: disabled).",
              property("enabled", bool("Collect logs.")),
              property("containerCollectAll", bool("Collect the logs of every container (default: false).")))),
          property("remoteConfiguration", object("Remote configuration (default: enabled).",
              property("enabled", bool("Enable remote configuration.")))),
          property("admissionController", object("The admission controller (default: enabled).",
              property("enabled", bool("Serve the mutating webhook from the Cluster Agent.")),
              property("mutateUnlabelled", bool("Mutate pods without the admission.datadoghq.com/enabled label (default: false).")),
              property("agentCommunicationMode", enumeration("How mutated pods reach the agent; chosen by the operator when empty.",
                  "hostip", "service", "socket")),
              property("serviceName", string("Name of the admission Service (default: <name>-admission-controller, datadog-admission-controller for a DatadogAgent named datadog).")),
              property("failurePolicy", enumeration("What the API server does when the webhook is down (default: Ignore).", "Ignore", "Fail")))),
          property("clusterChecks", object("Cluster checks (default: enabled).",
              property("enabled", bool("Dispatch cluster checks from the Cluster Agent.")),
              property("useClusterChecksRunners", bool("Run cluster checks in dedicated runners (default: false).")))),
          property("dogstatsd", object("The DogStatsD intake of the node agents.",
              property("originDetectionEnabled", bool("Tag metrics with their sender's container (default: false).")),
              property("unixDomainSocketConfig", UNIX_SOCKET))),
          property("kubeStateMetricsCore", object("The kube-state-metrics core check (default: enabled).",
              property("enabled", bool("Run the check.")))),
          property("eventCollection", object("Kubernetes event collection.",
              property("collectKubernetesEvents", bool("Collect Kubernetes events (default: true).")))))),
      property("override", object("Per-component changes, applied last.",
          property("nodeAgent", OVERRIDE),
          property("clusterAgent", OVERRIDE),
          property("clusterChecksRunner", OVERRIDE))));

  /** The schema of {@code spec}. */
  public static SpecSchema spec() {
    return SPEC;
  }
}
