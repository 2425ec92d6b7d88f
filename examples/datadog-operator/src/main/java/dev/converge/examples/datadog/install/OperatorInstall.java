package dev.converge.examples.datadog.install;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.render.AgentRbacRule;

/**
 * Step 1 of the install flow as a resource graph, what the Datadog Operator's Helm chart installs: the CRD
 * {@code datadogagents.datadoghq.com}, the operator's ServiceAccount, ClusterRole and binding, and its
 * Deployment, in a namespace that is shared and therefore not owned. The graph has no primary: it is applied as
 * a whole and never pruned.
 */
public final class OperatorInstall {
  public static final String NAME = "datadog-operator";
  public static final String CRD_NAME = "datadogagents.datadoghq.com";
  /** The operator image this install runs. */
  public static final String IMAGE = "registry.datadoghq.com/operator:1.18.0";

  private OperatorInstall() {}

  /** The install graph for the operator in {@code namespace}. */
  public static DesiredGraph graph(String namespace) {
    ImmutableMap<String, String> labels = ImmutableMap.of("app.kubernetes.io/name", NAME, "app.kubernetes.io/instance", NAME);
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    ns.putObject("metadata").put("name", namespace);
    return DesiredGraph.builder()
        .add(DesiredResource.of(Resource.of(ns)).unowned())
        .add(crd())
        .add(Resource.of(object("v1", "ServiceAccount", NAME, namespace, labels)))
        .add(Resource.of(clusterRole(labels)))
        .add(Resource.of(clusterRoleBinding(namespace, labels)))
        .add(Resource.of(deployment(namespace, labels)))
        .build();
  }

  /** The DatadogAgent CRD: v2alpha1, served and stored, status subresource, short name {@code dd}. */
  public static Resource crd() {
    ObjectNode crd = object("apiextensions.k8s.io/v1", "CustomResourceDefinition", CRD_NAME, "",
        ImmutableMap.of("app.kubernetes.io/name", NAME));
    ObjectNode spec = crd.putObject("spec").put("group", DatadogAgent.GROUP).put("scope", "Namespaced");
    ObjectNode names = spec.putObject("names").put("kind", DatadogAgent.KIND).put("listKind", "DatadogAgentList")
        .put("plural", "datadogagents").put("singular", "datadogagent");
    names.putArray("shortNames").add("dd");
    ObjectNode version = spec.putArray("versions").addObject().put("name", DatadogAgent.VERSION).put("served", true).put("storage", true);
    version.putObject("subresources").putObject("status");
    ArrayNode columns = version.putArray("additionalPrinterColumns");
    columns.addObject().put("name", "agent").put("type", "string").put("jsonPath", ".status.agent.status");
    columns.addObject().put("name", "cluster-agent").put("type", "string").put("jsonPath", ".status.clusterAgent.status");
    columns.addObject().put("name", "age").put("type", "date").put("jsonPath", ".metadata.creationTimestamp");
    version.putObject("schema").set("openAPIV3Schema", AgentCrdSchema.openApiV3());
    return Resource.of(crd);
  }

  private static ObjectNode clusterRole(ImmutableMap<String, String> labels) {
    ObjectNode role = object("rbac.authorization.k8s.io/v1", "ClusterRole", NAME, "", labels);
    ArrayNode rules = role.putArray("rules");
    for (AgentRbacRule rule : OperatorRbac.rules()) {
      rules.add(rule.toJson());
    }
    return role;
  }

  private static ObjectNode clusterRoleBinding(String namespace, ImmutableMap<String, String> labels) {
    ObjectNode binding = object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", NAME, "", labels);
    binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole").put("name", NAME);
    binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", NAME).put("namespace", namespace);
    return binding;
  }

  private static ObjectNode deployment(String namespace, ImmutableMap<String, String> labels) {
    ObjectNode deployment = object("apps/v1", "Deployment", NAME, namespace, labels);
    ObjectNode spec = deployment.putObject("spec").put("replicas", 1);
    ObjectNode selector = spec.putObject("selector").putObject("matchLabels");
    labels.forEach(selector::put);
    ObjectNode template = spec.putObject("template");
    ObjectNode templateLabels = template.putObject("metadata").putObject("labels");
    labels.forEach(templateLabels::put);
    ObjectNode pod = template.putObject("spec").put("serviceAccountName", NAME);
    ObjectNode container = pod.putArray("containers").addObject().put("name", "manager").put("image", IMAGE);
    container.putArray("args").add("-supportExtendedDaemonset=false").add("-loglevel=info");
    container.putArray("env").addObject().put("name", "WATCH_NAMESPACE").put("value", "");
    container.putArray("ports").addObject().put("name", "metrics").put("containerPort", 8383).put("protocol", "TCP");
    return deployment;
  }

  private static ObjectNode object(String apiVersion, String kind, String name, String namespace, ImmutableMap<String, String> labels) {
    ObjectNode object = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = object.putObject("metadata").put("name", name);
    if (!namespace.isEmpty()) {
      metadata.put("namespace", namespace);
    }
    ObjectNode labelNode = metadata.putObject("labels");
    labels.forEach(labelNode::put);
    return object;
  }
}
