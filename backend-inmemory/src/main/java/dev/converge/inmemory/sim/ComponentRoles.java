package dev.converge.inmemory.sim;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.NodeAuthorizer;
import org.jspecify.annotations.Nullable;

/**
 * The RBAC the simulated components need, created at start as a cluster's bootstrap policy would have it
 * ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}): {@code system:kube-scheduler} and
 * {@code system:kube-controller-manager} bound to their users, {@code system:node} bound to no one (kubelets
 * are authorized by the API server's {@link NodeAuthorizer}, whose static rules the role holds), and {@code
 * system:cloud-controller-manager}. kube-controller-manager's role
 * is the union of its controllers' roles, which comes to every resource, as the simulation runs all controllers
 * as that identity unless they use their service accounts ({@link
 * dev.converge.inmemory.sim.controller.ControllerRoles}).
 */
final class ComponentRoles {
  private ComponentRoles() {}

  static void install(ApiServer server) {
    role(server, "system:kube-controller-manager", "User", "system:kube-controller-manager",
        "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]");
    role(server, "system:kube-scheduler", "User", "system:kube-scheduler", """
        [{"apiGroups":[""],"resources":["pods"],"verbs":["delete","get","list","patch","update","watch"]},
         {"apiGroups":[""],"resources":["pods/binding","bindings"],"verbs":["create"]},
         {"apiGroups":[""],"resources":["pods/status"],"verbs":["patch","update"]},
         {"apiGroups":[""],"resources":["nodes","namespaces","services","persistentvolumeclaims","persistentvolumes"],
          "verbs":["get","list","watch"]},
         {"apiGroups":["","events.k8s.io"],"resources":["events"],"verbs":["create","patch","update"]},
         {"apiGroups":["coordination.k8s.io"],"resources":["leases"],"verbs":["create","get","update"]}]""");
    // The Node authorizer (NodeAuthorizer) authorizes kubelets; the bootstrap policy still makes the system:node
    // ClusterRole with its rules, and a binding of it that has no subjects (since Kubernetes 1.8).
    role(server, "system:node", null, null, NodeAuthorizer.NODE_RULES_JSON);
    role(server, "system:cloud-controller-manager", "User", "system:cloud-controller-manager", """
        [{"apiGroups":[""],"resources":["nodes"],"verbs":["delete","get","list","patch","update","watch"]},
         {"apiGroups":[""],"resources":["nodes/status"],"verbs":["patch","update"]}]""");
  }

  /**
   * The bootstrap {@code system:node-proxier} ClusterRole and its binding to the user {@code system:kube-proxy}
   * ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}), for simulated kube-proxies.
   */
  static void installNodeProxier(ApiServer server) {
    role(server, "system:node-proxier", "User", "system:kube-proxy", """
        [{"apiGroups":[""],"resources":["endpoints","services"],"verbs":["list","watch"]},
         {"apiGroups":[""],"resources":["nodes"],"verbs":["get","list","watch"]},
         {"apiGroups":["","events.k8s.io"],"resources":["events"],"verbs":["create","patch","update"]},
         {"apiGroups":["discovery.k8s.io"],"resources":["endpointslices"],"verbs":["list","watch"]}]""");
  }

  /** A ClusterRole and its ClusterRoleBinding to one subject, or to none when {@code subjectKind} is null. */
  private static void role(ApiServer server, String name, @Nullable String subjectKind, @Nullable String subject,
      String rules) {
    Identity admin = Identity.admin();
    server.create(admin, Resource.of(Json.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\","
        + "\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{\"kubernetes.io/bootstrapping\":"
        + "\"rbac-defaults\"}},\"rules\":" + rules + "}")));
    String apiGroup = "ServiceAccount".equals(subjectKind) ? "" : ",\"apiGroup\":\"rbac.authorization.k8s.io\"";
    String subjects = subjectKind == null ? "" : ",\"subjects\":[{\"kind\":\"" + subjectKind + "\",\"name\":\""
        + subject + "\"" + apiGroup + "}]";
    server.create(admin, Resource.of(Json.parse("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\","
        + "\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":"
        + "{\"kubernetes.io/bootstrapping\":\"rbac-defaults\"}},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
        + "\"kind\":\"ClusterRole\",\"name\":\"" + name + "\"}" + subjects + "}")));
  }
}
