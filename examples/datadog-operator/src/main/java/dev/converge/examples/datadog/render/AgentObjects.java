package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.model.Toleration;
import java.util.List;
import java.util.Map;

/** Builds the Kubernetes objects of a render: workloads from {@link ComponentBuilder}s, RBAC, Services, PDBs. */
public final class AgentObjects {
  private AgentObjects() {}

  /** A new object with {@code apiVersion}, {@code kind} and {@code metadata} (namespace omitted when empty). */
  public static ObjectNode metadata(String apiVersion, String kind, String name, String namespace, Map<String, String> labels) {
    ObjectNode object = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = object.putObject("metadata").put("name", name);
    if (!namespace.isEmpty()) {
      metadata.put("namespace", namespace);
    }
    if (!labels.isEmpty()) {
      putMap(metadata.putObject("labels"), labels);
    }
    return object;
  }

  /** The DaemonSet ({@code deployment == false}) or Deployment running {@code component}. */
  static Resource workload(ComponentBuilder component, String name, String namespace, Map<String, String> labels,
      Map<String, String> selector, String serviceAccount, boolean deployment) {
    ObjectNode object = metadata("apps/v1", deployment ? "Deployment" : "DaemonSet", name, namespace, labels);
    ObjectNode spec = object.putObject("spec");
    if (deployment) {
      spec.put("replicas", component.replicas());
    }
    putMap(spec.putObject("selector").putObject("matchLabels"), selector);
    if (!deployment) {
      // The Datadog Operator rolls node agents 10% at a time rather than Kubernetes' default of one node.
      spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxUnavailable", "10%");
    }
    ObjectNode template = spec.putObject("template");
    ObjectNode templateMetadata = template.putObject("metadata");
    putMap(templateMetadata.putObject("labels"), component.podLabels());
    if (!component.podAnnotations().isEmpty()) {
      putMap(templateMetadata.putObject("annotations"), component.podAnnotations());
    }
    ObjectNode pod = template.putObject("spec");
    pod.put("serviceAccountName", serviceAccount);
    ArrayNode containers = pod.putArray("containers");
    for (ContainerBuilder container : component.containers()) {
      containers.add(container.toJson(component.image(), component.commonEnv()));
    }
    List<ObjectNode> volumes = component.volumes();
    if (!volumes.isEmpty()) {
      ArrayNode array = pod.putArray("volumes");
      volumes.forEach(array::add);
    }
    if (!component.nodeSelector().isEmpty()) {
      putMap(pod.putObject("nodeSelector"), component.nodeSelector());
    }
    if (!component.tolerations().isEmpty()) {
      ArrayNode array = pod.putArray("tolerations");
      for (Toleration toleration : component.tolerations()) {
        array.add(toleration.toJson());
      }
    }
    return Resource.of(object);
  }

  static Resource serviceAccount(String name, String namespace, Map<String, String> labels) {
    return Resource.of(metadata("v1", "ServiceAccount", name, namespace, labels));
  }

  /** A ClusterRole ({@code namespace} empty) or Role with {@code rules}. */
  static Resource role(String name, String namespace, Map<String, String> labels, List<AgentRbacRule> rules) {
    ObjectNode object = metadata("rbac.authorization.k8s.io/v1", namespace.isEmpty() ? "ClusterRole" : "Role", name, namespace, labels);
    ArrayNode array = object.putArray("rules");
    rules.forEach(rule -> array.add(rule.toJson()));
    return Resource.of(object);
  }

  /** A ClusterRoleBinding ({@code namespace} empty) or RoleBinding of {@code roleName} to a service account. */
  static Resource binding(String name, String namespace, Map<String, String> labels, String roleName,
      String serviceAccount, String serviceAccountNamespace) {
    boolean cluster = namespace.isEmpty();
    ObjectNode object = metadata("rbac.authorization.k8s.io/v1", cluster ? "ClusterRoleBinding" : "RoleBinding", name, namespace, labels);
    object.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", cluster ? "ClusterRole" : "Role").put("name", roleName);
    object.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", serviceAccount).put("namespace", serviceAccountNamespace);
    return Resource.of(object);
  }

  /** A Service selecting {@code selector} with {@code ports}; {@code localOnly} keeps traffic on the caller's node. */
  static Resource service(String name, String namespace, Map<String, String> labels, Map<String, String> selector,
      List<ObjectNode> ports, boolean localOnly) {
    ObjectNode object = metadata("v1", "Service", name, namespace, labels);
    ObjectNode spec = object.putObject("spec");
    putMap(spec.putObject("selector"), selector);
    ArrayNode array = spec.putArray("ports");
    ports.forEach(port -> array.add(port.deepCopy()));
    if (localOnly) {
      spec.put("internalTrafficPolicy", "Local");
    }
    return Resource.of(object);
  }

  /** A PodDisruptionBudget: {@code minAvailable} for the Cluster Agent, {@code maxUnavailable} for the runners. */
  static Resource podDisruptionBudget(String name, String namespace, Map<String, String> labels, Map<String, String> selector,
      String field, int value) {
    ObjectNode object = metadata("policy/v1", "PodDisruptionBudget", name, namespace, labels);
    ObjectNode spec = object.putObject("spec");
    spec.put(field, value);
    putMap(spec.putObject("selector").putObject("matchLabels"), selector);
    return Resource.of(object);
  }

  static void putMap(ObjectNode node, Map<String, String> values) {
    values.forEach(node::put);
  }
}
