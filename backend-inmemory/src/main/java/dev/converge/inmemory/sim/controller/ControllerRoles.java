package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.util.List;
import java.util.Map;

/**
 * The bootstrap ClusterRoles {@code system:controller:<account>} of the kube-controller-manager controllers this
 * simulation runs, each bound to the service account {@code kube-system/<account>}: what kube-controller-manager
 * acts as with {@code --use-service-account-credentials} ({@link KubeControllerManager.Credentials#SERVICE_ACCOUNTS}).
 * The rules are those of {@code buildControllerRoles} (k8s.io/kubernetes {@code
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/controller_policy.go}), each role with its {@code eventsRule}
 * where it has one; the garbage collector's and the namespace controller's roles are part of every in-memory
 * cluster already.
 */
public final class ControllerRoles {
  public static final String CRON_JOB = "cronjob-controller";
  public static final String DAEMON_SET = "daemon-set-controller";
  public static final String REPLICA_SET = "replicaset-controller";
  public static final String DEPLOYMENT = "deployment-controller";
  public static final String STATEFUL_SET = "statefulset-controller";
  public static final String DISRUPTION = "disruption-controller";
  public static final String ENDPOINT = "endpoint-controller";
  public static final String ENDPOINT_SLICE = "endpointslice-controller";
  public static final String JOB = "job-controller";
  public static final String TTL_AFTER_FINISHED = "ttl-after-finished-controller";
  /** The node lifecycle controller's account, which the taint eviction controller uses too. */
  public static final String NODE = "node-controller";
  public static final String POD_GC = "pod-garbage-collector";

  private static final String CORE = "";
  private static final String APPS = "apps";
  private static final String EXTENSIONS = "extensions";
  private static final String POLICY = "policy";
  private static final String BATCH = "batch";

  /** One rule: verbs on resources of API groups. */
  private record Rule(List<String> verbs, List<String> groups, List<String> resources) {}

  private static Rule rule(String verbs, List<String> groups, String resources) {
    return new Rule(List.of(verbs.split(",")), groups, List.of(resources.split(",")));
  }

  private static final Rule EVENTS = rule("create,update,patch", List.of(CORE, "events.k8s.io"), "events");

