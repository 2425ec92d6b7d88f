package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.rbac.PolicyRule;
import dev.converge.inmemory.store.KindTable;
import dev.converge.inmemory.store.ObjectName;
import dev.converge.inmemory.store.ObjectStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * kube-apiserver's Node authorizer ({@code plugin/pkg/auth/authorizer/node}, first of {@code
 * --authorization-mode=Node,RBAC} as kubeadm and kind configure it), which authorizes kubelets: the user {@code
 * system:node:<name>} in the group {@code system:nodes}. Its answer is allow or no opinion; with no opinion RBAC
 * decides, and since Kubernetes 1.8 no binding grants the group anything, so a kubelet may do what this allows and
 * no more.
 *
 * <ul>
 *   <li>Secrets and ConfigMaps: {@code get}, {@code list} and {@code watch} of one named object (a list or watch
 *       names it with a {@code metadata.name} field selector) that a pod bound to the node uses ({@link
 *       PodSources}), and the Secrets the persistent volumes of its claims name as the kubelet's credentials;
 *       PersistentVolumeClaims: {@code get} of one a pod bound to the node claims (its status:
 *       {@code update}, {@code patch}); PersistentVolumes: {@code get} of one bound to such a claim; service
 *       accounts: {@code create} of the {@code token} of one a pod bound to the node runs as. The graph the real
 *       authorizer keeps (node, pod, secret, …) is walked here from the store at each request.
 *   <li>Leases and CSINodes: {@code get}, {@code create}, {@code update}, {@code patch}, {@code delete} of the
 *       node's own (in {@code kube-node-lease} for a Lease; the name is not checked on create, which NodeRestriction
 *       does).
 *   <li>Nodes, with {@code AuthorizeNodeWithSelectors} (beta and on in 1.32): reads of its own Node only; creates,
 *       updates and patches and its status. Pods: {@code get} of one bound to the node, {@code list} and {@code
 *       watch} with the field selector {@code spec.nodeName=<node>} (or of one such pod by name), {@code create} and
 *       {@code delete} (mirror pods), status updates and evictions.
 *   <li>Anything else: the static {@link #NODE_RULES} ({@code bootstrappolicy.NodeRules()}), which are also the
 *       rules of the {@code system:node} ClusterRole.
 * </ul>
 *
 * A refusal's reason is the authorizer's ("no relationship found between node 'n1' and this object"), which the
 * 403 message carries after RBAC's.
 */
public final class NodeAuthorizer {
  private static final GroupKind POD = GroupKind.of("", "Pod");
  private static final GroupKind PVC = GroupKind.of("", "PersistentVolumeClaim");
  private static final GroupKind PV = GroupKind.of("", "PersistentVolume");

  /** {@code bootstrappolicy.NodeRules()} (Kubernetes 1.32, dynamic resource allocation off): the ClusterRole's rules. */
  public static final String NODE_RULES_JSON = """
      [{"apiGroups":["authentication.k8s.io"],"resources":["tokenreviews"],"verbs":["create"]},
       {"apiGroups":["authorization.k8s.io"],"resources":["localsubjectaccessreviews","subjectaccessreviews"],
        "verbs":["create"]},
       {"apiGroups":[""],"resources":["services"],"verbs":["get","list","watch"]},
       {"apiGroups":[""],"resources":["nodes"],"verbs":["create","get","list","watch"]},
       {"apiGroups":[""],"resources":["nodes/status"],"verbs":["patch","update"]},
       {"apiGroups":[""],"resources":["nodes"],"verbs":["patch","update"]},
       {"apiGroups":["","events.k8s.io"],"resources":["events"],"verbs":["create","patch","update"]},
       {"apiGroups":[""],"resources":["pods"],"verbs":["get","list","watch"]},
       {"apiGroups":[""],"resources":["pods"],"verbs":["create","delete"]},
       {"apiGroups":[""],"resources":["pods/status"],"verbs":["patch","update"]},
       {"apiGroups":[""],"resources":["pods/eviction"],"verbs":["create"]},
       {"apiGroups":[""],"resources":["configmaps","secrets"],"verbs":["get","list","watch"]},
       {"apiGroups":[""],"resources":["persistentvolumeclaims","persistentvolumes"],"verbs":["get"]},
       {"apiGroups":[""],"resources":["endpoints"],"verbs":["get"]},
       {"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests"],
        "verbs":["create","get","list","watch"]},
       {"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["create","delete","get","patch","update"]},
       {"apiGroups":["storage.k8s.io"],"resources":["volumeattachments"],"verbs":["get"]},
       {"apiGroups":[""],"resources":["persistentvolumeclaims/status"],"verbs":["get","patch","update"]},
       {"apiGroups":[""],"resources":["serviceaccounts/token"],"verbs":["create"]},
       {"apiGroups":["storage.k8s.io"],"resources":["csidrivers"],"verbs":["get","list","watch"]},
       {"apiGroups":["storage.k8s.io"],"resources":["csinodes"],"verbs":["create","delete","get","patch","update"]},
       {"apiGroups":["node.k8s.io"],"resources":["runtimeclasses"],"verbs":["get","list","watch"]}]""";

  private static final ImmutableList<PolicyRule> NODE_RULES = rules();

  /** The authorizer's answer: allowed, or no opinion with a reason (empty when it has none to give). */
  record Decision(boolean allowed, String reason) {
    static final Decision ALLOW = new Decision(true, "");
    static final Decision NO_OPINION = new Decision(false, "");

    static Decision noOpinion(String reason) {
      return new Decision(false, reason);
    }
  }

  private final ObjectStore store;

  NodeAuthorizer(ObjectStore store) {
    this.store = store;
  }

  /** Decides {@code request}: no opinion for anyone but a kubelet; call under the server's lock (it reads the store). */
  Decision authorize(RequestInfo request) {
    String node = request.identity().node();
    if (node == null) {
      return Decision.NO_OPINION;
    }
    if (node.isEmpty()) {
      return Decision.noOpinion("unknown node for user \"" + request.identity().name() + "\"");
    }
    String group = request.group();
    String resource = request.resource();
    if (group.isEmpty()) {
      switch (resource) {
        case "secrets":
        case "configmaps":
          return readNamespacedObject(node, request);
        case "persistentvolumeclaims":
          return request.subresource().equals("status") ? claimStatus(node, request) : get(node, request);
        case "persistentvolumes":
          return get(node, request);
        case "pods":
          return pod(node, request);
        case "serviceaccounts":
          return token(node, request);
        case "nodes":
          return nodeObject(node, request);
        default:
          break;
      }
    } else if (group.equals("coordination.k8s.io") && resource.equals("leases")) {
      return own(node, request, "a node lease", "node lease", "kube-node-lease");
    } else if (group.equals("storage.k8s.io") && resource.equals("csinodes")) {
      return own(node, request, "a CSINode", "CSINode", null);
    }
    for (PolicyRule rule : NODE_RULES) {
      if (rule.allows(request.verb().wireName(), group, resource, request.subresource(), request.name())) {
        return Decision.ALLOW;
      }
    }
    return Decision.NO_OPINION;
  }

  /** {@code authorizeReadNamespacedObject}: get, list or watch of one related object, by name. */
  private Decision readNamespacedObject(String node, RequestInfo request) {
    String verb = request.verb().wireName();
    if (!verb.equals("get") && !verb.equals("list") && !verb.equals("watch")) {
      return Decision.noOpinion("can only read resources of this type");
    }
    if (!request.subresource().isEmpty()) {
      return Decision.noOpinion("cannot read subresource");
    }
    if (request.namespace().isEmpty()) {
      return Decision.noOpinion("can only read namespaced object of this type");
    }
    return related(node, request);
  }

  /** {@code authorizeGet}: a get of one related object. */
  private Decision get(String node, RequestInfo request) {
    if (!request.verb().wireName().equals("get")) {
      return Decision.noOpinion("can only get individual resources of this type");
    }
    if (!request.subresource().isEmpty()) {
      return Decision.noOpinion("cannot get subresource");
    }
    return related(node, request);
  }

  /** {@code authorizeStatusUpdate}: an update or patch of a related claim's status. */
  private Decision claimStatus(String node, RequestInfo request) {
    String verb = request.verb().wireName();
    if (!verb.equals("update") && !verb.equals("patch")) {
      return Decision.noOpinion("can only get/update/patch this type");
    }
    return related(node, request);
  }

  /** {@code authorizeCreateToken}: a TokenRequest for a service account a pod bound to the node runs as. */
  private Decision token(String node, RequestInfo request) {
    if (!request.verb().wireName().equals("create") || request.name().isEmpty()) {
      return Decision.noOpinion("can only create tokens for individual service accounts");
    }
    if (!request.subresource().equals("token")) {
      return Decision.noOpinion("can only create token subresource of serviceaccount");
    }
    return related(node, request);
  }

  /** {@code authorizeLease}, {@code authorizeCSINode}: the node's own object; the name is not known on create. */
  private static Decision own(String node, RequestInfo request, String article, String what,
      @Nullable String namespace) {
    String verb = request.verb().wireName();
    if (!verb.equals("get") && !verb.equals("create") && !verb.equals("update") && !verb.equals("patch")
        && !verb.equals("delete")) {
      return Decision.noOpinion("can only get, create, update, patch, or delete " + article);
    }
    if (namespace == null && !request.subresource().isEmpty()) {
      return Decision.noOpinion("cannot authorize CSINode subresources");
    }
    if (namespace != null && !request.namespace().equals(namespace)) {
      return Decision.noOpinion("can only access leases in the \"" + namespace + "\" system namespace");
    }
    if (!verb.equals("create") && !request.name().equals(node)) {
      return Decision.noOpinion("can only access " + what + " with the same name as the requesting node");
    }
    return Decision.ALLOW;
  }

  /** {@code authorizeNode} with selectors: reads of its own Node; writes are NodeRestriction's to limit. */
  private static Decision nodeObject(String node, RequestInfo request) {
    String verb = request.verb().wireName();
    if (request.subresource().isEmpty()) {
      switch (verb) {
        case "create", "update", "patch":
          return Decision.ALLOW;
        case "get", "list", "watch":
          if (request.name().equals(node)) {
            return Decision.ALLOW;
          }
          return Decision.noOpinion(request.name().isEmpty()
              ? "node '" + node + "' cannot read all nodes, only its own Node object"
              : "node '" + node + "' cannot read '" + request.name() + "', only its own Node object");
        default:
          return Decision.NO_OPINION;
      }
    }
    return request.subresource().equals("status") && (verb.equals("update") || verb.equals("patch"))
        ? Decision.ALLOW : Decision.NO_OPINION;
  }

  /** {@code authorizePod} with selectors. */
  private Decision pod(String node, RequestInfo request) {
    String verb = request.verb().wireName();
    switch (request.subresource()) {
      case "":
        switch (verb) {
          case "get":
            return get(node, request);
          case "list", "watch":
            if (node.equals(request.fields().requiredValue("spec.nodeName").orElse(null))) {
              return Decision.ALLOW;
            }
            if (!request.name().isEmpty()) {
              return related(node, request);
            }
            return Decision.noOpinion("can only list/watch pods with spec.nodeName field selector");
          case "create", "delete":
            return Decision.ALLOW;
          default:
            return Decision.NO_OPINION;
        }
      case "status":
        return verb.equals("update") || verb.equals("patch") ? Decision.ALLOW : Decision.NO_OPINION;
      case "eviction":
        return verb.equals("create") ? Decision.ALLOW : Decision.NO_OPINION;
      default:
        return Decision.NO_OPINION;
    }
  }

  /**
   * {@code authorize}/{@code hasPathFrom}: whether the named object leads to the node: a pod bound to it, or a
   * Secret, ConfigMap, claim or service account such a pod uses, or a volume bound to such a claim.
   */
  private Decision related(String node, RequestInfo request) {
    if (request.name().isEmpty()) {
      return Decision.noOpinion("No Object name found");
    }
    return leadsTo(node, request.resource(), request.namespace(), request.name()) ? Decision.ALLOW
        : Decision.noOpinion("no relationship found between node '" + node + "' and this object");
  }

  private boolean leadsTo(String node, String resource, String namespace, String name) {
    KindTable pods = store.table(POD);
    if (resource.equals("persistentvolumes")) {
      Resource volume = store.table(PV).get(new ObjectName("", name));
      JsonNode claim = volume == null ? Json.object() : volume.spec().path("claimRef");
      return !claim.path("name").asText("").isEmpty()
          && leadsTo(node, "persistentvolumeclaims", claim.path("namespace").asText(""), claim.path("name").asText());
    }
    for (Resource pod : pods.indexed(node).values()) {
      if (pod.namespace().equals(namespace) && (resource.equals("pods") ? pod.name().equals(name) : uses(pod, resource, name))) {
        return true;
      }
    }
    if (resource.equals("secrets")) {
      // A persistent volume's credentials, which the kubelet mounting it reads: secret -> volume -> claim -> pod.
      for (Resource volume : store.objects(PV).values()) {
        JsonNode claim = volume.spec().path("claimRef");
        if (!claim.path("name").asText("").isEmpty() && volumeSecrets(volume).contains(namespace + "/" + name)
            && leadsTo(node, "persistentvolumeclaims", claim.path("namespace").asText(""), claim.path("name").asText())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The kubelet's credentials a persistent volume names, {@code namespace/name} ({@code VisitPVSecretNames} with
   * {@code kubeletVisible}): a CSI volume's {@code nodePublishSecretRef}, {@code nodeStageSecretRef} and {@code
   * nodeExpandSecretRef} (not its controller's), the {@code secretRef} of the in-tree plugins and an Azure File
   * volume's {@code secretName}; a reference without a namespace is in the bound claim's.
   */
  private static Set<String> volumeSecrets(Resource volume) {
    JsonNode spec = volume.spec();
    String claimNamespace = spec.path("claimRef").path("namespace").asText("");
    Set<String> out = new LinkedHashSet<>();
    JsonNode azure = spec.path("azureFile");
    if (!azure.path("secretName").asText("").isEmpty()) {
      String namespace = azure.path("secretNamespace").asText("");
      out.add((namespace.isEmpty() ? claimNamespace : namespace) + "/" + azure.path("secretName").asText());
    }
    List<JsonNode> references = new ArrayList<>();
    for (String plugin : PodSources.SECRET_REF_PLUGINS) {
      references.add(spec.path(plugin).path("secretRef"));
    }
    for (String field : new String[] {"nodePublishSecretRef", "nodeStageSecretRef", "nodeExpandSecretRef"}) {
      references.add(spec.path("csi").path(field));
    }
    for (JsonNode ref : references) {
      if (!ref.path("name").asText("").isEmpty()) {
        String namespace = ref.path("namespace").asText("");
        out.add((namespace.isEmpty() ? claimNamespace : namespace) + "/" + ref.path("name").asText());
      }
    }
    return out;
  }

  /** Whether {@code pod} uses the {@code resource} named {@code name} (of its own namespace). */
  private static boolean uses(Resource pod, String resource, String name) {
    JsonNode spec = pod.spec();
    switch (resource) {
      case "serviceaccounts":
        return spec.path("serviceAccountName").asText("default").equals(name);
      case "persistentvolumeclaims":
        for (JsonNode volume : spec.path("volumes")) {
          if (volume.path("persistentVolumeClaim").path("claimName").asText("").equals(name)
              || volume.has("ephemeral") && (pod.name() + "-" + volume.path("name").asText()).equals(name)) {
            return true;
          }
        }
        return false;
      default:
        GroupKind kind = resource.equals("secrets") ? PodSources.SECRET : PodSources.CONFIG_MAP;
        for (PodSources.Source source : PodSources.of(pod)) {
          if (source.kind().equals(kind) && source.name().equals(name)) {
            return true;
          }
        }
        return false;
    }
  }

  private static ImmutableList<PolicyRule> rules() {
    ImmutableList.Builder<PolicyRule> out = ImmutableList.builder();
    for (JsonNode rule : Json.parse(NODE_RULES_JSON)) {
      out.add(PolicyRule.fromJson(rule));
    }
    return out.build();
  }
}
