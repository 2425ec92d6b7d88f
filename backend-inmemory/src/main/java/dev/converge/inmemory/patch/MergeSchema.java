package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.core.schema.ListKeys;
import dev.converge.core.schema.ListType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * What the patch algorithms need to know about the shape of an object of one kind at a field path ({@code
 * [spec, template, spec, containers]}: object fields from the root, list indices left out): how each list
 * merges, which objects are atomic, and which fields a Go-typed object always carries.
 *
 * <p>Two sources answer, as they do in kube-apiserver, where structured-merge-diff reads one schema per kind:
 * <ul>
 *   <li>{@link #of(GroupKind)}: the built-in tables. Lists come from {@link ListKeys}; this class adds which
 *       objects are atomic ({@code +structType=atomic} and {@code +mapType=atomic} in {@code k8s.io/api} and
 *       {@code k8s.io/apimachinery}: label selectors, key selectors, role and scale references, node
 *       selectors), and which fields a Go-typed built-in object always carries (value structs and
 *       non-{@code omitempty} slices), which decides whether Kubernetes records a change to them as "added".
 *       A kind the tables do not know merges objects field by field and keeps lists atomic.
 *   <li>{@link #of(GroupKind, JsonNode)}: a custom resource's CRD version schema, whose {@code
 *       x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys} and {@code x-kubernetes-map-type} decide
 *       ({@link StructuralMergeSchema}).
 * </ul>
 *
 * <p>Instances are immutable and compared by identity (a memo of applied field sets is only valid for the
 * schema that computed it): {@link #of(GroupKind)} returns one instance per kind.
 */
public abstract class MergeSchema {
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

  private static final ConcurrentMap<GroupKind, MergeSchema> TABLES = new ConcurrentHashMap<>();

  private final GroupKind kind;

  MergeSchema(GroupKind kind) {
    this.kind = kind;
  }

  /** What the built-in tables say about {@code kind} (one instance per kind). */
  public static MergeSchema of(GroupKind kind) {
    return TABLES.computeIfAbsent(kind, Tables::new);
  }

  /**
   * What the CRD version schema {@code openApiV3Schema} says about the custom resource {@code kind}; {@link
   * #of(GroupKind)} when there is no schema. Callers keep the instance while the schema is the same: each call
   * compiles a new one.
   */
  public static MergeSchema of(GroupKind kind, @Nullable JsonNode openApiV3Schema) {
    return openApiV3Schema == null || !openApiV3Schema.isObject() ? of(kind) : new StructuralMergeSchema(kind, openApiV3Schema);
  }

  /** Whether this schema was compiled from {@code openApiV3Schema} (by identity; always false for the tables). */
  public abstract boolean compiledFrom(@Nullable JsonNode openApiV3Schema);

  public final GroupKind kind() {
    return kind;
  }

  /** The merge semantics of the list at {@code path}. */
  abstract ListType listType(List<String> path);

  /** Whether the object at {@code path} (a field's value) is atomic: owned and replaced as one value. */
  abstract boolean atomicObject(List<String> path);

  /** Whether the elements of the list at {@code path} are atomic objects (owner references, pull secrets). */
  abstract boolean atomicElements(List<String> path);

  /**
   * The empty value a Go-typed object holds at {@code path} when the JSON leaves the field out, or null if
   * an absent field is simply absent.
   *
   * <p>Kubernetes compares objects after decoding them into Go structs, where value structs ({@code spec},
   * {@code spec.template}, a container's {@code resources}) and slices without {@code omitempty} ({@code
   * containers}) always exist. A change inside them is therefore not the "addition" of the struct, and the
   * {@code managedFields} entry of an update does not own the struct itself ({@code f:spec} has no {@code
   * "."} member). Modelling the common cases keeps our update entries identical to a real server's. Custom
   * resources are unstructured: an absent field is absent.
   */
  abstract @Nullable JsonNode implicitEmpty(List<String> path);

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + kind + "]";
  }

  /** The built-in tables. */
  private static final class Tables extends MergeSchema {
    Tables(GroupKind kind) {
      super(kind);
    }

    @Override
    public boolean compiledFrom(@Nullable JsonNode openApiV3Schema) {
      return false;
    }

    @Override
    ListType listType(List<String> path) {
      return ListKeys.of(kind(), path);
    }

    @Override
    boolean atomicObject(List<String> path) {
      if (path.isEmpty() || !ListKeys.isBuiltin(kind())) {
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

    @Override
    boolean atomicElements(List<String> path) {
      if (isOwnerReferences(path)) {
        return true;
      }
      return ListKeys.isBuiltin(kind()) && !path.isEmpty() && path.get(path.size() - 1).equals("imagePullSecrets"); // LocalObjectReference
    }

    @Override
    @Nullable JsonNode implicitEmpty(List<String> path) {
      return implicitEmptyInTables(kind(), path);
    }
  }

  /** {@code metadata.ownerReferences}, whose elements are atomic in every kind (OwnerReference: +structType=atomic). */
  static boolean isOwnerReferences(List<String> path) {
    return path.size() == 2 && path.get(0).equals("metadata") && path.get(1).equals("ownerReferences");
  }

  private static @Nullable JsonNode implicitEmptyInTables(GroupKind kind, List<String> path) {
    if (path.isEmpty() || !ListKeys.isBuiltin(kind)) {
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
