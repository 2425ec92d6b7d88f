package dev.converge.testkit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builders of the small objects tests need, each valid as a real API server sees it and no bigger than it
 * must be: the contract suite, the convergence proofs and the generators share them.
 */
public final class KubeObjects {
  private KubeObjects() {}

  /** A resource from JSON text. */
  public static Resource parse(String json) {
    return Resource.of(Json.parse(json));
  }

  public static Resource namespace(String name) {
    return Resource.of(root("v1", "Namespace", "", name));
  }

  /** A ConfigMap with one data entry. */
  public static Resource configMap(String namespace, String name, String key, String value) {
    return configMap(namespace, name, Map.of(key, value));
  }

  /** A ConfigMap with {@code data}, in key order. */
  public static Resource configMap(String namespace, String name, Map<String, String> data) {
    ObjectNode tree = root("v1", "ConfigMap", namespace, name);
    ObjectNode out = tree.putObject("data");
    new TreeMap<>(data).forEach(out::put);
    return Resource.of(tree);
  }

  public static Resource serviceAccount(String namespace, String name) {
    return Resource.of(root("v1", "ServiceAccount", namespace, name));
  }

  /**
   * A Deployment of {@code replicas} pods labelled {@code app: <name>}, one container {@code main} running
   * {@code image}, using the service account {@code serviceAccount} when it is not empty.
   */
  public static Resource deployment(String namespace, String name, String image, int replicas, String serviceAccount) {
    ObjectNode tree = root("apps/v1", "Deployment", namespace, name);
    ObjectNode spec = tree.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    ObjectNode pod = template.putObject("spec");
    if (!serviceAccount.isEmpty()) {
      pod.put("serviceAccountName", serviceAccount);
    }
    pod.putArray("containers").addObject().put("name", "main").put("image", image);
    return Resource.of(tree);
  }

  /** A Deployment of one replica without a service account. */
  public static Resource deployment(String namespace, String name, String image) {
    return deployment(namespace, name, image, 1, "");
  }

  /** A DaemonSet labelled {@code app: <name>} with one container {@code main} running {@code image}. */
  public static Resource daemonSet(String namespace, String name, String image) {
    ObjectNode tree = root("apps/v1", "DaemonSet", namespace, name);
    ObjectNode spec = tree.putObject("spec");
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", name);
    template.putObject("spec").putArray("containers").addObject().put("name", "main").put("image", image);
    return Resource.of(tree);
  }

  /** A ClusterIP Service selecting {@code app: <name>} on {@code port} (TCP, target port the same). */
  public static Resource service(String namespace, String name, int port) {
    ObjectNode tree = root("v1", "Service", namespace, name);
    ObjectNode spec = tree.putObject("spec");
    spec.putObject("selector").put("app", name);
    spec.putArray("ports").addObject().put("name", "http").put("port", port).put("protocol", "TCP").put("targetPort", port);
    return Resource.of(tree);
  }

  /** A ClusterRole that may get, list and watch {@code resources} of the core group. */
  public static Resource clusterRole(String name, String... resources) {
    ObjectNode tree = root("rbac.authorization.k8s.io/v1", "ClusterRole", "", name);
    ObjectNode rule = tree.putArray("rules").addObject();
    rule.putArray("apiGroups").add("");
    ArrayNode names = rule.putArray("resources");
    for (String resource : resources.length == 0 ? new String[] {"configmaps"} : resources) {
      names.add(resource);
    }
    rule.putArray("verbs").add("get").add("list").add("watch");
    return Resource.of(tree);
  }

  /**
   * A CustomResourceDefinition serving {@code kind} ({@code plural}) at {@code group}/{@code version}, any
   * fields allowed, with a status subresource.
   *
   * @param namespaced {@code Namespaced} or {@code Cluster} scope
   */
  public static Resource customResourceDefinition(String group, String version, String kind, String plural, boolean namespaced) {
    ObjectNode tree = root("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", plural + "." + group);
    ObjectNode spec = tree.putObject("spec");
    spec.put("group", group).put("scope", namespaced ? "Namespaced" : "Cluster");
    spec.putObject("names").put("kind", kind).put("plural", plural).put("singular", kind.toLowerCase(java.util.Locale.ROOT))
        .put("listKind", kind + "List");
    ObjectNode served = spec.putArray("versions").addObject();
    served.put("name", version).put("served", true).put("storage", true);
    served.putObject("subresources").putObject("status");
    served.putObject("schema").putObject("openAPIV3Schema").put("type", "object")
        .put("x-kubernetes-preserve-unknown-fields", true);
    return Resource.of(tree);
  }

  /** A custom resource of {@code apiVersion}/{@code kind} with {@code spec} (a JSON object). */
  public static Resource customResource(String apiVersion, String kind, String namespace, String name, ObjectNode spec) {
    ObjectNode tree = root(apiVersion, kind, namespace, name);
    tree.set("spec", spec.deepCopy());
    return Resource.of(tree);
  }

  /**
   * A Ready node with {@code kubernetes.io/hostname} and {@code kubernetes.io/os} labels and the capacity of
   * a small machine (4 CPUs, 16 GiB, 110 pods). A plain object: nothing renews its Lease or runs its pods.
   */
  public static Resource node(String name) {
    ObjectNode tree = root("v1", "Node", "", name);
    tree.withObjectProperty("metadata").putObject("labels").put("kubernetes.io/hostname", name).put("kubernetes.io/os", "linux");
    tree.putObject("spec");
    ObjectNode status = tree.putObject("status");
    ObjectNode capacity = status.putObject("capacity").put("cpu", "4").put("memory", "16Gi").put("pods", "110");
    status.set("allocatable", capacity.deepCopy());
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady");
    return Resource.of(tree);
  }

  /** {@code {apiVersion, kind, metadata: {name[, namespace]}}}, mutable. */
  public static ObjectNode root(String apiVersion, String kind, String namespace, String name) {
    ObjectNode tree = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    ObjectNode metadata = tree.putObject("metadata").put("name", name);
    if (!namespace.isEmpty()) {
      metadata.put("namespace", namespace);
    }
    return tree;
  }
}
