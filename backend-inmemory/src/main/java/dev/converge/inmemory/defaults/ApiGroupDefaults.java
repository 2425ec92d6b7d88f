package dev.converge.inmemory.defaults;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.inmemory.json.Trees;
import org.jspecify.annotations.Nullable;

/**
 * Defaults of the RBAC, admissionregistration, discovery and apiextensions kinds ({@code
 * pkg/apis/rbac/v1/defaults.go}, {@code pkg/apis/admissionregistration/v1/defaults.go}, {@code
 * pkg/apis/discovery/v1/defaults.go}, {@code apiextensions-apiserver/.../v1/defaults.go}).
 */
public final class ApiGroupDefaults {
  private ApiGroupDefaults() {}

  /**
   * {@code SetDefaults_Subject} of bindings: a User or Group subject's {@code apiGroup} defaults to
   * {@code rbac.authorization.k8s.io}, a ServiceAccount's to the core group ({@code ""}).
   */
  public static void binding(ObjectNode object) {
    Trees.forEachObject(object, "subjects", subject -> {
      if (Trees.absent(subject, "apiGroup")) {
        String kind = subject.path("kind").asText();
        subject.put("apiGroup", kind.equals("ServiceAccount") ? "" : "rbac.authorization.k8s.io");
      }
    });
  }

  /**
   * {@code SetDefaults_CSIDriver} ({@code pkg/apis/storage/v1/defaults.go}, 1.32): {@code attachRequired: true},
   * {@code podInfoOnMount}, {@code storageCapacity}, {@code requiresRepublish} and {@code seLinuxMount} false
   * ({@code SELinuxMountReadWriteOncePod} is beta and on), {@code fsGroupPolicy: ReadWriteOnceWithFSType}, and
   * {@code volumeLifecycleModes: [Persistent]} when empty.
   */
  public static void csiDriver(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    Trees.putIfAbsent(spec, "attachRequired", true);
    Trees.putIfAbsent(spec, "podInfoOnMount", false);
    Trees.putIfAbsent(spec, "storageCapacity", false);
    Trees.putIfAbsent(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
    Trees.putIfAbsent(spec, "requiresRepublish", false);
    Trees.putIfAbsent(spec, "seLinuxMount", false);
    if (spec.path("volumeLifecycleModes").isEmpty()) {
      spec.putArray("volumeLifecycleModes").add("Persistent");
    }
  }

  /** {@code SetDefaults_EndpointPort}: each port of an EndpointSlice gets {@code name: ""} and {@code protocol: TCP}. */
  public static void endpointSlice(ObjectNode object) {
    Trees.forEachObject(object, "ports", port -> {
      Trees.putIfAbsent(port, "name", "");
      Trees.putIfAbsent(port, "protocol", "TCP");
    });
  }

  /**
   * Each webhook of a Mutating/ValidatingWebhookConfiguration: {@code failurePolicy: Fail},
   * {@code matchPolicy: Equivalent}, empty {@code namespaceSelector}/{@code objectSelector},
   * {@code timeoutSeconds: 10}, rules' {@code scope: "*"}, a service reference's {@code port: 443}, and for
   * mutating webhooks {@code reinvocationPolicy: Never}.
   */
  public static void webhookConfiguration(ObjectNode object, boolean mutating) {
    ArrayNode webhooks = Trees.existingArray(object, "webhooks");
    if (webhooks == null) {
      return;
    }
    for (int i = 0; i < webhooks.size(); i++) {
      ObjectNode webhook = Trees.element(webhooks, i);
      if (webhook == null) {
        continue;
      }
      Trees.putIfAbsent(webhook, "failurePolicy", "Fail");
      Trees.putIfAbsent(webhook, "matchPolicy", "Equivalent");
      if (Trees.absent(webhook, "namespaceSelector")) {
        webhook.putObject("namespaceSelector");
      }
      if (Trees.absent(webhook, "objectSelector")) {
        webhook.putObject("objectSelector");
      }
      Trees.putIfAbsent(webhook, "timeoutSeconds", 10);
      if (mutating) {
        Trees.putIfAbsent(webhook, "reinvocationPolicy", "Never");
      }
      ruleScopes(Trees.existingArray(webhook, "rules"));
      ObjectNode clientConfig = Trees.existingObject(webhook, "clientConfig");
      ObjectNode service = clientConfig == null ? null : Trees.existingObject(clientConfig, "service");
      if (service != null) {
        Trees.putIfAbsent(service, "port", 443);
      }
    }
  }

  /** Rules' {@code scope: "*"} ({@code SetDefaults_Rule}). */
  private static void ruleScopes(@Nullable ArrayNode rules) {
    if (rules == null) {
      return;
    }
    for (int r = 0; r < rules.size(); r++) {
      ObjectNode rule = Trees.element(rules, r);
      if (rule != null) {
        Trees.putIfAbsent(rule, "scope", "*");
      }
    }
  }

  /**
   * A ValidatingAdmissionPolicy: {@code failurePolicy: Fail} and its {@code matchConstraints} defaulted; a
   * binding: its {@code matchResources}, when given. Match resources get {@code matchPolicy: Equivalent}, empty
   * selectors and their rules' {@code scope: "*"} ({@code SetDefaults_MatchResources}).
   */
  public static void admissionPolicy(ObjectNode object, boolean binding) {
    ObjectNode spec = Trees.existingObject(object, "spec");
    if (spec == null) {
      return;
    }
    if (!binding) {
      Trees.putIfAbsent(spec, "failurePolicy", "Fail");
    }
    ObjectNode match = Trees.existingObject(spec, binding ? "matchResources" : "matchConstraints");
    if (match == null) {
      return;
    }
    Trees.putIfAbsent(match, "matchPolicy", "Equivalent");
    if (Trees.absent(match, "namespaceSelector")) {
      match.putObject("namespaceSelector");
    }
    if (Trees.absent(match, "objectSelector")) {
      match.putObject("objectSelector");
    }
    ruleScopes(Trees.existingArray(match, "resourceRules"));
    ruleScopes(Trees.existingArray(match, "excludeResourceRules"));
  }

  /**
   * A CustomResourceDefinition ({@code apiextensions/v1/defaults.go}): {@code spec.conversion} {@code {strategy:
   * None}} when it is absent (a conversion without a strategy is left to fail validation), and port 443 for a
   * conversion webhook's Service.
   */
  public static void customResourceDefinition(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    JsonNode conversion = spec.get("conversion");
    if (conversion == null || conversion.isNull()) {
      Trees.object(spec, "conversion").put("strategy", "None");
      return;
    }
    JsonNode service = conversion.path("webhook").path("clientConfig").path("service");
    if (service.isObject() && !service.has("port")) {
      Trees.object(Trees.object(Trees.object(Trees.object(spec, "conversion"), "webhook"), "clientConfig"), "service")
          .put("port", 443);
    }
  }
}
