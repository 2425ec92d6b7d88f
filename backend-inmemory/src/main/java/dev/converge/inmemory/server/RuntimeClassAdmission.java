package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.core.schema.Quantity;
import dev.converge.inmemory.json.Trees;
import dev.converge.inmemory.store.ObjectStore;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * kube-apiserver's {@code RuntimeClass} admission plugin ({@code plugin/pkg/admission/runtimeclass}), enabled by
 * default, on the creation of a pod that names a {@code spec.runtimeClassName}:
 *
 * <ul>
 *   <li>the RuntimeClass must exist, else the pod is refused with a 403 ({@code pods "web" is forbidden: pod
 *       rejected: RuntimeClass "gvisor" not found});
 *   <li>its {@code overhead.podFixed} becomes the pod's {@code spec.overhead}; a pod that sets an overhead of its
 *       own must set the same one ("pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead"),
 *       and a pod without a RuntimeClass, or whose RuntimeClass defines none, may not set one;
 *   <li>its {@code scheduling.nodeSelector} is merged into the pod's (a key the pod sets to another value is a 403:
 *       "conflict: runtimeClass.scheduling.nodeSelector[k] = a; pod.spec.nodeSelector[k] = b") and its {@code
 *       scheduling.tolerations} are added to the pod's, those the pod has already left out.
 * </ul>
 *
 * <p>It runs after the ServiceAccount plugin and before the webhooks, as kube-apiserver orders them. Its
 * validating half (the overhead checks) runs here too, at admission, rather than after the webhooks.
 */
final class RuntimeClassAdmission {
  static final GroupKind RUNTIME_CLASS = GroupKind.of("node.k8s.io", "RuntimeClass");

  private final ObjectStore store;

  RuntimeClassAdmission(ObjectStore store) {
    this.store = store;
  }

  /**
   * Admits the mutable pod {@code root} of a create, named {@code shownName} in a refusal.
   *
   * @throws dev.converge.api.backend.BackendException.Forbidden as the plugin refuses pods
   */
  void admit(ResourceType type, ObjectNode root, String shownName) {
    ObjectNode spec = Trees.object(root, "spec");
    String name = spec.path("runtimeClassName").asText("");
    JsonNode podOverhead = spec.path("overhead");
    boolean hasOverhead = podOverhead.isObject() && !podOverhead.isEmpty();
    if (name.isEmpty()) {
      if (hasOverhead) {
        throw Errors.forbidden(type, shownName, "pod rejected: Pod Overhead set without corresponding RuntimeClass");
      }
      return;
    }
    Resource runtimeClass = store.get(RUNTIME_CLASS, "", name);
    if (runtimeClass == null) {
      throw Errors.forbidden(type, shownName, "pod rejected: RuntimeClass \"" + name + "\" not found");
    }
    JsonNode fixed = runtimeClass.json().path("overhead").path("podFixed");
    if (fixed.isObject()) {
      if (hasOverhead && !sameQuantities(fixed, podOverhead)) {
        throw Errors.forbidden(type, shownName, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined "
            + "Overhead");
      }
      spec.set("overhead", fixed.deepCopy());
    } else if (hasOverhead) {
      throw Errors.forbidden(type, shownName, "pod rejected: Pod Overhead set without corresponding RuntimeClass "
          + "defined Overhead");
    }
    JsonNode scheduling = runtimeClass.json().path("scheduling");
    for (Map.Entry<String, JsonNode> entry : scheduling.path("nodeSelector").properties()) {
      ObjectNode selector = Trees.object(spec, "nodeSelector");
      JsonNode current = selector.get(entry.getKey());
      if (current != null && !current.asText().equals(entry.getValue().asText())) {
        throw Errors.forbidden(type, shownName, "conflict: runtimeClass.scheduling.nodeSelector[" + entry.getKey()
            + "] = " + entry.getValue().asText() + "; pod.spec.nodeSelector[" + entry.getKey() + "] = "
            + current.asText());
      }
      selector.set(entry.getKey(), entry.getValue());
    }
    for (JsonNode toleration : scheduling.path("tolerations")) {
      ArrayNode tolerations = spec.withArray("tolerations");
      if (!contains(tolerations, toleration)) {
        tolerations.add(toleration.deepCopy());
      }
    }
  }

  /** Whether two resource lists hold the same amounts of the same resources ({@code Semantic.DeepEqual}). */
  private static boolean sameQuantities(JsonNode a, JsonNode b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode other = b.get(entry.getKey());
      if (other == null) {
        return false;
      }
      Optional<BigDecimal> left = Quantity.parse(entry.getValue().asText());
      Optional<BigDecimal> right = Quantity.parse(other.asText());
      if (left.isEmpty() || right.isEmpty() || left.get().compareTo(right.get()) != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(ArrayNode tolerations, JsonNode toleration) {
    for (JsonNode existing : tolerations) {
      if (existing.equals(toleration)) {
        return true;
      }
    }
    return false;
  }
}
