package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.store.ObjectStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * kube-apiserver's {@code NodeRestriction} admission plugin ({@code plugin/pkg/admission/noderestriction}, on in
 * kubeadm and kind clusters), which limits what a kubelet may write once the {@link NodeAuthorizer} let its request
 * through. The authorizer knows what a kubelet may touch; this plugin checks what it writes there:
 *
 * <ul>
 *   <li><b>Pods</b>: a kubelet creates mirror pods only (the {@code kubernetes.io/config.mirror} annotation, bound to
 *       itself, one controller owner reference to its Node with the Node's uid, no service account, Secret,
 *       ConfigMap, ClusterTrustBundle or claim), deletes and evicts only pods bound to itself, updates the status of
 *       those only and without touching their labels, and updates nothing else of a pod.
 *   <li><b>Nodes</b>: only its own. It may not register with, add, change or remove labels in the {@code
 *       kubernetes.io} and {@code k8s.io} namespaces beyond the ones kubelets set ({@link #kubeletMaySet}), nor
 *       change its taints after registration.
 *   <li><b>Leases</b> in {@code kube-node-lease} and <b>CSINodes</b>: only the ones named after itself.
 *   <li><b>Service-account tokens</b>: only bound to a pod, by uid, that runs on its node.
 *   <li><b>PersistentVolumeClaims</b>: only their status' {@code capacity} and {@code conditions}.
 * </ul>
 *
 * Refusals are 403s with the plugin's words ({@code leases.coordination.k8s.io "n2" is forbidden: can only access node
 * lease with the same name as the requesting node}). The plugin runs after the ServiceAccount plugin and before the
 * others the server has (RuntimeClass, the embedding's), as kube-apiserver orders them; for a delete, an eviction and
 * a token request it runs before the object is looked up, as the request handlers call mutating admission first.
 * On a status write it sees the object as the request made it, before the status strategy puts the stored metadata
 * back, as kube-apiserver runs it: a kubelet's pod status write that changes the pod's labels is refused.
 */
public final class NodeRestriction {
  private static final String MIRROR_POD_ANNOTATION = ServiceAccountAdmission.MIRROR_ANNOTATION;
  private static final String NODE_LEASE_NAMESPACE = "kube-node-lease";
  private static final GroupKind POD = GroupKind.of("", "Pod");
  private static final GroupKind NODE = GroupKind.of("", "Node");
  private static final GroupKind PVC = GroupKind.of("", "PersistentVolumeClaim");
  private static final GroupKind SERVICE_ACCOUNT = GroupKind.of("", "ServiceAccount");
  private static final GroupKind LEASE = GroupKind.of("coordination.k8s.io", "Lease");
  private static final GroupKind CSI_NODE = GroupKind.of("storage.k8s.io", "CSINode");

  /**
   * The labels of the {@code kubernetes.io} and {@code k8s.io} namespaces a kubelet sets on its Node ({@code
   * pkg/kubelet/apis.kubeletLabels} as of Kubernetes 1.32); besides these, any in a {@code kubelet.kubernetes.io} or
   * {@code node.kubernetes.io} namespace ({@code kubeletLabelNamespaces}).
   */
  public static final ImmutableSet<String> KUBELET_LABELS = ImmutableSet.of(
      "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
      "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
      "beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type", "kubernetes.io/os", "kubernetes.io/arch",
      "beta.kubernetes.io/os", "beta.kubernetes.io/arch");
  public static final ImmutableSet<String> KUBELET_LABEL_NAMESPACES =
      ImmutableSet.of("kubelet.kubernetes.io", "node.kubernetes.io");

  private final ObjectStore store;

  NodeRestriction(ObjectStore store) {
    this.store = store;
  }

  /**
   * Admits the write {@code request} makes: nothing to check unless a kubelet makes it.
   *
   * @param name the object's name (for a create, the one in the body)
   * @param object the object written (create and update), the eviction or the token request; null for a delete
   * @param old the stored object an update replaces, else null
   * @throws BackendException.Forbidden as the plugin refuses
   * @throws BackendException.NotFound when a pod or node it looks up is missing, as its listers answer
   */
  void admit(RequestInfo request, Operation operation, String name, @Nullable JsonNode object, @Nullable Resource old) {
    String node = request.identity().node();
    if (node == null) {
      return;
    }
    ResourceType type = request.type();
    if (node.isEmpty()) {
      throw Errors.forbidden(type, name, "could not determine node from user \"" + request.identity().name() + "\"");
    }
    GroupKind kind = type.groupKind();
    String subresource = request.subresource();
    String problem;
    if (kind.equals(POD)) {
      problem = switch (subresource) {
        case "" -> pod(node, operation, request.namespace(), name, object);
        case "status" -> podStatus(node, operation, object, old);
        case "eviction" -> operation != Operation.CREATE ? "unexpected operation " + operation
            : boundElsewhere(request.namespace(), name, node) ? "node " + node + " can only evict pods with spec.nodeName set to itself"
            : null;
        default -> "unexpected pod subresource \"" + subresource + "\", only 'status' and 'eviction' are allowed";
      };
    } else if (kind.equals(NODE)) {
      problem = node(node, operation, name, object, old);
    } else if (kind.equals(PVC)) {
      problem = subresource.equals("status") ? claimStatus(node, operation, object, old) : "may only update PVC status";
    } else if (kind.equals(SERVICE_ACCOUNT)) {
      problem = operation == Operation.CREATE && subresource.equals("token") ? token(node, request.namespace(), object)
          : null;
    } else if (kind.equals(LEASE)) {
      problem = !request.namespace().equals(NODE_LEASE_NAMESPACE)
          ? "can only access leases in the \"" + NODE_LEASE_NAMESPACE + "\" system namespace"
          : name.equals(node) ? null : "can only access node lease with the same name as the requesting node";
    } else if (kind.equals(CSI_NODE)) {
      problem = name.equals(node) ? null : "can only access CSINode with the same name as the requesting node";
    } else {
      problem = null;
    }
    if (problem != null) {
      throw Errors.forbidden(type, name, problem);
    }
  }

  private @Nullable String pod(String node, Operation operation, String namespace, String name, @Nullable JsonNode pod) {
    if (operation == Operation.DELETE) {
      return boundElsewhere(namespace, name, node) ? "node \"" + node + "\" can only delete pods with spec.nodeName set to itself"
          : null;
    }
    if (operation != Operation.CREATE || pod == null) {
      return "unexpected operation \"" + operation + "\", node \"" + node + "\" can only create and delete mirror pods";
    }
    JsonNode metadata = pod.path("metadata");
    if (!metadata.path("annotations").has(MIRROR_POD_ANNOTATION)) {
      return "pod does not have \"" + MIRROR_POD_ANNOTATION + "\" annotation, node \"" + node
          + "\" can only create mirror pods";
    }
    JsonNode spec = pod.path("spec");
    if (!spec.path("nodeName").asText("").equals(node)) {
      return "node \"" + node + "\" can only create pods with spec.nodeName set to itself";
    }
    JsonNode owners = metadata.path("ownerReferences");
    if (owners.size() > 1) {
      return "node \"" + node + "\" can only create pods with a single owner reference set to itself";
    }
    if (owners.size() == 0) {
      return "node \"" + node + "\" can only create pods with an owner reference set to itself";
    }
    JsonNode owner = owners.get(0);
    if (!owner.path("apiVersion").asText("").equals("v1") || !owner.path("kind").asText("").equals("Node")
        || !owner.path("name").asText("").equals(node)) {
      return "node \"" + node + "\" can only create pods with an owner reference set to itself";
    }
    if (!owner.path("controller").asBoolean(false)) {
      return "node \"" + node + "\" can only create pods with a controller owner reference set to itself";
    }
    if (owner.path("blockOwnerDeletion").asBoolean(false)) {
      return "node \"" + node + "\" must not set blockOwnerDeletion on an owner reference";
    }
    Resource self = store.get(NODE, "", node);
    if (self == null) {
      throw new BackendException.NotFound("node \"" + node + "\" not found");
    }
    String uid = owner.path("uid").asText("");
    if (!uid.equals(self.uid())) {
      return "node " + node + " UID mismatch: expected " + self.uid() + " got " + uid;
    }
    // Nothing else may be referenced: the node could read it through the authorizer's graph once the pod exists.
    if (!spec.path("serviceAccountName").asText("").isEmpty()) {
      return "node \"" + node + "\" can not create pods that reference a service account";
    }
    boolean secrets = false;
    boolean configMaps = false;
    for (PodSources.Source source : PodSources.ofSpec(spec)) {
      secrets |= source.kind().equals(PodSources.SECRET);
      configMaps |= source.kind().equals(PodSources.CONFIG_MAP);
    }
    if (secrets) {
      return "node \"" + node + "\" can not create pods that reference secrets";
    }
    if (configMaps) {
      return "node \"" + node + "\" can not create pods that reference configmaps";
    }
    for (JsonNode volume : spec.path("volumes")) {
      for (JsonNode source : volume.path("projected").path("sources")) {
        if (source.has("clusterTrustBundle")) {
          return "node \"" + node + "\" can not create pods that reference clustertrustbundles";
        }
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      if (volume.has("persistentVolumeClaim")) {
        return "node \"" + node + "\" can not create pods that reference persistentvolumeclaims";
      }
    }
    return null;
  }

  private static @Nullable String podStatus(String node, Operation operation, @Nullable JsonNode pod,
      @Nullable Resource old) {
    if (operation != Operation.UPDATE || pod == null || old == null) {
      return "unexpected operation \"" + operation + "\"";
    }
    if (!old.spec().path("nodeName").asText("").equals(node)) {
      return "node \"" + node + "\" can only update pod status for pods with spec.nodeName set to itself";
    }
    if (!sameLabels(pod.path("metadata").path("labels"), old.metadata().path("labels"))) {
      return "node \"" + node + "\" cannot update labels through pod status";
    }
    if (!claimStatuses(pod).equals(claimStatuses(old.json()))) {
      return "node \"" + node + "\" cannot update resource claim statues"; // sic: upstream's spelling
    }
    return null;
  }

  /** The names and claim names of {@code status.resourceClaimStatuses}, in order: what may not change. */
  private static String claimStatuses(JsonNode pod) {
    StringBuilder out = new StringBuilder();
    for (JsonNode status : pod.path("status").path("resourceClaimStatuses")) {
      out.append(status.path("name").asText("")).append('=').append(status.path("resourceClaimName")).append(';');
    }
    return out.toString();
  }

  /**
   * A PVC's status update: nothing but {@code status.capacity}, {@code status.conditions} and, with
   * RecoverVolumeExpansionFailure (beta and on in 1.32), {@code status.allocatedResources} and {@code
   * allocatedResourceStatuses} may differ, managed fields and the resourceVersion aside.
   */
  private static @Nullable String claimStatus(String node, Operation operation, @Nullable JsonNode claim,
      @Nullable Resource old) {
    if (operation != Operation.UPDATE || claim == null || old == null) {
      return "unexpected operation \"" + operation + "\"";
    }
    if (!withoutWritableStatus(claim).equals(withoutWritableStatus(old.json()))) {
      return "node \"" + node + "\" is not allowed to update fields other than status.capacity and status.conditions";
    }
    return null;
  }

  private static JsonNode withoutWritableStatus(JsonNode claim) {
    ObjectNode copy = claim.deepCopy();
    copy.withObject("metadata").remove(List.of("resourceVersion", "managedFields"));
    copy.withObject("status").remove(List.of("capacity", "conditions", "allocatedResources",
        "allocatedResourceStatuses"));
    return copy;
  }

  private @Nullable String node(String node, Operation operation, String name, @Nullable JsonNode object,
      @Nullable Resource old) {
    if (!name.equals(node)) {
      return "node \"" + node + "\" is not allowed to modify node \"" + name + "\"";
    }
    if (operation == Operation.CREATE && object != null) {
      TreeSet<String> forbidden = forbiddenLabels(object.path("metadata").path("labels"), null);
      if (!forbidden.isEmpty()) {
        return "node \"" + node + "\" is not allowed to set the following labels: " + String.join(", ", forbidden);
      }
    }
    if (operation == Operation.UPDATE && object != null && old != null) {
      if (!Objects.equals(taints(object), taints(old.json()))) {
        return "node \"" + node + "\" is not allowed to modify taints";
      }
      TreeSet<String> forbidden = forbiddenLabels(object.path("metadata").path("labels"), old.metadata().path("labels"));
      if (!forbidden.isEmpty()) {
        return "is not allowed to modify labels: " + String.join(", ", forbidden); // sic: upstream names no node here
      }
    }
    return null;
  }

  /** {@code spec.taints}, an empty list as none ({@code apiequality.Semantic.DeepEqual} of nil and empty slices). */
  private static JsonNode taints(JsonNode node) {
    JsonNode taints = node.path("spec").path("taints");
    return taints.isArray() && taints.size() > 0 ? taints : Json.array();
  }

  private @Nullable String token(String node, String namespace, @Nullable JsonNode request) {
    JsonNode ref = request == null ? null : request.path("spec").get("boundObjectRef");
    if (ref == null || !ref.isObject() || !ref.path("apiVersion").asText("").equals("v1")
        || !ref.path("kind").asText("").equals("Pod") || ref.path("name").asText("").isEmpty()) {
      return "node requested token not bound to a pod";
    }
    String uid = ref.path("uid").asText("");
    if (uid.isEmpty()) {
      return "node requested token with a pod binding without a uid";
    }
    Resource pod = requirePod(namespace, ref.path("name").asText());
    if (!uid.equals(pod.uid())) {
      return "the UID in the bound object reference (" + uid + ") does not match the UID in record. The object might"
          + " have been deleted and then recreated";
    }
    return node.equals(pod.spec().path("nodeName").asText("")) ? null
        : "node requested token bound to a pod scheduled on a different node";
  }

  /** Whether the pod is bound to another node than {@code node} (404 when there is no such pod). */
  private boolean boundElsewhere(String namespace, String name, String node) {
    return !node.equals(requirePod(namespace, name).spec().path("nodeName").asText(""));
  }

  /** The pod, or the pod lister's 404 ({@code pod "web" not found}: listers name the resource in the singular). */
  private Resource requirePod(String namespace, String name) {
    Resource pod = store.get(POD, namespace, name);
    if (pod == null) {
      throw new BackendException.NotFound("pod \"" + name + "\" not found");
    }
    return pod;
  }

  private static boolean sameLabels(JsonNode a, JsonNode b) {
    return labels(a).equals(labels(b));
  }

  private static Map<String, String> labels(JsonNode labels) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, JsonNode> label : labels.properties()) {
      out.put(label.getKey(), label.getValue().asText());
    }
    return out;
  }

  /**
   * The labels added, changed or removed between {@code now} and {@code before} that a kubelet may not set ({@code
   * getForbiddenLabels}): those of a {@code node-restriction.kubernetes.io} namespace and those of the {@code
   * kubernetes.io} and {@code k8s.io} namespaces that are no kubelet's. Sorted, as Go's {@code sets.String.List}.
   */
  private static TreeSet<String> forbiddenLabels(JsonNode now, @Nullable JsonNode before) {
    Map<String, String> a = labels(now);
    Map<String, String> b = before == null ? Map.of() : labels(before);
    TreeSet<String> forbidden = new TreeSet<>();
    for (Map<String, String> side : List.of(a, b)) {
      for (String key : side.keySet()) {
        if (!Objects.equals(a.get(key), b.get(key)) && !kubeletMaySet(key)) {
          forbidden.add(key);
        }
      }
    }
    return forbidden;
  }

  /**
   * Whether a kubelet may set the label {@code key} on its Node: not in a {@code node-restriction.kubernetes.io}
   * namespace, and when in a {@code kubernetes.io} or {@code k8s.io} one, a {@linkplain #KUBELET_LABELS kubelet
   * label}. The kubelet itself refuses to start with other {@code --node-labels} ({@code ValidateKubeletFlags}).
   */
  public static boolean kubeletMaySet(String key) {
    int slash = key.indexOf('/');
    String namespace = slash < 0 ? "" : key.substring(0, slash);
    if (within(namespace, "node-restriction.kubernetes.io")) {
      return false;
    }
    if (!within(namespace, "kubernetes.io") && !within(namespace, "k8s.io")) {
      return true;
    }
    return KUBELET_LABELS.contains(key) || KUBELET_LABEL_NAMESPACES.stream().anyMatch(allowed -> within(namespace, allowed));
  }

  private static boolean within(String namespace, String domain) {
    return namespace.equals(domain) || namespace.endsWith("." + domain);
  }
}
