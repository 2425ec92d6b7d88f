package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.examples.datadog.admission.DatadogAdmissionConfig;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.model.Features;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code features.admissionController}: the Cluster Agent serves a mutating webhook for pod creation behind the
 * admission Service (443 → 8000), and the operator renders the MutatingWebhookConfiguration itself (in the real
 * system the Cluster Agent creates it, which is how a webhook outlives its agent and blocks pod creation).
 *
 * <p>The configuration depends on the Service and on the Cluster Agent's Deployment, whose gate is "Deployment
 * available": the API server starts calling the webhook only once something answers it, and on deletion the
 * webhook goes first. Its names follow {@link AgentNames#webhook}; see there for why two DatadogAgents never
 * share one.
 */
final class AdmissionControllerFeature implements AgentFeature {
  /** The label that opts a pod in ({@code "true"}) or out ({@code "false"}). */
  static final String ENABLED_LABEL = "admission.datadoghq.com/enabled";
  static final int SERVICE_PORT = 443;
  static final int TARGET_PORT = 8000;

  @Override
  public String path() {
    return "features.admissionController";
  }

  @Override
  public boolean enabled(DatadogAgentSpec spec) {
    return spec.features().admissionController().enabled();
  }

  @Override
  public ImmutableSet<ComponentName> requires(DatadogAgentSpec spec) {
    return ImmutableSet.of(ComponentName.CLUSTER_AGENT);
  }

  /**
   * Whether pods without the opt-in label are mutated: with {@code mutateUnlabelled}, or when APM
   * instrumentation is on (it must reach every pod that does not opt out).
   */
  static boolean mutatesUnlabelled(DatadogAgentSpec spec) {
    return spec.features().admissionController().mutateUnlabelled() || spec.features().apm().instrumentation().enabled();
  }

  @Override
  public void render(AgentRendering r) {
    DatadogAgent dda = r.dda();
    Features.AdmissionController ac = r.spec().features().admissionController();
    r.ifRuns(ComponentName.CLUSTER_AGENT, dca -> {
      dca.commonEnv(EnvVar.of(DatadogAdmissionConfig.ENV_ENABLED, "true"));
      dca.commonEnv(EnvVar.of(DatadogAdmissionConfig.ENV_MUTATE_UNLABELLED, Boolean.toString(mutatesUnlabelled(r.spec()))));
      dca.commonEnv(EnvVar.of("DD_ADMISSION_CONTROLLER_SERVICE_NAME", ac.serviceName()));
      dca.commonEnv(EnvVar.of("DD_ADMISSION_CONTROLLER_INJECT_CONFIG_ENABLED", "true"));
      dca.commonEnv(EnvVar.of(DatadogAdmissionConfig.ENV_MODE, ac.agentCommunicationMode()));
      dca.commonEnv(EnvVar.of(DatadogAdmissionConfig.ENV_LOCAL_SERVICE, AgentNames.localService(dda)));
      dca.commonEnv(EnvVar.of("DD_ADMISSION_CONTROLLER_INJECT_TAGS_ENABLED", "true"));
      dca.commonEnv(EnvVar.of("DD_ADMISSION_CONTROLLER_FAILURE_POLICY", ac.failurePolicy()));
      dca.commonEnv(EnvVar.of("DD_ADMISSION_CONTROLLER_WEBHOOK_NAME", AgentNames.webhook(dda)));
      dca.container(CoreFeature.CLUSTER_AGENT_CONTAINER).port("admissionport", TARGET_PORT, "TCP", false);
      String webhook = AgentNames.webhook(dda);
      dca.clusterRule(AgentRbacRule.of("admissionregistration.k8s.io",
          List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"), List.of("create")));
      dca.clusterRule(AgentRbacRule.named("admissionregistration.k8s.io",
          List.of("mutatingwebhookconfigurations", "validatingwebhookconfigurations"), List.of(webhook),
          List.of("get", "list", "watch", "update", "delete")));
      // Resolving a pod's owner for standard tags: ReplicaSet -> Deployment, and the other workload kinds.
      dca.clusterRule(AgentRbacRule.of("apps", List.of("deployments", "replicasets", "statefulsets", "daemonsets"), AgentRules.GET));
      dca.clusterRule(AgentRbacRule.of("", List.of("replicationcontrollers"), AgentRules.GET));
      dca.clusterRule(AgentRbacRule.of("batch", List.of("jobs", "cronjobs"), AgentRules.READ));
      // The webhook's serving certificate.
      dca.namespaceRule(AgentRbacRule.of("", List.of("secrets"), List.of("get", "list", "watch", "create", "update")));
    });
    ObjectNode port = Json.object().put("name", "datadog-webhook").put("port", SERVICE_PORT).put("protocol", "TCP")
        .put("targetPort", TARGET_PORT);
    Resource service = AgentObjects.service(ac.serviceName(), dda.namespace(), AgentLabels.of(dda, ComponentName.CLUSTER_AGENT),
        AgentLabels.selector(dda, ComponentName.CLUSTER_AGENT), List.of(port), false);
    r.add(DesiredResource.of(service));
    ResourceKey deployment = ResourceKey.namespaced("apps", "Deployment", dda.namespace(), AgentNames.clusterAgent(dda));
    r.add(DesiredResource.of(webhookConfiguration(r)).dependsOn(service.key(), deployment));
  }

  private static Resource webhookConfiguration(AgentRendering r) {
    DatadogAgent dda = r.dda();
    Features.AdmissionController ac = r.spec().features().admissionController();
    ObjectNode object = AgentObjects.metadata("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
        AgentNames.webhook(dda), "", AgentLabels.of(dda, ComponentName.CLUSTER_AGENT));
    ArrayNode webhooks = object.putArray("webhooks");
    webhooks.add(webhook(r, ac, "datadog.webhook.agent.config", "/injectconfig"));
    webhooks.add(webhook(r, ac, "datadog.webhook.standard.tags", "/injecttags"));
    return Resource.of(object);
  }

  private static ObjectNode webhook(AgentRendering r, Features.AdmissionController ac, String name, String path) {
    ObjectNode webhook = Json.object().put("name", name);
    webhook.putArray("admissionReviewVersions").add("v1").add("v1beta1");
    webhook.putObject("clientConfig").putObject("service")
        .put("name", ac.serviceName()).put("namespace", r.namespace()).put("path", path).put("port", SERVICE_PORT);
    webhook.put("failurePolicy", ac.failurePolicy());
    webhook.put("matchPolicy", "Exact");
    ObjectNode excluded = webhook.putObject("namespaceSelector").putArray("matchExpressions").addObject()
        .put("key", "kubernetes.io/metadata.name").put("operator", "NotIn");
    ArrayNode values = excluded.putArray("values");
    new TreeSet<>(List.of("kube-system", r.namespace())).forEach(values::add);
    ObjectNode objectSelector = webhook.putObject("objectSelector");
    if (mutatesUnlabelled(r.spec())) {
      objectSelector.putArray("matchExpressions").addObject().put("key", ENABLED_LABEL).put("operator", "NotIn")
          .putArray("values").add("false");
    } else {
      objectSelector.putObject("matchLabels").put(ENABLED_LABEL, "true");
    }
    webhook.put("reinvocationPolicy", "IfNeeded");
    webhook.putArray("rules").addObject()
        .put("scope", "*")
        .set("apiGroups", Json.array().add(""));
    ObjectNode rule = (ObjectNode) webhook.path("rules").get(0);
    rule.putArray("apiVersions").add("v1");
    rule.putArray("operations").add("CREATE");
    rule.putArray("resources").add("pods");
    webhook.put("sideEffects", "None");
    webhook.put("timeoutSeconds", 10);
    return webhook;
  }
}
