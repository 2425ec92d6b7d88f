package dev.converge.api;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable registry of {@link ResourceType}s, looked up by group and kind or by group and plural.
 * {@link #builtins()} holds the Kubernetes kinds Converge knows without discovery; custom resources join with
 * {@link #with(ResourceType)}.
 */
public final class ResourceTypes {
  private static final ResourceTypes BUILTINS = new ResourceTypes(builtinTable());

  private final ImmutableMap<GroupKind, ResourceType> byKind;
  private final ImmutableMap<String, ResourceType> byPlural;

  private ResourceTypes(ImmutableMap<GroupKind, ResourceType> byKind) {
    this.byKind = byKind;
    ImmutableMap.Builder<String, ResourceType> plurals = ImmutableMap.builder();
    for (ResourceType type : byKind.values()) {
      plurals.put(type.group() + "/" + type.plural(), type);
    }
    this.byPlural = plurals.buildKeepingLast();
  }

  /**
   * {@return the built-in Kubernetes kinds (core, apps, batch, RBAC, admission, CRDs, policy, coordination,
   * …)}
   */
  public static ResourceTypes builtins() {
    return BUILTINS;
  }

  /**
   * {@return this registry plus {@code type}, replacing any type of the same group and kind}
   *
   * @param type the type to add (a CRD's kind)
   */
  public ResourceTypes with(ResourceType type) {
    Map<GroupKind, ResourceType> copy = new LinkedHashMap<>(byKind);
    copy.put(type.groupKind(), type);
    return new ResourceTypes(ImmutableMap.copyOf(copy));
  }

  /**
   * {@return this registry without the type of {@code kind} (a CRD was deleted)}
   *
   * @param kind the kind to remove
   */
  public ResourceTypes without(GroupKind kind) {
    Map<GroupKind, ResourceType> copy = new LinkedHashMap<>(byKind);
    copy.remove(kind);
    return new ResourceTypes(ImmutableMap.copyOf(copy));
  }

  /**
   * {@return the type of {@code kind}, if known}
   *
   * @param kind the group and kind
   */
  public Optional<ResourceType> find(GroupKind kind) {
    return Optional.ofNullable(byKind.get(kind));
  }

  /**
   * {@return the type whose URL segment is {@code plural} in {@code group}, if known}
   *
   * @param group the API group, empty for the core group
   * @param plural the lower-case plural ({@code deployments})
   */
  public Optional<ResourceType> findByPlural(String group, String plural) {
    return Optional.ofNullable(byPlural.get(group + "/" + plural));
  }

  /**
   * {@return whether {@code kind} is namespaced; unknown kinds are assumed namespaced, as kubectl does}
   *
   * @param kind the group and kind
   */
  public boolean isNamespaced(GroupKind kind) {
    ResourceType type = byKind.get(kind);
    return type == null || type.namespaced();
  }

  /** {@return every type, in registration order} */
  public ImmutableList<ResourceType> all() {
    return byKind.values().asList();
  }

  private static ImmutableMap<GroupKind, ResourceType> builtinTable() {
    ImmutableList<ResourceType> types = ImmutableList.of(
        ResourceType.cluster("", "v1", "Namespace", "namespaces", "ns"),
        ResourceType.cluster("", "v1", "Node", "nodes", "no"),
        ResourceType.cluster("", "v1", "PersistentVolume", "persistentvolumes", "pv"),
        ResourceType.namespaced("", "v1", "Pod", "pods", "po"),
        ResourceType.namespaced("", "v1", "Service", "services", "svc"),
        ResourceType.namespaced("", "v1", "ServiceAccount", "serviceaccounts", "sa").withoutStatus(),
        ResourceType.namespaced("", "v1", "Secret", "secrets").withoutStatus(),
        ResourceType.namespaced("", "v1", "ConfigMap", "configmaps", "cm").withoutStatus(),
        ResourceType.namespaced("", "v1", "Endpoints", "endpoints", "ep").withoutStatus(),
        ResourceType.namespaced("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "pvc"),
        ResourceType.namespaced("", "v1", "Event", "events", "ev").withoutStatus(),
        ResourceType.namespaced("", "v1", "LimitRange", "limitranges", "limits").withoutStatus(),
        ResourceType.namespaced("", "v1", "ResourceQuota", "resourcequotas", "quota"),
        ResourceType.namespaced("", "v1", "ReplicationController", "replicationcontrollers", "rc"),
        ResourceType.namespaced("apps", "v1", "Deployment", "deployments", "deploy"),
        ResourceType.namespaced("apps", "v1", "DaemonSet", "daemonsets", "ds"),
        ResourceType.namespaced("apps", "v1", "ReplicaSet", "replicasets", "rs"),
        ResourceType.namespaced("apps", "v1", "StatefulSet", "statefulsets", "sts"),
        ResourceType.namespaced("apps", "v1", "ControllerRevision", "controllerrevisions").withoutStatus(),
        ResourceType.namespaced("batch", "v1", "Job", "jobs"),
        ResourceType.namespaced("batch", "v1", "CronJob", "cronjobs", "cj"),
        ResourceType.namespaced("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "hpa"),
        ResourceType.namespaced("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "pdb"),
        ResourceType.namespaced("coordination.k8s.io", "v1", "Lease", "leases").withoutStatus(),
        ResourceType.namespaced("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices").withoutStatus(),
        ResourceType.namespaced("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "netpol").withoutStatus(),
        ResourceType.namespaced("networking.k8s.io", "v1", "Ingress", "ingresses", "ing"),
        ResourceType.cluster("networking.k8s.io", "v1", "IngressClass", "ingressclasses").withoutStatus(),
        ResourceType.cluster("storage.k8s.io", "v1", "StorageClass", "storageclasses", "sc").withoutStatus(),
        ResourceType.cluster("storage.k8s.io", "v1", "CSIDriver", "csidrivers").withoutStatus(),
        ResourceType.cluster("storage.k8s.io", "v1", "CSINode", "csinodes").withoutStatus(),
        ResourceType.cluster("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses").withoutStatus(),
        ResourceType.cluster("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "pc").withoutStatus(),
        ResourceType.namespaced("rbac.authorization.k8s.io", "v1", "Role", "roles").withoutStatus(),
        ResourceType.namespaced("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings").withoutStatus(),
        ResourceType.cluster("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles").withoutStatus(),
        ResourceType.cluster("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings").withoutStatus(),
        ResourceType.cluster("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations").withoutStatus(),
        ResourceType.cluster("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations").withoutStatus(),
        ResourceType.cluster("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies"),
        ResourceType.cluster("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings").withoutStatus(),
        ResourceType.cluster("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", "crd", "crds"),
        ResourceType.cluster("apiregistration.k8s.io", "v1", "APIService", "apiservices"));
    ImmutableMap.Builder<GroupKind, ResourceType> table = ImmutableMap.builder();
    for (ResourceType type : types) {
      table.put(type.groupKind(), type);
    }
    return table.buildOrThrow();
  }
}
