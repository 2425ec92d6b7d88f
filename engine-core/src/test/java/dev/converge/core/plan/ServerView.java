package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.core.schema.Quantity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A resource "as a server returns it" after it was applied: server-managed metadata and {@code status}
 * added, defaults filled in (K8S-FACTS.md "Diff pitfalls"), {@code stringData} folded into base64 {@code
 * data}, zero values dropped, quantities in canonical form and keyed lists in another order. Deterministic:
 * {@code serial} numbers the uid, resourceVersion and allocated IPs.
 */
final class ServerView {
  private ServerView() {}

  static Resource of(Resource desired, int serial) {
    return desired.edit(tree -> {
      dropZeros(tree);
      ObjectNode metadata = tree.withObjectProperty("metadata");
      metadata.put("uid", "00000000-0000-0000-0000-" + String.format("%012d", serial));
      metadata.put("resourceVersion", Integer.toString(1000 + serial));
      metadata.put("generation", 1);
      metadata.put("creationTimestamp", "2026-01-01T00:00:00Z");
      metadata.putArray("managedFields").addObject().put("manager", "converge").put("operation", "Apply")
          .put("apiVersion", desired.apiVersion()).put("fieldsType", "FieldsV1");
      String kind = desired.kind();
      switch (kind) {
        case "Secret" -> secret(tree);
        case "Service" -> service(tree, serial);
        case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet" -> workload(tree, kind);
        case "Job" -> podSpec(tree.path("spec").path("template").path("spec"));
        case "CronJob" -> podSpec(tree.path("spec").path("jobTemplate").path("spec").path("template").path("spec"));
        case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration" -> webhooks(tree.path("webhooks"));
        default -> { }
      }
      canonicalQuantities(tree);
      if (!kind.equals("Secret") && !kind.equals("ConfigMap") && !kind.startsWith("Cluster") && !kind.startsWith("Role")
          && !kind.equals("ServiceAccount")) {
        tree.putObject("status").put("observedGeneration", 1);
      }
    });
  }

  private static void secret(ObjectNode tree) {
    JsonNode stringData = tree.remove("stringData");
    if (stringData instanceof ObjectNode values) {
      ObjectNode data = tree.withObjectProperty("data");
      for (Map.Entry<String, JsonNode> entry : values.properties()) {
        data.put(entry.getKey(), Base64.getEncoder().encodeToString(entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
      }
    }
    if (!tree.has("type")) {
      tree.put("type", "Opaque");
    }
  }

  private static void service(ObjectNode tree, int serial) {
    ObjectNode spec = tree.withObjectProperty("spec");
    String ip = "10.96." + (serial / 250) + "." + (serial % 250 + 1);
    if (!spec.has("clusterIP") || spec.path("clusterIP").asText().isEmpty()) {
      spec.put("clusterIP", ip);
    }
    spec.putArray("clusterIPs").add(spec.path("clusterIP").asText());
    putIfAbsent(spec, "type", "ClusterIP");
    putIfAbsent(spec, "sessionAffinity", "None");
    putIfAbsent(spec, "ipFamilyPolicy", "SingleStack");
    spec.putArray("ipFamilies").add("IPv4");
    putIfAbsent(spec, "internalTrafficPolicy", "Cluster");
    for (JsonNode port : spec.path("ports")) {
      ObjectNode p = (ObjectNode) port;
      putIfAbsent(p, "protocol", "TCP");
      if (!p.has("targetPort")) {
        p.set("targetPort", p.get("port"));
      }
    }
    reverse(spec, "ports");
  }

  private static void workload(ObjectNode tree, String kind) {
    ObjectNode spec = tree.withObjectProperty("spec");
    spec.put("revisionHistoryLimit", 10);
    if (kind.equals("Deployment")) {
      spec.put("progressDeadlineSeconds", 600);
      if (!spec.has("replicas")) {
        spec.put("replicas", 1);
      }
    }
    if (kind.equals("DaemonSet")) {
      ObjectNode strategy = spec.withObjectProperty("updateStrategy");
      putIfAbsent(strategy, "type", "RollingUpdate");
      strategy.withObjectProperty("rollingUpdate").put("maxSurge", 0);
    }
    podSpec(spec.path("template").path("spec"));
  }

  private static void podSpec(JsonNode node) {
    if (!(node instanceof ObjectNode spec)) {
      return;
    }
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    spec.withObjectProperty("securityContext");
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        ObjectNode container = (ObjectNode) c;
        String image = container.path("image").asText();
        putIfAbsent(container, "imagePullPolicy", image.endsWith(":latest") || !image.contains(":") ? "Always" : "IfNotPresent");
        putIfAbsent(container, "terminationMessagePath", "/dev/termination-log");
        putIfAbsent(container, "terminationMessagePolicy", "File");
        for (JsonNode port : container.path("ports")) {
          putIfAbsent((ObjectNode) port, "protocol", "TCP");
        }
        for (JsonNode env : container.path("env")) {
          JsonNode fieldRef = env.path("valueFrom").path("fieldRef");
          if (fieldRef instanceof ObjectNode ref) {
            putIfAbsent(ref, "apiVersion", "v1");
          }
        }
        for (String probe : new String[] {"livenessProbe", "readinessProbe"}) {
          if (container.path(probe) instanceof ObjectNode p) {
            putIfAbsent(p, "timeoutSeconds", 1);
            putIfAbsent(p, "periodSeconds", 10);
            putIfAbsent(p, "successThreshold", 1);
            putIfAbsent(p, "failureThreshold", 3);
            if (p.path("httpGet") instanceof ObjectNode get) {
              putIfAbsent(get, "scheme", "HTTP");
            }
          }
        }
        reverse(container, "env");
        reverse(container, "ports");
        reverse(container, "volumeMounts");
      }
      reverse(spec, list);
    }
    for (JsonNode volume : spec.path("volumes")) {
      for (String source : new String[] {"secret", "configMap"}) {
        if (volume.path(source) instanceof ObjectNode s) {
          putIfAbsent(s, "defaultMode", 420);
        }
      }
    }
    reverse(spec, "volumes");
  }

