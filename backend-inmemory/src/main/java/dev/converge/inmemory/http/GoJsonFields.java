package dev.converge.inmemory.http;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Facts about the Go types of Kubernetes' API that its protobuf encoding does not carry, which {@link
 * ProtobufBodies} needs to produce the JSON a Go client would send. Both tables are keyed by protobuf message
 * and field ({@code k8s.io.api.apps.v1.DeploymentSpec.replicas}), as declared in k8s.io/api's and
 * k8s.io/apimachinery's {@code types.go}; {@code ProtobufBodiesTest} checks that every entry names a field of
 * the schema.
 */
final class GoJsonFields {
  /**
   * Scalars kept when zero: Go pointers ({@code DeploymentSpec.replicas}, {@code automountServiceAccountToken})
   * and fields without {@code omitempty} ({@code PriorityClass.value}, {@code ContainerPort.containerPort}).
   */
  static final Set<String> KEEP_ZERO = keepZero();

  /**
   * Message fields for Go structs embedded with {@code json:",inline"}: a field of its own in protobuf, their
   * members are the parent's in JSON ({@code Probe.handler} holds {@code httpGet}, which JSON puts on the probe).
   */
  static final Set<String> INLINE = inline();

  private GoJsonFields() {}

  private static Set<String> inline() {
    Set<String> inline = new HashSet<>();
    String core = "k8s.io.api.core.v1.";
    keepIn(inline, core + "Volume", "volumeSource");
    keepIn(inline, core + "PersistentVolumeSpec", "persistentVolumeSource");
    keepIn(inline, core + "Probe", "handler");
    keepIn(inline, core + "EphemeralContainer", "ephemeralContainerCommon");
    for (String selector : List.of("ConfigMapKeySelector", "SecretKeySelector", "ConfigMapEnvSource", "SecretEnvSource",
        "ConfigMapVolumeSource", "ConfigMapProjection", "SecretProjection")) {
      keepIn(inline, core + selector, "localObjectReference");
    }
    keepIn(inline, "k8s.io.api.networking.v1.IngressRule", "ingressRuleValue");
    keepIn(inline, "k8s.io.api.admissionregistration.v1.RuleWithOperations", "rule");
    return Set.copyOf(inline);
  }

