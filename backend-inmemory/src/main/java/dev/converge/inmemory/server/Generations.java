package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.inmemory.json.Trees;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code metadata.generation}: which kinds have one and when it moves. Each registry strategy decides: the
 * workload, policy, networking, admission-registration and CRD strategies set {@code generation: 1} on create
 * and bump it in {@code PrepareForUpdate} when anything but metadata (and status, for kinds with a status
 * subresource) changed — for kinds with a spec, exactly "the spec changed". Custom resources do the same
 * ({@code apiextensions-apiserver customResourceStrategy}). ConfigMaps, Secrets, ServiceAccounts, RBAC
 * objects, Namespaces, Services and Nodes have no generation.
 */
final class Generations {
  private static final ImmutableSet<GroupKind> BUILTIN_TRACKED = ImmutableSet.of(
      GroupKind.of("", "Pod"),
      GroupKind.of("", "ReplicationController"),
      GroupKind.of("apps", "Deployment"),
      GroupKind.of("apps", "DaemonSet"),
      GroupKind.of("apps", "ReplicaSet"),
      GroupKind.of("apps", "StatefulSet"),
      GroupKind.of("batch", "Job"),
      GroupKind.of("batch", "CronJob"),
      GroupKind.of("policy", "PodDisruptionBudget"),
      GroupKind.of("autoscaling", "HorizontalPodAutoscaler"),
      GroupKind.of("networking.k8s.io", "Ingress"),
      GroupKind.of("networking.k8s.io", "NetworkPolicy"),
      GroupKind.of("discovery.k8s.io", "EndpointSlice"),
      GroupKind.of("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
      GroupKind.of("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
      GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition"));

  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");
  private static final GroupKind ENDPOINT_SLICE = GroupKind.of("discovery.k8s.io", "EndpointSlice");

  private Generations() {}

  static boolean tracked(ResourceType type) {
    return BUILTIN_TRACKED.contains(type.groupKind()) || !ResourceTypesInfo.isBuiltin(type.groupKind());
  }

  /**
   * Whether anything the generation tracks differs: every top-level field but metadata (and status, when it is a
   * subresource); for a Deployment, its annotations too ({@code deploymentStrategy.PrepareForUpdate}: "annotation
   * updates bump the generation because annotations are copied from deployments to their replica sets"); for an
   * EndpointSlice, its labels too ({@code endpointSliceStrategy.PrepareForUpdate}: the EndpointSlice controller
   * tracks the generations it wrote, and its label updates must move them).
   */
  static boolean specChanged(ResourceType type, JsonNode old, JsonNode now) {
    return !sameTopLevel(old, now, type.statusSubresource())
        || type.groupKind().equals(DEPLOYMENT) && mapChanged(old, now, "annotations")
        || type.groupKind().equals(ENDPOINT_SLICE) && mapChanged(old, now, "labels");
  }

  /** Semantic equality, as {@code apiequality.Semantic.DeepEqual}: no map and an empty one are the same. */
  private static boolean mapChanged(JsonNode old, JsonNode now, String field) {
    JsonNode before = old.path("metadata").path(field);
    JsonNode after = now.path("metadata").path(field);
    return !(before.isEmpty() && after.isEmpty()) && !Trees.equal(before, after);
  }

  private static boolean sameTopLevel(JsonNode a, JsonNode b, boolean ignoreStatus) {
    int counted = 0;
    for (Map.Entry<String, JsonNode> field : a.properties()) {
      String name = field.getKey();
      if (ignored(name, ignoreStatus)) {
        continue;
      }
      counted++;
      if (!Trees.equal(field.getValue(), b.get(name))) {
        return false;
      }
    }
    int other = ignoreStatus ? Trees.sizeWithout(b, "metadata", "apiVersion", "kind", "status")
        : Trees.sizeWithout(b, "metadata", "apiVersion", "kind");
    return counted == other;
  }

  private static boolean ignored(String field, boolean ignoreStatus) {
    return field.equals("metadata") || field.equals("apiVersion") || field.equals("kind")
        || (ignoreStatus && field.equals("status"));
  }

  /**
   * Whether {@code candidate} equals {@code stored} but for {@code resourceVersion} (and the apiVersion it was
   * sent with): such a write is a no-op.
   */
  static boolean sameIgnoringServerFields(JsonNode candidate, Resource stored) {
    if (!sameTopLevel(candidate, stored.json(), false)) {
      return false;
    }
    JsonNode a = candidate.path("metadata");
    JsonNode b = stored.metadata();
    int counted = 0;
    for (Map.Entry<String, JsonNode> field : a.properties()) {
      if (field.getKey().equals("resourceVersion")) {
        continue;
      }
      counted++;
      JsonNode other = b.get(field.getKey());
      boolean same = field.getKey().equals("managedFields")
          ? sameManagedFields(field.getValue(), other)
          : Trees.equal(field.getValue(), other);
      if (!same) {
        return false;
      }
    }
    int other = b.size() - (b.has("resourceVersion") ? 1 : 0);
    return counted == other;
  }

  /**
   * Managed-field entries equal but for their {@code time}: structured-merge-diff reports an apply that
   * changes nothing as no change, and the field manager then keeps the old timestamps
   * ({@code managedFieldsUpdater.Apply}), so such an apply writes nothing.
   */
  private static boolean sameManagedFields(JsonNode a, @Nullable JsonNode b) {
    if (b == null || !a.isArray() || !b.isArray() || a.size() != b.size()) {
      return a.equals(b);
    }
    for (int i = 0; i < a.size(); i++) {
      JsonNode x = a.get(i);
      JsonNode y = b.get(i);
      int fields = 0;
      for (Map.Entry<String, JsonNode> field : x.properties()) {
        if (field.getKey().equals("time")) {
          continue;
        }
        fields++;
        if (!Trees.equal(field.getValue(), y.get(field.getKey()))) {
          return false;
        }
      }
      if (fields != y.size() - (y.has("time") ? 1 : 0)) {
        return false;
      }
    }
    return true;
  }
}
