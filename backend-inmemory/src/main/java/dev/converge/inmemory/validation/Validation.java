package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Validates objects of the built-in kinds before they are stored, as each registry strategy's
 * {@code Validate}/{@code ValidateUpdate} does; custom resources get metadata validation only (their OpenAPI
 * schema is not enforced). Returns Kubernetes' causes; the server turns a non-empty list into 422.
 */
public final class Validation {
  private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final List<String> SERVICE_TYPES = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

  private Validation() {}

  /**
   * The causes why {@code object} may not be stored, empty when it may.
   *
   * @param old the stored object for an update, null for a create
   */
  public static ImmutableList<String> validate(ResourceType type, Resource object, @Nullable Resource old) {
    return validate(type, object.json(), old);
  }

  /**
   * The same for an object still being built ({@code json} may be a mutable tree with the object's
   * {@code apiVersion}, {@code kind} and {@code metadata}); the server validates before its one freeze.
   */
  public static ImmutableList<String> validate(ResourceType type, JsonNode json, @Nullable Resource old) {
    FieldErrors errors = new FieldErrors();
    if (old == null) {
      MetadataValidation.create(type, json, errors);
    } else {
      MetadataValidation.update(type, json, old, errors);
    }
    JsonNode oldJson = old == null ? null : old.json();
    if (oldJson != null && unchangedContent(json, oldJson)) {
      // The update keeps the stored content itself (the server shares unchanged subtrees by reference):
      // content the kind's rules accepted when it was stored, compared with itself by the update rules.
      return errors.causes();
    }
    String group = type.group();
    String kind = type.kind();
    if (group.equals("apps") && !kind.equals("ControllerRevision")) {
      WorkloadValidation.selectorAndTemplate(json, oldJson, kind.toLowerCase(), errors);
    } else if (group.equals("batch") && kind.equals("Job")) {
      JobValidation.job(json, oldJson, errors);
    } else if (group.equals("batch") && kind.equals("CronJob")) {
      WorkloadValidation.cronJob(json, errors);
    } else if (group.isEmpty()) {
      core(kind, json, oldJson, errors);
    } else if (group.equals("node.k8s.io") && kind.equals("RuntimeClass")) {
      NodeStorageValidation.runtimeClass(json, oldJson, errors);
    } else if (group.equals("storage.k8s.io") && kind.equals("CSIDriver")) {
      NodeStorageValidation.csiDriver(json, oldJson, errors);
    } else if (group.equals("storage.k8s.io") && kind.equals("CSINode")) {
      NodeStorageValidation.csiNode(json, oldJson, errors);
    } else if (group.equals("discovery.k8s.io") && kind.equals("EndpointSlice")) {
      EndpointSliceValidation.validate(json, oldJson, errors);
    } else if (group.equals("rbac.authorization.k8s.io")) {
      rbac(kind, json, oldJson, errors);
    } else if (group.equals("apiextensions.k8s.io") && kind.equals("CustomResourceDefinition")) {
      CrdValidation.validate(json, oldJson, errors);
    } else if (group.equals("admissionregistration.k8s.io") && kind.endsWith("WebhookConfiguration")) {
      WebhookConfigurationValidation.validate(json, kind.startsWith("Mutating"), errors);
    } else if (group.equals("admissionregistration.k8s.io") && kind.equals("ValidatingAdmissionPolicy")) {
      AdmissionPolicyValidation.policy(json, errors);
    } else if (group.equals("admissionregistration.k8s.io") && kind.equals("ValidatingAdmissionPolicyBinding")) {
      AdmissionPolicyValidation.binding(json, errors);
    }
    return errors.causes();
  }

  /**
   * Whether every top-level field the kind rules read (all but {@code metadata}, {@code status},
   * {@code apiVersion} and {@code kind}) is the very node stored in {@code old}. Stored content passed these
   * rules when it was written (subresource writes change only status, or a pod's node or a namespace's
   * finalizers, which the rules accept), and the update rules compare old with new, which are the same.
   */
  private static boolean unchangedContent(JsonNode json, JsonNode old) {
    int fields = 0;
    for (Map.Entry<String, JsonNode> field : json.properties()) {
      if (!content(field.getKey())) {
        continue;
      }
      if (old.get(field.getKey()) != field.getValue()) {
        return false;
      }
      fields++;
    }
    for (Iterator<String> names = old.fieldNames(); names.hasNext(); ) {
      if (content(names.next())) {
        fields--;
      }
    }
    return fields == 0;
  }

  private static boolean content(String field) {
    return !(field.equals("metadata") || field.equals("status") || field.equals("apiVersion") || field.equals("kind"));
  }

  /**
   * What a CRD conversion webhook's changed labels and annotations are checked with ({@code restoreObjectMeta}:
   * {@code ValidateLabels} at {@code metadata.labels}, {@code ValidateAnnotations} at {@code metadata.annotation},
   * the path as apiextensions-apiserver writes it).
   */
  public static ImmutableList<String> convertedMetadata(JsonNode metadata) {
    FieldErrors errors = new FieldErrors();
    MetadataValidation.labelsAndAnnotations(metadata, "metadata.annotation", errors);
    return errors.causes();
  }

  /**
   * Validation of a subresource write (status, binding, finalize): the main resource's fields come from the
   * stored object, so only metadata rules apply.
   */
  public static ImmutableList<String> validateSubresource(ResourceType type, JsonNode json, @Nullable Resource old) {
    FieldErrors errors = new FieldErrors();
    if (old != null) {
      MetadataValidation.update(type, json, old, errors);
    }
    return errors.causes();
  }

