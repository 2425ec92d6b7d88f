package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Names;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code ValidateObjectMeta} and {@code ValidateObjectMetaUpdate}
 * ({@code k8s.io/apimachinery/pkg/api/validation/objectmeta.go}) plus each kind's name rule.
 */
final class MetadataValidation {
  private MetadataValidation() {}

  static void create(ResourceType type, Resource object, FieldErrors errors) {
    String name = object.name();
    nameRule(type.groupKind(), name).ifPresent(problem -> errors.invalid("metadata.name", name, problem));
    if (type.namespaced()) {
      if (object.namespace().isEmpty()) {
        errors.required("metadata.namespace");
      } else {
        Names.checkDns1123Label(object.namespace())
            .ifPresent(problem -> errors.invalid("metadata.namespace", object.namespace(), problem));
      }
    } else if (!object.namespace().isEmpty()) {
      errors.forbidden("metadata.namespace", "not allowed on this type");
    }
    for (Map.Entry<String, String> label : object.labels().entrySet()) {
      Names.checkQualifiedName(label.getKey())
          .ifPresent(problem -> errors.invalid("metadata.labels", label.getKey(), problem));
      Names.checkLabelValue(label.getValue())
          .ifPresent(problem -> errors.invalid("metadata.labels", label.getValue(), problem));
    }
    for (String key : object.annotations().keySet()) {
      Names.checkQualifiedName(key.toLowerCase())
          .ifPresent(problem -> errors.invalid("metadata.annotations", key, problem));
    }
    Set<String> uids = new HashSet<>();
    int index = 0;
    for (JsonNode ref : object.metadata().path("ownerReferences")) {
      String path = "metadata.ownerReferences[" + index++ + "]";
      for (String field : new String[] {"apiVersion", "kind", "name", "uid"}) {
        if (ref.path(field).asText("").isEmpty()) {
          errors.required(path + "." + field);
        }
      }
      if (!ref.path("uid").asText("").isEmpty() && !uids.add(ref.path("uid").asText())) {
        errors.duplicate(path + ".uid", ref.path("uid").asText());
      }
    }
    long controllers = 0;
    for (JsonNode ref : object.metadata().path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        controllers++;
      }
    }
    if (controllers > 1) {
      errors.invalid("metadata.ownerReferences", controllers, "Only one reference can have Controller set to true");
    }
  }

  /** Update rules: the create rules, plus no new finalizers once deletion has started. */
  static void update(ResourceType type, Resource object, @Nullable Resource old, FieldErrors errors) {
    create(type, object, errors);
    if (old != null && old.isBeingDeleted()) {
      for (String finalizer : object.finalizers()) {
        if (!old.finalizers().contains(finalizer)) {
          errors.forbidden("metadata.finalizers", "no new finalizers can be added if the object is being deleted, found new finalizers []string{\"" + finalizer + "\"}");
          break;
        }
      }
    }
  }

  /** The name rule of each kind: namespaces are DNS-1123 labels, services DNS-1035 labels, RBAC path segments. */
  static Optional<String> nameRule(GroupKind kind, String name) {
    if (kind.isCore() && kind.kind().equals("Namespace")) {
      return Names.checkDns1123Label(name);
    }
    if (kind.isCore() && kind.kind().equals("Service")) {
      return Names.checkDns1035Label(name);
    }
    if (kind.group().equals("rbac.authorization.k8s.io")) {
      return Names.checkPathSegment(name);
    }
    return Names.checkDns1123Subdomain(name);
  }
}
