package dev.converge.core.plan;

import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;

/**
 * The default kind order: Helm's install order ({@code pkg/release/util/kind_sorter.go} InstallOrder, the
 * list kinds left out), matched by group and kind so that a custom resource whose kind happens to be called
 * {@code Service} is not mistaken for one. Unknown kinds and custom resources share the last rank. Deletes
 * use the reverse.
 */
final class KindOrder {
  private static final ImmutableMap<GroupKind, Integer> RANKS = ranks();

  /** The rank of every kind the table does not name. */
  static final int LAST = RANKS.size();

  private KindOrder() {}

  private static ImmutableMap<GroupKind, Integer> ranks() {
    String[] order = {
      "scheduling.k8s.io/PriorityClass", "Namespace", "networking.k8s.io/NetworkPolicy", "ResourceQuota", "LimitRange",
      "policy/PodSecurityPolicy", "policy/PodDisruptionBudget", "ServiceAccount", "Secret", "ConfigMap",
      "storage.k8s.io/StorageClass", "PersistentVolume", "PersistentVolumeClaim",
      "apiextensions.k8s.io/CustomResourceDefinition", "rbac.authorization.k8s.io/ClusterRole",
      "rbac.authorization.k8s.io/ClusterRoleBinding", "rbac.authorization.k8s.io/Role",
      "rbac.authorization.k8s.io/RoleBinding", "Service", "apps/DaemonSet", "Pod", "ReplicationController",
      "apps/ReplicaSet", "apps/Deployment", "autoscaling/HorizontalPodAutoscaler", "apps/StatefulSet", "batch/Job",
      "batch/CronJob", "networking.k8s.io/IngressClass", "networking.k8s.io/Ingress", "apiregistration.k8s.io/APIService",
      "admissionregistration.k8s.io/MutatingWebhookConfiguration",
      "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
    };
    ImmutableMap.Builder<GroupKind, Integer> ranks = ImmutableMap.builder();
    for (int i = 0; i < order.length; i++) {
      ranks.put(GroupKind.parse(order[i]), i);
    }
    return ranks.buildOrThrow();
  }

  /** The install rank of {@code kind}: lower goes first. */
  static int rank(GroupKind kind) {
    Integer rank = RANKS.get(kind);
    return rank == null ? LAST : rank;
  }

  /** The delete rank of {@code kind}: the install rank reversed. */
  static int deleteRank(GroupKind kind) {
    return LAST - rank(kind);
  }

  /** Whether deletes of {@code kind} are hoisted before the applies: a dangling webhook or API service blocks requests. */
  static boolean hoistedDelete(GroupKind kind) {
    return kind.group().equals("admissionregistration.k8s.io") && kind.kind().endsWith("WebhookConfiguration")
        || kind.group().equals("apiregistration.k8s.io") && kind.kind().equals("APIService");
  }
}