  private static void webhooks(JsonNode webhooks) {
    for (JsonNode w : webhooks) {
      ObjectNode webhook = (ObjectNode) w;
      putIfAbsent(webhook, "matchPolicy", "Equivalent");
      putIfAbsent(webhook, "timeoutSeconds", 10);
      putIfAbsent(webhook, "reinvocationPolicy", "Never");
      webhook.withObjectProperty("namespaceSelector");
      webhook.withObjectProperty("objectSelector");
      if (webhook.path("clientConfig").path("service") instanceof ObjectNode service) {
        putIfAbsent(service, "port", 443);
      }
      for (JsonNode rule : webhook.path("rules")) {
        putIfAbsent((ObjectNode) rule, "scope", "*");
      }
    }
    if (webhooks instanceof ArrayNode list) {
      List<JsonNode> elements = new ArrayList<>();
      list.forEach(elements::add);
      list.removeAll();
      for (int i = elements.size() - 1; i >= 0; i--) {
        list.add(elements.get(i));
      }
    }
  }

  /** Removes every zero value ({@code ""}, 0, false, null, empty containers), as {@code omitempty} does. */
  static void dropZeros(JsonNode node) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        dropZeros(field.getValue());
        if (DiffValues.isZero(field.getValue())) {
          fields.remove();
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(ServerView::dropZeros);
    }
  }

  /** Rewrites quantities under any {@code resources.limits}/{@code resources.requests} in canonical form. */
  private static void canonicalQuantities(JsonNode node) {
    if (node instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if ((field.getKey().equals("limits") || field.getKey().equals("requests")) && field.getValue() instanceof ObjectNode amounts) {
          for (Map.Entry<String, JsonNode> amount : amounts.properties()) {
            amount.setValue(object.textNode(canonical(amount.getValue().asText())));
          }
        } else {
          canonicalQuantities(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(ServerView::canonicalQuantities);
    }
  }

  /** {@code 1000m} → {@code 1}, {@code 0.5} → {@code 500m}, {@code 1024Mi} → {@code 1Gi}; others unchanged. */
  static String canonical(String quantity) {
    BigDecimal value = Quantity.parse(quantity).orElse(null);
    if (value == null) {
      return quantity;
    }
    if (quantity.endsWith("i")) {
      String[] suffixes = {"Ki", "Mi", "Gi", "Ti"};
      BigDecimal unit = BigDecimal.valueOf(1024L * 1024 * 1024 * 1024);
      for (int i = suffixes.length - 1; i >= 0; i--) {
        BigDecimal[] parts = value.divideAndRemainder(unit);
        if (parts[1].signum() == 0 && parts[0].signum() > 0) {
          return parts[0].toBigInteger() + suffixes[i];
        }
        unit = unit.divide(BigDecimal.valueOf(1024));
      }
      return quantity;
    }
    if (value.stripTrailingZeros().scale() <= 0) {
      return value.toBigInteger().toString();
    }
    BigDecimal milli = value.movePointRight(3);
    return milli.stripTrailingZeros().scale() <= 0 ? milli.toBigInteger() + "m" : quantity;
  }

  private static void reverse(JsonNode parent, String field) {
    if (parent.path(field) instanceof ArrayNode list && list.size() > 1) {
      List<JsonNode> elements = new ArrayList<>();
      list.forEach(elements::add);
      list.removeAll();
      for (int i = elements.size() - 1; i >= 0; i--) {
        list.add(elements.get(i));
      }
    }
  }

  private static void putIfAbsent(ObjectNode node, String field, String value) {
    if (!node.has(field)) {
      node.put(field, value);
    }
  }

  private static void putIfAbsent(ObjectNode node, String field, int value) {
    if (!node.has(field)) {
      node.put(field, value);
    }
  }
}
