package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.controller.ControllerRoles;
import dev.converge.inmemory.sim.controller.KubeControllerManager;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager with {@code --use-service-account-credentials}: each controller writes as its service
 * account in {@code kube-system}, and every request it makes is one its bootstrap role
 * ({@code system:controller:<account>}) allows; the shared informers keep the manager's own identity. The same
 * workload makes the same requests with either credentials, only under other names.
 */
class ControllerCredentialsScenarioTest {
  private static final String KCM = KubeControllerManager.IDENTITY.name();

  private static Simulation start(Credentials credentials) {
    return Simulation.builder().seed(9).kubelet(fixedKubelet()).pool(NodePool.plain(3))
        .controllerCredentials(credentials).build().start();
  }

  private static String account(String name) {
    return ControllerRoles.serviceAccount(name).name();
  }

  /**
   * A workload that puts every modelled controller to work: a DaemonSet, a Deployment rolled to a new image, a
   * StatefulSet with a claim template, a budget and a Service over the Deployment's pods, a Job deleted a minute
   * after it completes, a CronJob every five minutes keeping one finished Job; then a node that stops
   * (NotReady, tainted, its pods evicted after their 300 s toleration) and is deleted (its pods collected).
   */
  private static void run(Simulation sim) {
    sim.create(daemonSet("agent", "", ""));
    sim.create(deployment("web", 3, "nginx:1.27"));
    sim.create("""
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"default"},
         "spec":{"replicas":2,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
                 "template":{"metadata":{"labels":{"app":"db"}},
                             "spec":{"containers":[{"name":"main","image":"postgres:17",
                                                    "volumeMounts":[{"name":"data","mountPath":"/data"}]}]}},
                 "volumeClaimTemplates":[{"metadata":{"name":"data"},
                   "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}""");
    sim.create("""
        {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},"minAvailable":2}}""");
    sim.create("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}""");
    sim.create("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"migrate","namespace":"default"},
         "spec":{"ttlSecondsAfterFinished":60,"template":{
           "metadata":{"annotations":{"sim.converge.dev/run-for":"10s"}},
           "spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"migrate:1"}]}}}}""");
    sim.create("""
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"report","namespace":"default"},
         "spec":{"schedule":"*/5 * * * *","successfulJobsHistoryLimit":1,"jobTemplate":{"spec":{"template":{
           "metadata":{"annotations":{"sim.converge.dev/run-for":"10s"}},
           "spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"report:1"}]}}}}}}""");
    sim.runFor(Duration.ofMinutes(2));
    Resource web = SimTesting.get(sim, SimTesting.DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), web.edit(tree -> ((ObjectNode) tree.at("/spec/template/spec/containers/0"))
        .put("image", "nginx:1.28")));
    sim.runFor(Duration.ofMinutes(2));
    sim.nodes().fail("node-1");
    sim.runFor(Duration.ofMinutes(7));
    sim.server().delete(Identity.admin(), ResourceKey.cluster("", "Node", "node-1"), DeleteParams.defaults());
    sim.runFor(Duration.ofMinutes(2));
  }

  /** Each identity's requests as "verb resource[/subresource]", sorted. */
  private static Map<String, Set<String>> requestsByIdentity(Simulation sim) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      out.computeIfAbsent(r.identity(), k -> new TreeSet<>())
          .add(r.verb() + " " + r.resource() + (r.subresource().isEmpty() ? "" : "/" + r.subresource()));
    }
    return out;
  }

  /** How many requests of each verb, resource, subresource and code were made, whoever made them. */
  private static Map<String, Long> requestsByKind(Simulation sim) {
    Map<String, Long> out = new TreeMap<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      out.merge(r.verb() + " " + r.resource() + "/" + r.subresource() + " " + r.code(), 1L, Long::sum);
    }
    return out;
  }

  @Test
  void serviceAccountCredentials_eachControllerActsAsItsAccount_withinItsBootstrapRole() {
    Simulation sim = start(Credentials.SERVICE_ACCOUNTS);
    run(sim);

    assertThat(sim.cluster().requests().count(r -> r.code() == 403)).isZero();
    Map<String, Set<String>> byIdentity = requestsByIdentity(sim);
    // The shared informers list and watch as the manager; every write is a controller's.
    assertThat(byIdentity.get(KCM)).isNotEmpty().allMatch(r -> r.startsWith("list ") || r.startsWith("watch "));
    assertThat(byIdentity.get(account(ControllerRoles.DAEMON_SET)))
        .contains("create pods", "create controllerrevisions", "update daemonsets/status", "create events");
    assertThat(byIdentity.get(account(ControllerRoles.DEPLOYMENT)))
        .contains("create replicasets", "update replicasets", "update deployments/status");
    assertThat(byIdentity.get(account(ControllerRoles.REPLICA_SET)))
        .contains("create pods", "delete pods", "update replicasets/status");
    assertThat(byIdentity.get(account(ControllerRoles.STATEFUL_SET)))
        .contains("create pods", "create persistentvolumeclaims", "update statefulsets/status");
    assertThat(byIdentity.get(account(ControllerRoles.DISRUPTION))).contains("update poddisruptionbudgets/status");
    assertThat(byIdentity.get(account(ControllerRoles.ENDPOINT))).contains("create endpoints", "update endpoints");
    // Node lifecycle (status, taints) and taint eviction (the web pods on the stopped node) share one account.
    assertThat(byIdentity.get(account(ControllerRoles.NODE))).contains("delete pods");
    assertThat(byIdentity.get(account(ControllerRoles.NODE))).anyMatch(r -> r.endsWith(" nodes/status"));
    assertThat(byIdentity.get(account(ControllerRoles.POD_GC))).contains("delete pods");
    assertThat(byIdentity.get(account(ControllerRoles.JOB)))
        .contains("create pods", "patch pods", "update jobs/status", "create events");
    assertThat(byIdentity.get(account(ControllerRoles.TTL_AFTER_FINISHED))).contains("get jobs", "delete jobs");
    assertThat(byIdentity.get(account(ControllerRoles.CRON_JOB)))
        .contains("create jobs", "delete jobs", "update cronjobs/status", "create events");
    assertThat(podsOf(sim, "DaemonSet", "agent")).extracting(p -> p.spec().path("nodeName").asText())
        .containsExactlyInAnyOrder("node-0", "node-2");
  }

  @Test
  void theCredentials_changeWhoMakesEachRequest_notWhichRequestsAreMade() {
    Simulation shared = start(Credentials.SHARED);
    run(shared);
    Simulation accounts = start(Credentials.SERVICE_ACCOUNTS);
    run(accounts);

    assertThat(requestsByKind(accounts)).isEqualTo(requestsByKind(shared));
    assertThat(requestsByIdentity(shared).keySet()).noneMatch(i -> i.startsWith("system:serviceaccount:kube-system:")
        && ControllerRoles.accounts().contains(i.substring(i.lastIndexOf(':') + 1)));
    assertThat(requestsByIdentity(accounts).keySet()).containsAll(
        ControllerRoles.accounts().stream().map(ControllerCredentialsScenarioTest::account).toList());
  }

  @Test
  void aControllerWithoutItsBinding_isForbidden_untilTheBindingIsBack() {
    Simulation sim = start(Credentials.SERVICE_ACCOUNTS);
    String role = "system:controller:" + ControllerRoles.DAEMON_SET;
    ResourceKey binding = ResourceKey.cluster("rbac.authorization.k8s.io", "ClusterRoleBinding", role);
    sim.server().delete(Identity.admin(), binding, DeleteParams.defaults());
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(1));

    String daemonSets = account(ControllerRoles.DAEMON_SET);
    // Its sync stops at its first write, the ControllerRevision of the template (constructHistory), and is retried
    // with the queue's backoff.
    assertThat(sim.cluster().requests().count(r -> r.identity().equals(daemonSets) && r.code() == 403
        && r.verb().equals("create") && r.resource().equals("controllerrevisions"))).isGreaterThan(3);
    assertThat(sim.cluster().requests().count(r -> r.identity().equals(daemonSets) && r.code() != 403)).isZero();
    assertThat(podsOf(sim, "DaemonSet", "agent")).isEmpty();

    sim.create("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"%s"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},
         "subjects":[{"kind":"ServiceAccount","name":"%s","namespace":"kube-system"}]}"""
        .formatted(role, role, ControllerRoles.DAEMON_SET));
    sim.runFor(Duration.ofMinutes(20));
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(3);
  }
}
