package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the patch algorithms need to know about the shape of an object at a field path ({@code [spec,
 * template, spec, containers]}: object fields from the root, list indices left out).
 *
 * <p>Lists come from {@link ListKeys}. This class adds the few facts that table does not hold: which
 * objects are atomic ({@code +structType=atomic} and {@code +mapType=atomic} in {@code k8s.io/api} and
 * {@code k8s.io/apimachinery}: label selectors, key selectors, role and scale references, node selectors),
 * and which fields a Go-typed built-in object always carries (value structs and non-{@code omitempty}
 * slices), which decides whether Kubernetes records a change to them as "added".
 */
final class Schema {
  /** Objects replaced whole by apply, whatever their name's parent (LabelSelector, ObjectFieldSelector, ...). */
  private static final Set<String> ATOMIC_OBJECTS = Set.of(
      "nodeSelector", // PodSpec: +mapType=atomic
      "namespaceSelector", // LabelSelector (webhooks, pod affinity terms)
      "objectSelector", // LabelSelector (webhooks)
      "labelSelector", // LabelSelector (pod affinity terms, topology spread constraints)
      "podSelector", // LabelSelector (NetworkPolicy)
      "secretKeyRef", // SecretKeySelector: +structType=atomic
      "configMapKeyRef", // ConfigMapKeySelector: +structType=atomic
      "fieldRef", // ObjectFieldSelector: +structType=atomic
      "resourceFieldRef", // ResourceFieldSelector: +structType=atomic
      "roleRef", // rbac RoleRef: +structType=atomic
      "scaleTargetRef"); // autoscaling CrossVersionObjectReference: +structType=atomic

  private static final JsonNode EMPTY_OBJECT = Json.freeze(Json.object());
  private static final JsonNode EMPTY_ARRAY = Json.freeze(Json.array());

  private Schema() {}

  /**
   * Kinds described by the built-in tables; everything else is a custom resource, whose objects merge field
   * by field and whose lists are atomic (as for a CRD schema without list-type markers).
   */
  static boolean isBuiltin(GroupKind kind) {
    String group = kind.group();
    return group.isEmpty()
        || group.equals("apps")
        || group.equals("batch")
        || group.equals("policy")
        || group.equals("autoscaling")
        || group.endsWith(".k8s.io");
  }

  /** The merge semantics of the list at {@code path}. */
  static ListType listType(GroupKind kind, List<String> path) {
    return ListKeys.of(kind, path);
  }

  /** Whether the object at {@code path} (a field's value) is atomic: owned and replaced as one value. */
  static boolean atomicObject(GroupKind kind, List<String> path) {
    if (path.isEmpty() || !isBuiltin(kind)) {
      return false;
    }
    String field = path.get(path.size() - 1);
    String parent = path.size() >= 2 ? path.get(path.size() - 2) : "";
    if (ATOMIC_OBJECTS.contains(field)) {
      return true;
    }
    // Workload, Job and PodDisruptionBudget selectors are LabelSelectors, Service and ReplicationController
    // selectors are maps marked +mapType=atomic: either way, spec.selector is atomic.
    if (field.equals("selector") && parent.equals("spec")) {
      return true;
    }
    // NodeAffinity's required term is a NodeSelector: +structType=atomic.
    return field.equals("requiredDuringSchedulingIgnoredDuringExecution") && parent.equals("nodeAffinity");
  }

  /** Whether the elements of the list at {@code path} are atomic objects (owner references, pull secrets). */
  static boolean atomicElements(GroupKind kind, List<String> path) {
    if (path.size() == 2 && path.get(0).equals("metadata") && path.get(1).equals("ownerReferences")) {
      return true; // OwnerReference: +structType=atomic
    }
    return isBuiltin(kind) && !path.isEmpty() && path.get(path.size() - 1).equals("imagePullSecrets"); // LocalObjectReference
  }

  /**
   * The empty value a Go-typed object holds at {@code path} when the JSON leaves the field out, or null if
   * an absent field is simply absent.
   *
   * <p>Kubernetes compares objects after decoding them into Go structs, where value structs ({@code spec},
   * {@code spec.template}, a container's {@code resources}) and slices without {@code omitempty} ({@code
   * containers}) always exist. A change inside them is therefore not the "addition" of the struct, and the
   * {@code managedFields} entry of an update does not own the struct itself ({@code f:spec} has no {@code
   * "."} member). Modelling the common cases keeps our update entries identical to a real server's.
   */
  static @Nullable JsonNode implicitEmpty(GroupKind kind, List<String> path) {
    if (path.isEmpty() || !isBuiltin(kind)) {
      return null;
    }
    int n = path.size();
    String field = path.get(n - 1);
    String parent = n >= 2 ? path.get(n - 2) : "";
    String grandparent = n >= 3 ? path.get(n - 3) : "";
    if (n == 1) {
      return field.equals("metadata") || field.equals("spec") || field.equals("status") ? EMPTY_OBJECT : null;
    }
    boolean implicit = switch (field) {
      case "template", "jobTemplate" -> parent.equals("spec");
      case "metadata" -> parent.equals("template");
      case "spec" -> parent.equals("template") || parent.equals("jobTemplate");
      case "strategy", "updateStrategy" -> n == 2 && parent.equals("spec");
      case "resources" -> parent.equals("containers") || parent.equals("initContainers");
      case "containers" -> parent.equals("spec") && (n == 2 || grandparent.equals("template"));
      default -> false;
    };
    if (!implicit) {
      return null;
    }
    return field.equals("containers") ? EMPTY_ARRAY : EMPTY_OBJECT;
  }
}
