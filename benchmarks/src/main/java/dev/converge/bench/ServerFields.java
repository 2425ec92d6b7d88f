package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What an API server returns for an applied object: the JSON written and parsed back (fresh nodes and
 * strings, field names interned by the parser as a client's would be), server metadata, defaults, status,
 * Secret {@code stringData} as base64 {@code data}, quantities in canonical form and empty values dropped.
 */
final class ServerFields {
  private ServerFields() {}

  static Resource asReturned(Resource desired, int serial) {
    ObjectNode tree = (ObjectNode) Json.parse(Json.write(desired.json()));
    dropEmpty(tree);
    ObjectNode metadata = (ObjectNode) tree.get("metadata");
    metadata.put("uid", String.format("%08x-0000-4000-8000-%012x", serial, serial * 7919L));
    metadata.put("resourceVersion", Integer.toString(100_000 + serial));
    metadata.put("generation", 1);
    metadata.put("creationTimestamp", "2026-01-01T00:00:00Z");
    String kind = tree.path("kind").asText();
    switch (kind) {
      case "Secret" -> {
        JsonNode stringData = tree.remove("stringData");
        if (stringData != null) {
          ObjectNode data = tree.putObject("data");
          stringData.properties().forEach(e -> data.put(e.getKey(), PlannerWorkload.base64(e.getValue().asText())));
        }
      }
      case "Service" -> {
        ObjectNode spec = (ObjectNode) tree.get("spec");
        String ip = "10.96." + (serial >> 8 & 255) + "." + (serial & 255);
        spec.put("clusterIP", ip).put("type", "ClusterIP").put("sessionAffinity", "None")
            .put("ipFamilyPolicy", "SingleStack").put("internalTrafficPolicy", "Cluster");
        spec.putArray("clusterIPs").add(ip);
        spec.putArray("ipFamilies").add("IPv4");
        for (JsonNode port : spec.path("ports")) {
          if (!port.has("protocol")) {
            ((ObjectNode) port).put("protocol", "TCP");
          }
        }
        tree.putObject("status").putObject("loadBalancer");
      }
      case "Deployment", "StatefulSet", "DaemonSet" -> {
        ObjectNode spec = (ObjectNode) tree.get("spec");
        spec.put("revisionHistoryLimit", 10);
        if (kind.equals("Deployment")) {
          spec.put("progressDeadlineSeconds", 600);
        }
        if (kind.equals("StatefulSet")) {
          spec.put("podManagementPolicy", "OrderedReady");
          spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("partition", 0);
        }
        if (kind.equals("DaemonSet")) {
          spec.putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxSurge", 0).put("maxUnavailable", 1);
        }
        podSpec((ObjectNode) spec.path("template").path("spec"));
        ObjectNode status = tree.putObject("status").put("observedGeneration", 1).put("replicas", 2).put("readyReplicas", 2)
            .put("updatedReplicas", 2).put("availableReplicas", 2);
        status.putArray("conditions").addObject().put("type", "Available").put("status", "True")
            .put("lastTransitionTime", "2026-01-01T00:00:10Z").put("reason", "MinimumReplicasAvailable");
      }
      case "CronJob" -> {
        ObjectNode spec = (ObjectNode) tree.get("spec");
        spec.put("suspend", false).put("successfulJobsHistoryLimit", 3).put("failedJobsHistoryLimit", 1);
        podSpec((ObjectNode) spec.path("jobTemplate").path("spec").path("template").path("spec"));
        tree.putObject("status").put("lastScheduleTime", "2026-01-01T00:15:00Z");
      }
      case "Namespace" -> tree.putObject("status").put("phase", "Active");
      default -> { }
    }
    return Resource.of(tree);
  }

  private static void podSpec(ObjectNode spec) {
    spec.put("dnsPolicy", "ClusterFirst").put("schedulerName", "default-scheduler").put("terminationGracePeriodSeconds", 30);
    if (!spec.has("restartPolicy")) {
      spec.put("restartPolicy", "Always");
    }
    spec.putObject("securityContext");
    for (JsonNode c : spec.path("containers")) {
      ObjectNode container = (ObjectNode) c;
      String image = container.path("image").asText();
      container.put("imagePullPolicy", image.endsWith(":latest") ? "Always" : "IfNotPresent")
          .put("terminationMessagePath", "/dev/termination-log").put("terminationMessagePolicy", "File");
      for (JsonNode port : container.path("ports")) {
        ((ObjectNode) port).put("protocol", "TCP");
      }
      for (JsonNode env : container.path("env")) {
        JsonNode fieldRef = env.path("valueFrom").path("fieldRef");
        if (fieldRef.isObject()) {
          ((ObjectNode) fieldRef).put("apiVersion", "v1");
        }
      }
      for (String probe : new String[] {"readinessProbe", "livenessProbe"}) {
        if (container.get(probe) instanceof ObjectNode p) {
          p.put("timeoutSeconds", 1).put("successThreshold", 1).put("failureThreshold", 3);
          if (!p.has("periodSeconds")) {
            p.put("periodSeconds", 10);
          }
          ((ObjectNode) p.path("httpGet")).put("scheme", "HTTP");
        }
      }
      JsonNode limits = container.path("resources").path("limits");
      if (limits instanceof ObjectNode l && "1000m".equals(l.path("cpu").asText())) {
        l.put("cpu", "1");
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      for (String source : new String[] {"configMap", "secret"}) {
        if (volume.get(source) instanceof ObjectNode s) {
          s.put("defaultMode", 420);
        }
      }
    }
  }

  /** The server drops empty strings ({@code omitempty}); an env var with an empty value keeps only its name. */
  private static void dropEmpty(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      List<String> drop = new ArrayList<>();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (field.getValue().isTextual() && field.getValue().textValue().isEmpty() && !field.getKey().equals("")) {
          drop.add(field.getKey());
        } else {
          dropEmpty(field.getValue());
        }
      }
      object.remove(drop);
    } else if (node.isArray()) {
      node.forEach(ServerFields::dropEmpty);
    }
  }
}
