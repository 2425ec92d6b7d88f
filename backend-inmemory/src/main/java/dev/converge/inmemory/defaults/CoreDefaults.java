package dev.converge.inmemory.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.inmemory.json.Trees;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Defaults of core/v1 kinds, from {@code pkg/apis/core/v1/defaults.go} and the registry strategies that
 * normalise objects on create ({@code pkg/registry/core/*}/strategy.go).
 */
public final class CoreDefaults {
  /** The label the namespace registry puts on every namespace (Kubernetes ≥ 1.21). */
  public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";
  /** The finalizer of namespaces ({@code spec.finalizers}), removed by the namespace controller. */
  public static final String KUBERNETES_FINALIZER = "kubernetes";

  private CoreDefaults() {}

  /**
   * A Pod: its spec's defaults, {@code enableServiceLinks: true}, {@code priority: 0}, the DefaultTolerationSeconds plugin's
   * {@code not-ready}/{@code unreachable} NoExecute tolerations for 300 s, and {@code status.phase: Pending}.
   */
  public static void pod(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    PodSpecDefaults.apply(spec);
    Trees.putIfAbsent(spec, "enableServiceLinks", true);
    Trees.putIfAbsent(spec, "priority", 0);
    Trees.putIfAbsent(spec, "preemptionPolicy", "PreemptLowerPriority");
    ArrayNode tolerations = Trees.existingArray(spec, "tolerations");
    if (tolerations == null) {
      tolerations = spec.putArray("tolerations");
    }
    addDefaultToleration(tolerations, "node.kubernetes.io/not-ready");
    addDefaultToleration(tolerations, "node.kubernetes.io/unreachable");
  }

  /** The pod strategy's {@code PrepareForCreate}: status reset to {@code phase: Pending}, QoS class set. */
  public static void podStatusOnCreate(ObjectNode object) {
    ObjectNode status = object.putObject("status");
    status.put("phase", "Pending");
    status.put("qosClass", qosClass(object.path("spec")));
  }

  /** {@code qos.GetPodQOS}, simplified to requests/limits of cpu and memory on every container. */
  static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (JsonNode container : spec.path("containers")) {
      JsonNode requests = container.path("resources").path("requests");
      JsonNode limits = container.path("resources").path("limits");
      if (requests.size() > 0 || limits.size() > 0) {
        any = true;
      }
      for (String resource : new String[] {"cpu", "memory"}) {
        JsonNode limit = limits.path(resource);
        JsonNode request = requests.path(resource);
        if (limit.isMissingNode() || (!request.isMissingNode() && !request.asText().equals(limit.asText()))) {
          guaranteed = false;
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static void addDefaultToleration(ArrayNode tolerations, String key) {
    for (JsonNode toleration : tolerations) {
      if (key.equals(toleration.path("key").asText()) && "NoExecute".equals(toleration.path("effect").asText())) {
        return;
      }
      if (toleration.path("key").asText("").isEmpty() && "Exists".equals(toleration.path("operator").asText())) {
        return;
      }
    }
    ObjectNode toleration = tolerations.addObject();
    toleration.put("key", key);
    toleration.put("operator", "Exists");
    toleration.put("effect", "NoExecute");
    toleration.put("tolerationSeconds", 300);
  }

  /** {@code SetDefaults_Endpoints}: every subset's ports get {@code protocol: TCP}. */
  public static void endpoints(ObjectNode object) {
    Trees.forEachObject(object, "subsets",
        subset -> Trees.forEachObject(subset, "ports", port -> Trees.putIfAbsent(port, "protocol", "TCP")));
  }

  /**
   * A Service's static defaults ({@code SetDefaults_Service}): {@code type: ClusterIP},
   * {@code sessionAffinity: None}, ports {@code protocol: TCP} and {@code targetPort} = {@code port},
   * {@code internalTrafficPolicy: Cluster}, {@code externalTrafficPolicy: Cluster} for NodePort and
   * LoadBalancer, {@code allocateLoadBalancerNodePorts: true} for LoadBalancer, and {@code status.loadBalancer:
   * {}}. Cluster IPs and IP families are assigned by the allocator after this.
   */
  public static void service(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    Trees.putIfAbsent(spec, "type", "ClusterIP");
    String type = spec.path("type").asText();
    if (type.equals("ExternalName")) {
      return;
    }
    Trees.putIfAbsent(spec, "sessionAffinity", "None");
    Trees.forEachObject(spec, "ports", port -> {
      Trees.putIfAbsent(port, "protocol", "TCP");
      if (Trees.absent(port, "targetPort") && port.has("port")) {
        port.set("targetPort", port.get("port"));
      }
    });
    Trees.putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      Trees.putIfAbsent(spec, "externalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer")) {
      Trees.putIfAbsent(spec, "allocateLoadBalancerNodePorts", true);
    }
    ObjectNode status = Trees.object(object, "status");
    if (Trees.absent(status, "loadBalancer")) {
      status.putObject("loadBalancer");
    }
  }

  /**
   * A Secret: {@code type: Opaque} ({@code SetDefaults_Secret}) and {@code stringData} folded into base64
   * {@code data}, {@code stringData} winning over {@code data} for the same key (the secret strategy's
   * {@code dropDisabledFields}/conversion: {@code stringData} is write-only and never stored).
   */
  public static void secret(ObjectNode object) {
    Trees.putIfAbsent(object, "type", "Opaque");
    JsonNode stringData = object.get("stringData");
    if (stringData != null) {
      if (stringData.isObject() && stringData.size() > 0) {
        ObjectNode data = Trees.object(object, "data");
        for (Map.Entry<String, JsonNode> entry : stringData.properties()) {
          data.put(entry.getKey(),
              Base64.getEncoder().encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
        }
      }
      object.remove("stringData");
    }
  }

  /**
   * A Namespace: {@code spec.finalizers: [kubernetes]}, {@code status.phase: Active}, and the immutable
   * label {@code kubernetes.io/metadata.name=<name>} (namespace strategy {@code PrepareForCreate} and
   * defaulting).
   */
  public static void namespace(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    if (Trees.absent(spec, "finalizers")) {
      spec.putArray("finalizers").add(KUBERNETES_FINALIZER);
    }
    ObjectNode status = Trees.object(object, "status");
    Trees.putIfAbsent(status, "phase", "Active");
    String name = object.path("metadata").path("name").asText();
    Trees.object(Trees.object(object, "metadata"), "labels").put(NAMESPACE_NAME_LABEL, name);
  }
}
