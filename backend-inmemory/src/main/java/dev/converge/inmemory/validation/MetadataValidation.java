package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Names;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ValidateObjectMeta} and {@code ValidateObjectMetaUpdate}
 * ({@code k8s.io/apimachinery/pkg/api/validation/objectmeta.go}) plus each kind's name rule.
 */
final class MetadataValidation {
  private MetadataValidation() {}

  static void create(ResourceType type, JsonNode object, FieldErrors errors) {
    JsonNode metadata = object.path("metadata");
    String name = metadata.path("name").asText("");
    String namespace = metadata.path("namespace").asText("");
    String generateName = metadata.path("generateName").asText("");
    if (!generateName.isEmpty()) {
      prefixRule(type.groupKind(), generateName)
          .ifPresent(problem -> errors.invalid("metadata.generateName", generateName, problem));
    }
    nameRule(type.groupKind(), name).ifPresent(problem -> errors.invalid("metadata.name", name, problem));
    if (type.namespaced()) {
      if (namespace.isEmpty()) {
        errors.required("metadata.namespace");
      } else {
        if (!NameChecks.dns1123Label(namespace)) {
          Names.dns1123LabelErrors(namespace).forEach(problem -> errors.invalid("metadata.namespace", namespace, problem));
        }
      }
    } else if (!namespace.isEmpty()) {
      errors.forbidden("metadata.namespace", "not allowed on this type");
    }
    labelsAndAnnotations(metadata, errors);
    ownerReferences(metadata, errors);
  }

  private static void labelsAndAnnotations(JsonNode metadata, FieldErrors errors) {
    labelsAndAnnotations(metadata, "metadata.annotations", errors);
  }

  /** The labels' and annotations' keys and the labels' values, annotation causes at {@code annotationsPath}. */
  static void labelsAndAnnotations(JsonNode metadata, String annotationsPath, FieldErrors errors) {
    for (Map.Entry<String, JsonNode> label : metadata.path("labels").properties()) {
      if (!NameChecks.qualifiedName(label.getKey())) {
        Names.qualifiedNameErrors(label.getKey())
            .forEach(problem -> errors.invalid("metadata.labels", label.getKey(), problem));
      }
      String value = label.getValue().asText();
      if (!NameChecks.labelValue(value)) {
        Names.labelValueErrors(value).forEach(problem -> errors.invalid("metadata.labels", value, problem));
      }
    }
    for (Map.Entry<String, JsonNode> annotation : metadata.path("annotations").properties()) {
      String key = annotation.getKey();
      String lower = key.toLowerCase();
      if (!NameChecks.qualifiedName(lower)) {
        Names.qualifiedNameErrors(lower).forEach(problem -> errors.invalid(annotationsPath, key, problem));
      }
    }
  }

  private static void ownerReferences(JsonNode metadata, FieldErrors errors) {
    JsonNode refs = metadata.path("ownerReferences");
    if (refs.isEmpty()) {
      return;
    }
    Set<String> uids = new HashSet<>();
    int index = 0;
    long controllers = 0;
    for (JsonNode ref : refs) {
      String path = "metadata.ownerReferences[" + index++ + "]";
      for (String field : new String[] {"apiVersion", "kind", "name", "uid"}) {
        if (ref.path(field).asText("").isEmpty()) {
          errors.required(path + "." + field);
        }
      }
      if (!ref.path("uid").asText("").isEmpty() && !uids.add(ref.path("uid").asText())) {
        errors.duplicate(path + ".uid", ref.path("uid").asText());
      }
      if (ref.path("controller").asBoolean(false)) {
        controllers++;
      }
    }
    if (controllers > 1) {
      errors.invalid("metadata.ownerReferences", controllers, "Only one reference can have Controller set to true");
    }
  }

  /**
   * Update rules: name and namespace cannot change (the key is fixed), so only labels, annotations and owner
   * references are checked, and only when they changed; and no new finalizers once deletion has started.
   */
  static void update(ResourceType type, JsonNode object, Resource old, FieldErrors errors) {
    JsonNode metadata = object.path("metadata");
    JsonNode oldMetadata = old.metadata();
    if (!metadata.path("labels").equals(oldMetadata.path("labels"))
        || !metadata.path("annotations").equals(oldMetadata.path("annotations"))) {
      labelsAndAnnotations(metadata, errors);
    }
    if (!metadata.path("ownerReferences").equals(oldMetadata.path("ownerReferences"))) {
      ownerReferences(metadata, errors);
    }
    if (old.isBeingDeleted()) {
      List<String> before = old.finalizers();
      for (JsonNode finalizer : metadata.path("finalizers")) {
        if (!before.contains(finalizer.asText())) {
          errors.forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, "
              + "found new finalizers []string{\"" + finalizer.asText() + "\"}");
          break;
        }
      }
    }
  }

  /**
   * The rule for a {@code generateName}, the name functions' {@code prefix} case: the kind's name rule after
   * {@code maskTrailingDash} (which, as written in apimachinery, replaces the last two characters of a prefix that
   * ends in a dash with an {@code a}); an RBAC prefix may only not contain {@code /} or {@code %}
   * ({@code IsValidPathSegmentPrefix}).
   */
  static Optional<String> prefixRule(GroupKind kind, String prefix) {
    if (kind.group().equals("rbac.authorization.k8s.io")) {
      return prefix.indexOf('/') >= 0 || prefix.indexOf('%') >= 0
          ? Optional.of("may not contain '/' or '%'") : Optional.empty();
    }
    boolean dash = prefix.length() > 1 && prefix.endsWith("-");
    return nameRule(kind, dash ? prefix.substring(0, prefix.length() - 2) + "a" : prefix);
  }

  /** The name rule of each kind: namespaces are DNS-1123 labels, services DNS-1035 labels, RBAC path segments. */
  static Optional<String> nameRule(GroupKind kind, String name) {
    if (kind.isCore() && kind.kind().equals("Namespace")) {
      return NameChecks.dns1123Label(name) ? Optional.empty() : Names.checkDns1123Label(name);
    }
    if (kind.isCore() && kind.kind().equals("Service")) {
      return NameChecks.dns1035Label(name) ? Optional.empty() : Names.checkDns1035Label(name);
    }
    if (kind.group().equals("rbac.authorization.k8s.io")) {
      return Names.checkPathSegment(name);
    }
    return NameChecks.dns1123Subdomain(name) ? Optional.empty() : Names.checkDns1123Subdomain(name);
  }
}