  private static Set<String> keepZero() {
    Set<String> keep = new HashSet<>();
    String meta = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    keepIn(keep, meta + "ObjectMeta", "deletionGracePeriodSeconds");
    keepIn(keep, meta + "OwnerReference", "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion");
    keepIn(keep, meta + "LabelSelectorRequirement", "key", "operator");
    keepIn(keep, meta + "DeleteOptions", "gracePeriodSeconds", "orphanDependents", "propagationPolicy");
    keepIn(keep, meta + "Preconditions", "uid", "resourceVersion");
    keepIn(keep, meta + "Condition", "type", "status", "reason", "message");
    String core = "k8s.io.api.core.v1.";
    keepIn(keep, core + "PodSpec", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
        "automountServiceAccountToken", "shareProcessNamespace", "priority", "runtimeClassName", "enableServiceLinks",
        "preemptionPolicy", "setHostnameAsFQDN", "hostUsers");
    keepIn(keep, core + "Container", "name", "restartPolicy");
    keepIn(keep, core + "EphemeralContainerCommon", "name", "restartPolicy");
    keepIn(keep, core + "ContainerPort", "containerPort");
    keepIn(keep, core + "EnvVar", "name");
    keepIn(keep, core + "VolumeMount", "name", "mountPath", "mountPropagation");
    keepIn(keep, core + "VolumeDevice", "name", "devicePath");
    keepIn(keep, core + "Volume", "name");
    keepIn(keep, core + "SecurityContext", "privileged", "runAsUser", "runAsGroup", "runAsNonRoot",
        "readOnlyRootFilesystem", "allowPrivilegeEscalation", "procMount");
    keepIn(keep, core + "PodSecurityContext", "runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup",
        "fsGroupChangePolicy");
    keepIn(keep, core + "WindowsSecurityContextOptions", "gmsaCredentialSpecName", "gmsaCredentialSpec",
        "runAsUserName", "hostProcess");
    keepIn(keep, core + "SeccompProfile", "type", "localhostProfile");
    keepIn(keep, core + "Sysctl", "name", "value");
    keepIn(keep, core + "PodOS", "name");
    keepIn(keep, core + "Probe", "terminationGracePeriodSeconds");
    keepIn(keep, core + "GRPCAction", "port", "service");
    keepIn(keep, core + "SleepAction", "seconds");
    keepIn(keep, core + "Toleration", "tolerationSeconds");
    keepIn(keep, core + "Taint", "key", "effect");
    keepIn(keep, core + "NodeSelectorRequirement", "key", "operator");
    keepIn(keep, core + "PreferredSchedulingTerm", "weight");
    keepIn(keep, core + "WeightedPodAffinityTerm", "weight");
    keepIn(keep, core + "PodAffinityTerm", "topologyKey");
    keepIn(keep, core + "TopologySpreadConstraint", "maxSkew", "topologyKey", "whenUnsatisfiable", "minDomains",
        "nodeAffinityPolicy", "nodeTaintsPolicy");
    keepIn(keep, core + "PodReadinessGate", "conditionType");
    keepIn(keep, core + "PodSchedulingGate", "name");
    keepIn(keep, core + "PodResourceClaim", "name");
    keepIn(keep, core + "ContainerResizePolicy", "resourceName", "restartPolicy");
    keepIn(keep, core + "PodDNSConfigOption", "value");
    keepIn(keep, core + "ConfigMapVolumeSource", "defaultMode", "optional");
    keepIn(keep, core + "SecretVolumeSource", "defaultMode", "optional");
    keepIn(keep, core + "ProjectedVolumeSource", "defaultMode");
    keepIn(keep, core + "DownwardAPIVolumeSource", "defaultMode");
    keepIn(keep, core + "DownwardAPIVolumeFile", "path", "mode");
    keepIn(keep, core + "ConfigMapProjection", "optional");
    keepIn(keep, core + "SecretProjection", "optional");
    keepIn(keep, core + "ServiceAccountTokenProjection", "expirationSeconds", "path");
    keepIn(keep, core + "KeyToPath", "key", "path", "mode");
    keepIn(keep, core + "ObjectFieldSelector", "fieldPath");
    keepIn(keep, core + "ResourceFieldSelector", "resource");
    keepIn(keep, core + "ConfigMapKeySelector", "key", "optional");
    keepIn(keep, core + "SecretKeySelector", "key", "optional");
    keepIn(keep, core + "ConfigMapEnvSource", "optional");
    keepIn(keep, core + "SecretEnvSource", "optional");
    keepIn(keep, core + "HostPathVolumeSource", "path", "type");
    keepIn(keep, core + "PersistentVolumeClaimVolumeSource", "claimName");
    keepIn(keep, core + "PersistentVolumeClaimSpec", "storageClassName", "volumeMode", "volumeAttributesClassName");
    keepIn(keep, core + "CSIVolumeSource", "driver", "readOnly", "fsType");
    keepIn(keep, core + "ServiceSpec", "allocateLoadBalancerNodePorts", "loadBalancerClass", "internalTrafficPolicy",
        "ipFamilyPolicy");
    keepIn(keep, core + "ServicePort", "port", "appProtocol");
    keepIn(keep, core + "ClientIPConfig", "timeoutSeconds");
    keepIn(keep, core + "EndpointPort", "port", "appProtocol");
    keepIn(keep, core + "ConfigMap", "immutable");
    keepIn(keep, core + "Secret", "immutable");
    keepIn(keep, core + "ServiceAccount", "automountServiceAccountToken");
    keepIn(keep, core + "LimitRangeItem", "type");
    keepIn(keep, core + "HostAlias", "ip");
    keepIn(keep, core + "NodeCondition", "type", "status");
    keepIn(keep, core + "PodCondition", "type", "status");
    String apps = "k8s.io.api.apps.v1.";
    keepIn(keep, apps + "DeploymentSpec", "replicas", "revisionHistoryLimit", "progressDeadlineSeconds");
    keepIn(keep, apps + "StatefulSetSpec", "replicas", "revisionHistoryLimit");
    keepIn(keep, apps + "RollingUpdateStatefulSetStrategy", "partition");
    keepIn(keep, apps + "DaemonSetSpec", "revisionHistoryLimit");
    keepIn(keep, apps + "ReplicaSetSpec", "replicas");
    keepIn(keep, apps + "ControllerRevision", "revision");
    String batch = "k8s.io.api.batch.v1.";
    keepIn(keep, batch + "JobSpec", "parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "backoffLimitPerIndex", "maxFailedIndexes", "ttlSecondsAfterFinished", "completionMode", "suspend",
        "podReplacementPolicy", "manualSelector");
    keepIn(keep, batch + "CronJobSpec", "schedule", "timeZone", "startingDeadlineSeconds", "suspend",
        "successfulJobsHistoryLimit", "failedJobsHistoryLimit");
    keepIn(keep, batch + "PodFailurePolicyRule", "action");
    keepIn(keep, batch + "PodFailurePolicyOnExitCodesRequirement", "containerName", "operator");
    keepIn(keep, batch + "PodFailurePolicyOnPodConditionsPattern", "type", "status");
    String networking = "k8s.io.api.networking.v1.";
    keepIn(keep, networking + "IngressSpec", "ingressClassName");
    keepIn(keep, networking + "HTTPIngressPath", "pathType");
    keepIn(keep, networking + "IngressServiceBackend", "name");
    keepIn(keep, networking + "NetworkPolicyPort", "protocol", "endPort");
    keepIn(keep, networking + "IPBlock", "cidr");
    String rbac = "k8s.io.api.rbac.v1.";
    keepIn(keep, rbac + "Subject", "kind", "name");
    keepIn(keep, rbac + "RoleRef", "apiGroup", "kind", "name");
    keepIn(keep, "k8s.io.api.policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy");
    keepIn(keep, "k8s.io.api.scheduling.v1.PriorityClass", "value", "preemptionPolicy");
    keepIn(keep, "k8s.io.api.autoscaling.v1.HorizontalPodAutoscalerSpec", "minReplicas", "maxReplicas",
        "targetCPUUtilizationPercentage");
    keepIn(keep, "k8s.io.api.autoscaling.v1.CrossVersionObjectReference", "kind", "name");
    keepIn(keep, "k8s.io.api.storage.v1.StorageClass", "provisioner", "reclaimPolicy", "volumeBindingMode",
        "allowVolumeExpansion");
    String admission = "k8s.io.api.admissionregistration.v1.";
    for (String webhook : List.of("MutatingWebhook", "ValidatingWebhook")) {
      keepIn(keep, admission + webhook, "name", "failurePolicy", "matchPolicy", "sideEffects", "timeoutSeconds");
    }
    keepIn(keep, admission + "MutatingWebhook", "reinvocationPolicy");
    keepIn(keep, admission + "WebhookClientConfig", "url");
    keepIn(keep, admission + "ServiceReference", "namespace", "name", "path", "port");
    keepIn(keep, admission + "Rule", "scope");
    keepIn(keep, "k8s.io.api.authentication.v1.TokenRequestSpec", "expirationSeconds");
    return Set.copyOf(keep);
  }

  private static void keepIn(Set<String> keep, String message, String... fields) {
    for (String field : fields) {
      keep.add(message + "." + field);
    }
  }
}
