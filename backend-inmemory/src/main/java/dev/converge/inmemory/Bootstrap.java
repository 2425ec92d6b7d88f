package dev.converge.inmemory;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;

/**
 * What a freshly installed cluster holds before anyone uses it: the system namespaces, the bootstrap RBAC
 * policy that matters here ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}: {@code cluster-admin}
 * bound to {@code system:masters}, and the roles of the controllers this server runs), and the
 * {@code kubernetes} Service in {@code default} (the first service IP).
 */
final class Bootstrap {
  private Bootstrap() {}

  static void apply(ApiServer server) {
    Identity admin = Identity.admin();
    for (String namespace : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      server.create(admin, json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace + "\"}}"));
    }
    server.create(admin, json("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
         "metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},
         "rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"nonResourceURLs":["*"],"verbs":["*"]}]}"""));
    server.create(admin, json("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
         "metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:masters"}]}"""));
    controllerRole(server, "generic-garbage-collector",
        "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}]");
    controllerRole(server, "namespace-controller",
        "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"delete\",\"deletecollection\",\"get\",\"list\"]},"
            + "{\"apiGroups\":[\"\"],\"resources\":[\"namespaces\"],\"verbs\":[\"delete\",\"get\",\"list\",\"watch\"]},"
            + "{\"apiGroups\":[\"\"],\"resources\":[\"namespaces/finalize\",\"namespaces/status\"],\"verbs\":[\"update\"]}]");
    server.create(admin, json("""
        {"apiVersion":"v1","kind":"Service",
         "metadata":{"name":"kubernetes","namespace":"default",
                     "labels":{"component":"apiserver","provider":"kubernetes"}},
         "spec":{"ports":[{"name":"https","port":443,"targetPort":6443}]}}"""));
    // The bootstrap policy's system:basic-user (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy):
    // every authenticated user may ask what it may do (kubectl auth can-i) and who it is (kubectl auth whoami).
    server.create(admin, json("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
         "metadata":{"name":"system:basic-user","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"},
                     "annotations":{"rbac.authorization.kubernetes.io/autoupdate":"true"}},
         "rules":[{"apiGroups":["authorization.k8s.io"],"resources":["selfsubjectaccessreviews","selfsubjectrulesreviews"],
                   "verbs":["create"]},
                  {"apiGroups":["authentication.k8s.io"],"resources":["selfsubjectreviews"],"verbs":["create"]}]}"""));
    server.create(admin, json("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
         "metadata":{"name":"system:basic-user","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"},
                     "annotations":{"rbac.authorization.kubernetes.io/autoupdate":"true"}},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"system:basic-user"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:authenticated"}]}"""));
  }

  private static void controllerRole(ApiServer server, String controller, String rules) {
    Identity admin = Identity.admin();
    String role = "system:controller:" + controller;
    server.create(admin, json("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\","
        + "\"metadata\":{\"name\":\"" + role + "\",\"labels\":{\"kubernetes.io/bootstrapping\":\"rbac-defaults\"}},"
        + "\"rules\":" + rules + "}"));
    server.create(admin, json("{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRoleBinding\","
        + "\"metadata\":{\"name\":\"" + role + "\",\"labels\":{\"kubernetes.io/bootstrapping\":\"rbac-defaults\"}},"
        + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"" + role + "\"},"
        + "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"" + controller + "\",\"namespace\":\"kube-system\"}]}"));
  }

  private static Resource json(String text) {
    return Resource.of(Json.parse(text));
  }
}
