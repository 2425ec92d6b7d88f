package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The parts of {@code ValidateCustomResourceDefinition} (apiextensions-apiserver) that decide whether a kind
 * can be served: the name is {@code <plural>.<group>}, names and scope are set, exactly one storage version.
 */
final class CrdValidation {
  private CrdValidation() {}

  static void validate(JsonNode crd, FieldErrors errors) {
    JsonNode spec = crd.path("spec");
    String crdName = crd.path("metadata").path("name").asText();
    String group = spec.path("group").asText("");
    String plural = spec.path("names").path("plural").asText("");
    if (group.isEmpty()) {
      errors.required("spec.group");
    } else if (!group.contains(".")) {
      errors.invalid("spec.group", group, "should be a domain with at least one dot");
    }
    if (plural.isEmpty()) {
      errors.required("spec.names.plural");
    }
    if (spec.path("names").path("kind").asText("").isEmpty()) {
      errors.required("spec.names.kind");
    }
    if (!plural.isEmpty() && !group.isEmpty() && !crdName.equals(plural + "." + group)) {
      errors.invalid("metadata.name", crdName, "must be spec.names.plural+\".\"+spec.group");
    }
    String scope = spec.path("scope").asText("");
    if (!List.of("Namespaced", "Cluster").contains(scope)) {
      errors.unsupported("spec.scope", scope, List.of("Cluster", "Namespaced"));
    }
    JsonNode versions = spec.path("versions");
    if (versions.isEmpty()) {
      errors.required("spec.versions");
      return;
    }
    int storage = 0;
    for (JsonNode version : versions) {
      if (version.path("storage").asBoolean(false)) {
        storage++;
      }
    }
    if (storage != 1) {
      errors.invalid("spec.versions", storage, "must have exactly one version marked as storage version");
    }
  }
}
