package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.Diff;
import dev.converge.api.FieldChange;
import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The fields the API server refuses to change on update ({@code field is immutable}), which turn an update
 * into a replace (delete, then create). Each rule cites the validation it mirrors in {@code
 * k8s.io/kubernetes/pkg/apis/.../validation} or the registry strategy that enforces it.
 */
final class ImmutableFields {
  private static final String APPS = "apps";
  private static final String RBAC = "rbac.authorization.k8s.io";

  /** Kinds whose pods should outlive a replace: deleting them with {@code Orphan} keeps the pods running. */
  private static final ImmutableSet<GroupKind> WORKLOADS = ImmutableSet.of(
      GroupKind.of(APPS, "Deployment"), GroupKind.of(APPS, "DaemonSet"), GroupKind.of(APPS, "ReplicaSet"),
      GroupKind.of(APPS, "StatefulSet"), GroupKind.of("batch", "Job"), GroupKind.of("batch", "CronJob"),
      GroupKind.of("", "ReplicationController"));

  /** When a rule applies beyond its path. */
  private interface Condition {
    boolean holds(FieldChange change, Resource live);
  }

  private record Rule(GroupKind kind, String field, String except, Condition condition) {
    boolean violatedBy(FieldChange change, Resource live) {
      return under(change.path(), field) && (except.isEmpty() || !under(change.path(), except)) && condition.holds(change, live);
    }
  }

  private static final Condition ALWAYS = (change, live) -> true;

  private static final ImmutableList<Rule> RULES = rules();

  private ImmutableFields() {}

  private static ImmutableList<Rule> rules() {
    ImmutableList.Builder<Rule> rules = ImmutableList.builder();
    // apps/v1 made the selector immutable: ValidateDeploymentUpdate / ValidateDaemonSetUpdate /
    // ValidateReplicaSetUpdate ("field is immutable") via the apps/v1 registry strategies.
    for (String kind : new String[] {"Deployment", "DaemonSet", "ReplicaSet"}) {
      rules.add(new Rule(GroupKind.of(APPS, kind), "spec.selector", "", ALWAYS));
    }
    // ValidateStatefulSetUpdate: "updates to statefulset spec for fields other than 'replicas', 'ordinals',
    // 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden".
    GroupKind statefulSet = GroupKind.of(APPS, "StatefulSet");
    for (String field : new String[] {"spec.selector", "spec.volumeClaimTemplates", "spec.serviceName", "spec.podManagementPolicy"}) {
      rules.add(new Rule(statefulSet, field, "", ALWAYS));
    }
    // ValidateJobSpecUpdate: spec.selector and spec.template are immutable (apart from scheduling directives
    // of a suspended job, which a declarative plan cannot rely on).
    // Also the completion mode, the pod failure and success policies, the per-index back-off limit and
    // managedBy; completions too, but for elastic Indexed Jobs (changed in tandem with parallelism), which the
    // server's answer decides.
    for (String field : new String[] {"spec.selector", "spec.template", "spec.completionMode", "spec.podFailurePolicy",
        "spec.backoffLimitPerIndex", "spec.successPolicy", "spec.managedBy"}) {
      rules.add(new Rule(GroupKind.of("batch", "Job"), field, "", ALWAYS));
    }
    // ValidateServiceUpdate: spec.clusterIP may not change once allocated (only "" -> allocated, or to and
    // from type ExternalName); an empty desired clusterIP keeps the old one (see BuiltinNormalizers).
    rules.add(new Rule(GroupKind.of("", "Service"), "spec.clusterIP", "", (change, live) -> {
      JsonNode before = change.before();
      return before != null && before.isTextual() && !before.textValue().isEmpty();
    }));
    // ValidateRoleBindingUpdate / ValidateClusterRoleBindingUpdate: "cannot change roleRef".
    rules.add(new Rule(GroupKind.of(RBAC, "RoleBinding"), "roleRef", "", ALWAYS));
    rules.add(new Rule(GroupKind.of(RBAC, "ClusterRoleBinding"), "roleRef", "", ALWAYS));
    // ValidatePersistentVolumeClaimUpdate: "spec is immutable after creation except resources.requests
    // (and volumeAttributesClassName) for bound claims"; storage requests may grow (volume expansion).
    rules.add(new Rule(GroupKind.of("", "PersistentVolumeClaim"), "spec", "spec.resources.requests.storage", ALWAYS));
    // ValidateConfigMapUpdate / ValidateSecretUpdate: with immutable: true, data, binaryData (stringData
    // becomes data) and the immutable flag itself "field is immutable when `immutable` is set".
    Condition markedImmutable = (change, live) -> live.json().path("immutable").asBoolean(false);
    for (String kind : new String[] {"ConfigMap", "Secret"}) {
      GroupKind gk = GroupKind.of("", kind);
      for (String field : new String[] {"data", "binaryData", "stringData", "immutable"}) {
        rules.add(new Rule(gk, field, "", markedImmutable));
      }
    }
    return rules.build();
  }

  /** The immutable fields {@code diff} changes, each once, in rule order; empty when an update will do. */
  static ImmutableList<String> violated(GroupKind kind, Diff diff, Resource live) {
    Set<String> fields = new LinkedHashSet<>();
    for (Rule rule : RULES) {
      if (!rule.kind().equals(kind)) {
        continue;
      }
      for (FieldChange change : diff.changes()) {
        if (rule.violatedBy(change, live)) {
          fields.add(rule.field());
          break;
        }
      }
    }
    return ImmutableList.copyOf(fields);
  }

  /** How a replace deletes the old object: workloads orphan their pods so they keep serving meanwhile. */
  static Propagation replacePropagation(GroupKind kind) {
    return WORKLOADS.contains(kind) ? Propagation.ORPHAN : Propagation.BACKGROUND;
  }

  /** Whether {@code path} is {@code field} or lies under it ({@code spec.selector.matchLabels.app}). */
  static boolean under(String path, String field) {
    if (!path.startsWith(field)) {
      return false;
    }
    if (path.length() == field.length()) {
      return true;
    }
    char next = path.charAt(field.length());
    return next == '.' || next == '[';
  }
}