  /** The roles' rules by account, in controller_policy.go's order. */
  private static final ImmutableMap<String, ImmutableList<Rule>> RULES = ImmutableMap.<String, ImmutableList<Rule>>builder()
      .put(CRON_JOB, ImmutableList.of(
          rule("get,list,watch,update", List.of(BATCH), "cronjobs"),
          rule("get,list,watch,create,update,delete,patch", List.of(BATCH), "jobs"),
          rule("update", List.of(BATCH), "cronjobs/status"),
          rule("update", List.of(BATCH), "cronjobs/finalizers"),
          rule("list,delete", List.of(CORE), "pods"),
          EVENTS))
      .put(DAEMON_SET, ImmutableList.of(
          rule("get,list,watch", List.of(EXTENSIONS, APPS), "daemonsets"),
          rule("update", List.of(EXTENSIONS, APPS), "daemonsets/status"),
          rule("update", List.of(EXTENSIONS, APPS), "daemonsets/finalizers"),
          rule("list,watch", List.of(CORE), "nodes"),
          rule("list,watch,create,delete,patch", List.of(CORE), "pods"),
          rule("create", List.of(CORE), "pods/binding"),
          rule("get,list,watch,create,delete,update,patch", List.of(APPS), "controllerrevisions"),
          EVENTS))
      .put(DEPLOYMENT, ImmutableList.of(
          rule("get,list,watch,update", List.of(EXTENSIONS, APPS), "deployments"),
          rule("update", List.of(EXTENSIONS, APPS), "deployments/status"),
          rule("update", List.of(EXTENSIONS, APPS), "deployments/finalizers"),
          rule("get,list,watch,create,update,patch,delete", List.of(APPS, EXTENSIONS), "replicasets"),
          rule("get,list,watch,update", List.of(CORE), "pods"),
          EVENTS))
      .put(DISRUPTION, ImmutableList.of(
          rule("get,list,watch", List.of(EXTENSIONS, APPS), "deployments"),
          rule("get,list,watch", List.of(APPS, EXTENSIONS), "replicasets"),
          rule("get,list,watch", List.of(CORE), "replicationcontrollers"),
          rule("get,list,watch", List.of(POLICY), "poddisruptionbudgets"),
          rule("get,list,watch", List.of(APPS), "statefulsets"),
          rule("update", List.of(POLICY), "poddisruptionbudgets/status"),
          rule("patch,update", List.of(CORE), "pods/status"),
          rule("get", List.of("*"), "*/scale"),
          EVENTS))
      .put(ENDPOINT, ImmutableList.of(
          rule("get,list,watch", List.of(CORE), "services,pods"),
          rule("get,list,watch,create,update,delete", List.of(CORE), "endpoints"),
          rule("create", List.of(CORE), "endpoints/restricted"),
          EVENTS))
      .put(ENDPOINT_SLICE, ImmutableList.of(
          rule("get,list,watch", List.of(CORE), "services,pods,nodes"),
          // blockOwnerDeletion on the slices' owner reference needs update on the Service's finalizers.
          rule("update", List.of(CORE), "services/finalizers"),
          rule("get,list,watch,create,update,delete", List.of("discovery.k8s.io"), "endpointslices"),
          EVENTS))
      .put(JOB, ImmutableList.of(
          rule("get,list,watch,update,patch", List.of(BATCH), "jobs"),
          rule("update", List.of(BATCH), "jobs/status"),
          rule("update", List.of(BATCH), "jobs/finalizers"),
          rule("list,watch,create,delete,patch", List.of(CORE), "pods"),
          EVENTS))
      .put(NODE, ImmutableList.of(
          rule("get,list,watch,update,delete,patch", List.of(CORE), "nodes"),
          rule("patch,update", List.of(CORE), "nodes/status"),
          rule("patch,update", List.of(CORE), "pods/status"),
          rule("list,watch,get,delete", List.of(CORE), "pods"),
          EVENTS))
      .put(POD_GC, ImmutableList.of(
          rule("list,watch,delete", List.of(CORE), "pods"),
          rule("get,list,watch", List.of(CORE), "nodes"),
          rule("patch", List.of(CORE), "pods/status")))
      .put(REPLICA_SET, ImmutableList.of(
          rule("get,list,watch,update", List.of(APPS, EXTENSIONS), "replicasets"),
          rule("update", List.of(APPS, EXTENSIONS), "replicasets/status"),
          rule("update", List.of(APPS, EXTENSIONS), "replicasets/finalizers"),
          rule("list,watch,patch,create,delete", List.of(CORE), "pods"),
          EVENTS))
      .put(STATEFUL_SET, ImmutableList.of(
          rule("list,watch", List.of(CORE), "pods"),
          rule("get,list,watch", List.of(APPS), "statefulsets"),
          rule("update", List.of(APPS), "statefulsets/status"),
          rule("update", List.of(APPS), "statefulsets/finalizers"),
          rule("get,create,delete,update,patch", List.of(CORE), "pods"),
          rule("get,create,delete,update,patch,list,watch", List.of(APPS), "controllerrevisions"),
          rule("get,create,list,watch", List.of(CORE), "persistentvolumeclaims"),
          rule("update,delete", List.of(CORE), "persistentvolumeclaims"),
          rule("update", List.of(CORE), "pods/finalizers"),
          EVENTS))
      .put(TTL_AFTER_FINISHED, ImmutableList.of(
          rule("delete,get,list,watch", List.of(BATCH), "jobs"),
          EVENTS))
      .build();

  private ControllerRoles() {}

  /** The accounts with a role here, in the order {@link #install} creates them. */
  public static ImmutableList<String> accounts() {
    return RULES.keySet().asList();
  }

  /** {@code system:serviceaccount:kube-system:<account>}. */
  public static Identity serviceAccount(String account) {
    return Identity.serviceAccount("kube-system", account);
  }

  /**
   * Creates each role and its binding to {@code kube-system/<account>}, as the RBAC bootstrap does, and the
   * service accounts, which kube-controller-manager's {@code SAControllerClientBuilder} creates when missing.
   */
  public static void install(ApiServer server) {
    Identity admin = Identity.admin();
    for (Map.Entry<String, ImmutableList<Rule>> entry : RULES.entrySet()) {
      ObjectNode account = Json.object();
      account.put("apiVersion", "v1").put("kind", "ServiceAccount");
      account.putObject("metadata").put("name", entry.getKey()).put("namespace", "kube-system");
      server.create(admin, Resource.of(account));
      String name = "system:controller:" + entry.getKey();
      ObjectNode role = header("ClusterRole", name);
      ArrayNode rules = role.putArray("rules");
      for (Rule rule : entry.getValue()) {
        ObjectNode out = rules.addObject();
        rule.verbs().forEach(out.putArray("verbs")::add);
        rule.groups().forEach(out.putArray("apiGroups")::add);
        rule.resources().forEach(out.putArray("resources")::add);
      }
      server.create(admin, Resource.of(role));
      ObjectNode binding = header("ClusterRoleBinding", name);
      binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole")
          .put("name", name);
      binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", entry.getKey())
          .put("namespace", "kube-system");
      server.create(admin, Resource.of(binding));
    }
  }

  private static ObjectNode header(String kind, String name) {
    ObjectNode object = Json.object();
    object.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
    object.putObject("metadata").put("name", name).putObject("labels")
        .put("kubernetes.io/bootstrapping", "rbac-defaults");
    return object;
  }
}