  private static void core(String kind, JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    switch (kind) {
      case "Pod" -> {
        WorkloadValidation.podSpec(json.path("spec"), "spec", errors);
        if (old != null) {
          WorkloadValidation.podUpdate(json.path("spec"), old.path("spec"), errors);
        }
      }
      case "Service" -> service(json, old, errors);
      case "ConfigMap" -> {
        keys(json.path("data"), "data", errors);
        // data is a map[string]string: a number or a list there fails decoding in Kubernetes.
        json.path("data").properties().forEach(entry -> {
          if (!entry.getValue().isTextual() && !entry.getValue().isNull()) {
            errors.invalid("data[" + entry.getKey() + "]", entry.getValue(), "must be a string (quote it)");
          }
        });
        keys(json.path("binaryData"), "binaryData", errors);
      }
      case "Secret" -> {
        keys(json.path("data"), "data", errors);
        if (old != null && !old.path("type").equals(json.path("type"))) {
          errors.immutable("type", json.path("type").asText());
        }
      }
      default -> {
        // other core kinds: metadata only
      }
    }
  }

  private static void keys(JsonNode data, String path, FieldErrors errors) {
    for (Map.Entry<String, JsonNode> entry : data.properties()) {
      if (!NameChecks.configKey(entry.getKey()) && !CONFIG_KEY.matcher(entry.getKey()).matches()) {
        errors.invalid(path, entry.getKey(), "a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
      }
    }
  }

  /** {@code ValidateService}/{@code ValidateServiceUpdate}: type, ports, and cluster IPs immutable once set. */
  private static void service(JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    JsonNode spec = json.path("spec");
    String type = spec.path("type").asText("ClusterIP");
    if (!SERVICE_TYPES.contains(type)) {
      errors.unsupported("spec.type", type, SERVICE_TYPES);
    }
    boolean headless = "None".equals(spec.path("clusterIP").asText());
    if (!type.equals("ExternalName") && !headless && spec.path("ports").isEmpty()) {
      errors.required("spec.ports");
    }
    if (type.equals("ExternalName") && spec.path("externalName").asText("").isEmpty()) {
      errors.required("spec.externalName");
    }
    int index = 0;
    for (JsonNode port : spec.path("ports")) {
      long number = port.path("port").asLong(0);
      if (number < 1 || number > 65535) {
        errors.invalid("spec.ports[" + index + "].port", number, "must be between 1 and 65535, inclusive");
      }
      if (spec.path("ports").size() > 1 && port.path("name").asText("").isEmpty()) {
        errors.required("spec.ports[" + index + "].name");
      }
      index++;
    }
    if (old != null) {
      String oldIp = old.path("spec").path("clusterIP").asText("");
      String newIp = spec.path("clusterIP").asText("");
      if (!oldIp.isEmpty() && !newIp.isEmpty() && !oldIp.equals(newIp)) {
        errors.invalid("spec.clusterIPs[0]", newIp, "may not change once set");
      }
    }
  }

  private static void rbac(String kind, JsonNode json, @Nullable JsonNode old, FieldErrors errors) {
    if (kind.equals("Role") || kind.equals("ClusterRole")) {
      int index = 0;
      for (JsonNode rule : json.path("rules")) {
        String path = "rules[" + index++ + "]";
        if (rule.path("verbs").isEmpty()) {
          errors.required(path + ".verbs", "verbs must contain at least one value");
        }
        boolean nonResource = !rule.path("nonResourceURLs").isEmpty();
        if (nonResource && kind.equals("Role")) {
          errors.invalid(path + ".nonResourceURLs", rule.path("nonResourceURLs").toString(), "namespaced rules cannot apply to non-resource URLs");
        }
        if (!nonResource && rule.path("apiGroups").isEmpty()) {
          errors.required(path + ".apiGroups", "resource rules must supply at least one api group");
        }
        if (!nonResource && rule.path("resources").isEmpty()) {
          errors.required(path + ".resources", "resource rules must supply at least one resource");
        }
      }
      return;
    }
    JsonNode roleRef = json.path("roleRef");
    String refKind = roleRef.path("kind").asText("");
    if (!roleRef.path("apiGroup").asText("").equals("rbac.authorization.k8s.io")) {
      errors.unsupported("roleRef.apiGroup", roleRef.path("apiGroup").asText(""), List.of("rbac.authorization.k8s.io"));
    }
    List<String> kinds = kind.equals("RoleBinding") ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
    if (!kinds.contains(refKind)) {
      errors.unsupported("roleRef.kind", refKind, kinds);
    }
    if (roleRef.path("name").asText("").isEmpty()) {
      errors.required("roleRef.name");
    }
    int index = 0;
    for (JsonNode subject : json.path("subjects")) {
      String path = "subjects[" + index++ + "]";
      String subjectKind = subject.path("kind").asText("");
      if (!List.of("ServiceAccount", "User", "Group").contains(subjectKind)) {
        errors.unsupported(path + ".kind", subjectKind, List.of("ServiceAccount", "User", "Group"));
      }
      if (subject.path("name").asText("").isEmpty()) {
        errors.required(path + ".name");
      }
      if (subjectKind.equals("ServiceAccount") && kind.equals("ClusterRoleBinding")
          && subject.path("namespace").asText("").isEmpty()) {
        errors.required(path + ".namespace");
      }
    }
    if (old != null && !old.path("roleRef").equals(roleRef)) {
      errors.invalid("roleRef", roleRef.toString(), "cannot change roleRef");
    }
  }
}
