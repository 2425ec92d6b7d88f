package dev.converge.inmemory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import org.jspecify.annotations.Nullable;

/**
 * What a freshly installed cluster holds before anyone uses it: the system namespaces, the bootstrap RBAC
 * policy that matters here ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}: {@code cluster-admin}
 * bound to {@code system:masters}, and the roles of the controllers this server runs), and the
 * {@code kubernetes} Service in {@code default} (the first service IP). The controllers give each namespace its
 * {@code default} ServiceAccount and {@code kube-root-ca.crt} ConfigMap.
 */
final class Bootstrap {
  private Bootstrap() {}

  static void apply(ApiServer server) {
    Identity admin = Identity.admin();
    server.create(admin, json("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole",
         "metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},
         "rules":[{"apiGroups":["*"],"resources":["*"],"verbs":["*"]},{"nonResourceURLs":["*"],"verbs":["*"]}]}"""));
    server.create(admin, json("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding",
         "metadata":{"name":"cluster-admin","labels":{"kubernetes.io/bootstrapping":"rbac-defaults"}},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"system:masters"}]}"""));
    controllerRole(server, "clusterrole-aggregation-controller",
        "[" + rule("escalate,get,list,patch,update,watch", "rbac.authorization.k8s.io", "clusterroles") + "]");
    controllerRole(server, "generic-garbage-collector",
        "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}]");
    controllerRole(server, "namespace-controller",
        "[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"delete\",\"deletecollection\",\"get\",\"list\"]},"
            + "{\"apiGroups\":[\"\"],\"resources\":[\"namespaces\"],\"verbs\":[\"delete\",\"get\",\"list\",\"watch\"]},"
            + "{\"apiGroups\":[\"\"],\"resources\":[\"namespaces/finalize\",\"namespaces/status\"],\"verbs\":[\"update\"]}]");
    controllerRole(server, "service-account-controller",
        "[" + rule("create", "", "serviceaccounts") + "," + EVENTS + "]");
    controllerRole(server, "root-ca-cert-publisher",
        "[" + rule("create,update", "", "configmaps") + "," + EVENTS + "]");
    // After the controllers' roles: the service account controller and the root CA publisher fill each namespace.
    for (String namespace : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      server.create(admin, json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace + "\"}}"));
    }
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
    userFacingRoles(server);
  }

  /** The bootstrap policy's {@code eventsRule()}. */
  private static final String EVENTS =
      "{\"apiGroups\":[\"\",\"events.k8s.io\"],\"resources\":[\"events\"],\"verbs\":[\"create\",\"update\",\"patch\"]}";
  private static final String READ = "get,list,watch";
  private static final String WRITE = "create,update,patch,delete,deletecollection";
  private static final String READ_WRITE = READ + "," + WRITE;

  /**
   * The bootstrap policy's user-facing roles, as Kubernetes 1.32 has them ({@code bootstrappolicy/policy.go}):
   * {@code system:discovery} and {@code system:public-info-viewer} (non-resource URLs, bound to every
   * authenticated user, the latter to unauthenticated ones too), and the aggregated {@code admin},
   * {@code edit} and {@code view}, whose rules the aggregation controller fills from
   * {@code system:aggregate-to-admin}, {@code -edit} and {@code -view} and from any ClusterRole labelled
   * {@code rbac.authorization.k8s.io/aggregate-to-<role>: "true"} (a CRD's roles, typically). {@code edit} is
   * labelled to aggregate into {@code admin}, {@code view} into {@code edit}.
   */
  private static void userFacingRoles(ApiServer server) {
    clusterRole(server, "system:discovery", "", "", "[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/livez\",\"/readyz\","
        + "\"/healthz\",\"/version\",\"/version/\",\"/openapi\",\"/openapi/*\",\"/api\",\"/api/*\",\"/apis\",\"/apis/*\"]}]");
    clusterRoleBinding(server, "system:discovery", "system:authenticated");
    clusterRole(server, "system:public-info-viewer", "", "", "[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/livez\","
        + "\"/readyz\",\"/healthz\",\"/version\",\"/version/\"]}]");
    clusterRoleBinding(server, "system:public-info-viewer", "system:authenticated", "system:unauthenticated");
    clusterRole(server, "admin", "", "admin", null);
    clusterRole(server, "edit", "admin", "edit", null);
    clusterRole(server, "view", "edit", "view", null);
    clusterRole(server, "system:aggregate-to-admin", "admin", "", "[" + String.join(",",
        rule("create", "authorization.k8s.io", "localsubjectaccessreviews"),
        rule(READ_WRITE, "rbac.authorization.k8s.io", "roles,rolebindings")) + "]");
    clusterRole(server, "system:aggregate-to-edit", "edit", "", "[" + String.join(",",
        rule(READ, "", "pods/attach,pods/proxy,pods/exec,pods/portforward,secrets,services/proxy"),
        rule("impersonate", "", "serviceaccounts"),
        rule(WRITE, "", "pods,pods/attach,pods/proxy,pods/exec,pods/portforward"),
        rule("create", "", "pods/eviction"),
        rule(WRITE, "", "replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/proxy,"
            + "persistentvolumeclaims,configmaps,secrets,events"),
        rule("create", "", "serviceaccounts/token"),
        rule(WRITE, "apps", "statefulsets,statefulsets/scale,daemonsets,deployments,deployments/scale,"
            + "deployments/rollback,replicasets,replicasets/scale"),
        rule(WRITE, "autoscaling", "horizontalpodautoscalers"),
        rule(WRITE, "batch", "jobs,cronjobs"),
        rule(WRITE, "extensions", "daemonsets,deployments,deployments/scale,deployments/rollback,ingresses,replicasets,"
            + "replicasets/scale,replicationcontrollers/scale,networkpolicies"),
        rule(WRITE, "policy", "poddisruptionbudgets"),
        rule(WRITE, "networking.k8s.io", "networkpolicies,ingresses"),
        rule(READ_WRITE, "coordination.k8s.io", "leases")) + "]");
    clusterRole(server, "system:aggregate-to-view", "view", "", "[" + String.join(",",
        rule(READ, "", "pods,replicationcontrollers,replicationcontrollers/scale,serviceaccounts,services,services/status,"
            + "endpoints,persistentvolumeclaims,persistentvolumeclaims/status,configmaps"),
        rule(READ, "", "limitranges,resourcequotas,bindings,events,pods/status,resourcequotas/status,namespaces/status,"
            + "replicationcontrollers/status,pods/log"),
        rule(READ, "", "namespaces"),
        rule(READ, "discovery.k8s.io", "endpointslices"),
        rule(READ, "apps", "controllerrevisions,statefulsets,statefulsets/status,statefulsets/scale,daemonsets,"
            + "daemonsets/status,deployments,deployments/status,deployments/scale,replicasets,replicasets/status,"
            + "replicasets/scale"),
        rule(READ, "autoscaling", "horizontalpodautoscalers,horizontalpodautoscalers/status"),
        rule(READ, "batch", "jobs,cronjobs,cronjobs/status,jobs/status"),
        rule(READ, "extensions", "daemonsets,daemonsets/status,deployments,deployments/scale,deployments/status,"
            + "ingresses,ingresses/status,replicasets,replicasets/scale,replicasets/status,replicationcontrollers/scale,"
            + "networkpolicies"),
        rule(READ, "policy", "poddisruptionbudgets,poddisruptionbudgets/status"),
        rule(READ, "networking.k8s.io", "networkpolicies,ingresses,ingresses/status")) + "]");
  }

  /**
   * A bootstrap ClusterRole: labelled to aggregate into {@code aggregateTo} and aggregating
   * {@code aggregateFrom} (either may be empty), with {@code rules} (JSON) unless it aggregates.
   */
  private static void clusterRole(ApiServer server, String name, String aggregateTo, String aggregateFrom,
      @Nullable String rules) {
    ObjectNode role = Json.object();
    role.put("apiVersion", "rbac.authorization.k8s.io/v1");
    role.put("kind", "ClusterRole");
    ObjectNode metadata = role.putObject("metadata");
    metadata.put("name", name);
    ObjectNode labels = metadata.putObject("labels");
    labels.put("kubernetes.io/bootstrapping", "rbac-defaults");
    if (!aggregateTo.isEmpty()) {
      labels.put("rbac.authorization.k8s.io/aggregate-to-" + aggregateTo, "true");
    }
    metadata.putObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
    if (!aggregateFrom.isEmpty()) {
      role.putObject("aggregationRule").putArray("clusterRoleSelectors").addObject().putObject("matchLabels")
          .put("rbac.authorization.k8s.io/aggregate-to-" + aggregateFrom, "true");
    }
    if (rules != null) {
      role.set("rules", Json.parse(rules));
    }
    server.create(Identity.admin(), Resource.of(role));
  }

  private static void clusterRoleBinding(ApiServer server, String name, String... groups) {
    ObjectNode binding = Json.object();
    binding.put("apiVersion", "rbac.authorization.k8s.io/v1");
    binding.put("kind", "ClusterRoleBinding");
    ObjectNode metadata = binding.putObject("metadata");
    metadata.put("name", name);
    metadata.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
    metadata.putObject("annotations").put("rbac.authorization.kubernetes.io/autoupdate", "true");
    ObjectNode roleRef = binding.putObject("roleRef");
    roleRef.put("apiGroup", "rbac.authorization.k8s.io");
    roleRef.put("kind", "ClusterRole");
    roleRef.put("name", name);
    ArrayNode subjects = binding.putArray("subjects");
    for (String group : groups) {
      subjects.addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Group").put("name", group);
    }
    server.create(Identity.admin(), Resource.of(binding));
  }

  /** One PolicyRule as JSON: comma-separated verbs and resources of one API group. */
  private static String rule(String verbs, String group, String resources) {
    ObjectNode rule = Json.object();
    ArrayNode verbList = rule.putArray("verbs");
    for (String verb : verbs.split(",")) {
      verbList.add(verb);
    }
    rule.putArray("apiGroups").add(group);
    ArrayNode resourceList = rule.putArray("resources");
    for (String resource : resources.split(",")) {
      resourceList.add(resource);
    }
    return rule.toString();
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
