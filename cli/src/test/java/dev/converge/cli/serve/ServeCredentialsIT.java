package dev.converge.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.sim.controller.KubeControllerManager.Credentials;
import dev.converge.testkit.Kubectl;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge serve --use-service-account-credentials} seen through the machine's kubectl: the controllers'
 * service accounts and bootstrap roles are there, {@code auth can-i --as} answers by them, and a DaemonSet applied with kubectl rolls out with its pods
 * created by {@code daemon-set-controller}'s account. Skipped, with a message, where kubectl is absent.
 */
class ServeCredentialsIT {
  private static final String DAEMON_SETS = "system:serviceaccount:kube-system:daemon-set-controller";
  @TempDir Path dir;
  private ConvergeServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void controllersActAsTheirServiceAccounts_underTheirBootstrapRoles() throws Exception {
    assumeTrue(Kubectl.available(), "kubectl is not on the PATH: skipping");
    Path kubeconfig = dir.resolve("converge.kubeconfig");
    server = ConvergeServer.start(2, List.of(), 0, kubeconfig, 5, List.of(), List.of(), Credentials.SERVICE_ACCOUNTS);
    Kubectl kubectl = Kubectl.of(kubeconfig, dir);

    assertThat(kubectl.run("get", "serviceaccount", "-n", "kube-system", "daemon-set-controller", "-o",
        "jsonpath={.metadata.name}").out()).isEqualTo("daemon-set-controller");
    assertThat(kubectl.run("get", "clusterrolebinding", "system:controller:daemon-set-controller", "-o",
        "jsonpath={.subjects[0].namespace}/{.subjects[0].name}").out()).isEqualTo("kube-system/daemon-set-controller");
    assertThat(kubectl.run("get", "clusterrole", "system:controller:daemon-set-controller", "-o",
        "jsonpath={.rules[4].resources[0]}:{.rules[4].verbs}").out())
        .isEqualTo("pods:[\"list\",\"watch\",\"create\",\"delete\",\"patch\"]");
    // kubectl auth can-i --as: the RBAC authorizer answers for the account as for the controller's requests.
    assertThat(kubectl.run("auth", "can-i", "create", "pods", "--as", DAEMON_SETS).out()).isEqualTo("yes\n");
    assertThat(kubectl.run("auth", "can-i", "update", "pods", "--as", DAEMON_SETS).out()).isEqualTo("no\n");

    // The served cluster keeps counts, not records: the records from here on are collected as they come.
    List<RequestRecord> records = new CopyOnWriteArrayList<>();
    server.simulation().cluster().requests().subscribe(records::add);
    Path daemonSet = KubectlIT.agentDaemonSet(dir);
    assertThat(kubectl.run("apply", "-f", daemonSet.toString()).out()).isEqualTo("daemonset.apps/agent created\n");
    assertThat(kubectl.run("rollout", "status", "daemonset/agent", "--timeout=60s").out())
        .contains("successfully rolled out");
    assertThat(records)
        .filteredOn(r -> r.verb().equals("create") && r.resource().equals("pods") && r.subresource().isEmpty())
        .extracting(r -> r.identity() + " " + r.code()).containsExactly(DAEMON_SETS + " 201", DAEMON_SETS + " 201");
    assertThat(records).noneMatch(r -> r.code() == 403);
  }
}
