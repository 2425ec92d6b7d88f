package dev.converge.examples.datadog.cluster;

import static dev.converge.examples.datadog.cluster.OperatorOnCluster.describe;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Outcome;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.core.drive.SimulatedDriver;
import dev.converge.core.loop.PassResult;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.status.AgentStatusCalculator;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The real Datadog Operator's known pitfalls, shown absent with the real {@code ControlLoop} on an in-memory
 * cluster: the operator installed from {@code OperatorInstall}'s graph and running as its own ServiceAccount,
 * so RBAC and the escalation check apply to every write ({@link OperatorOnCluster}). Every claim is read from
 * the server's request log or its live objects.
 *
 * <ul>
 *   <li>No update loop: once converged, a pass — and an hour of watch events and resyncs — makes no mutating
 *       request at all.
 *   <li>Two DatadogAgents in one namespace never delete each other's objects, over many passes and a feature
 *       switched off in one of them.
 *   <li>Status comes from the live objects, not from what the pass just wrote.
 *   <li>Editing a label on the DatadogAgent rolls out: the DaemonSet's pod template changes.
 *   <li>Deleting the DatadogAgent removes the webhook configuration first, then everything else, cluster-scoped
 *       objects included, then the finalizer.
 *   <li>An invalid spec changes nothing in the cluster and sets {@code DatadogAgentReconcileError=True} with the
 *       message.
 *   <li>No feature fails on RBAC escalation: every rule the operator grants, it holds.
 * </ul>
 */
class OperatorPitfallsTest {
  private static final String OPERATOR = OperatorOnCluster.OPERATOR.name();

  private static List<String> mutating(List<RequestRecord> requests) {
    return requests.stream().filter(RequestRecord::mutating).map(r -> r.identity() + " " + describe(r)).toList();
  }

  private static JsonNode condition(Resource dda, String type) {
    for (JsonNode condition : dda.status().path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    throw new AssertionError("no condition " + type + " in " + Json.write(dda.status()));
  }

  // ------------------------------------------------------------------ no update loop

  @Test
  void convergedPass_makesNoMutatingRequest() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey dda = on.createSharedExamples();
    List<PassResult> passes = on.converge(dda);
    assertThat(passes).extracting(PassResult::toString).containsExactly(
        "progressing writes=16 status=written requeue=after 5000ms",
        "converged writes=1 requeue=none",
        "converged writes=0 requeue=none");
    for (int i = 0; i < 5; i++) {
      long mark = on.cluster.requests().mark();
      assertThat(on.pass(dda).writes()).isZero();
      assertThat(mutating(on.since(mark))).as("pass %s", i).isEmpty();
    }
  }

  @Test
  void anHourOfEventsAndResyncs_writesNothingOnceConverged() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey dda = on.createSharedExamples();
    SimulatedDriver driver = SimulatedDriver.builder(on.loop, on.clock).build();
    driver.start();
    on.clock.runFor(Duration.ofSeconds(1));
    long converged = on.cluster.requests().mark();
    on.clock.runFor(Duration.ofHours(1));
    driver.stop();
    String key = dda.toString();
    // Passes at t=0 come from the watch events of the first pass's own writes (the stand-in controllers'
    // status updates included); after that only the gate's recheck and the 10-minute resyncs.
    assertThat(driver.transcript()).containsExactly(
        "t=0ms " + key + " progressing writes=16 status=written requeue=after 5000ms",
        "t=0ms " + key + " converged writes=1 requeue=none",
        "t=0ms " + key + " converged writes=0 requeue=none",
        "t=5000ms " + key + " converged writes=0 requeue=none",
        "t=600000ms " + key + " converged writes=0 requeue=none",
        "t=1200000ms " + key + " converged writes=0 requeue=none",
        "t=1800000ms " + key + " converged writes=0 requeue=none",
        "t=2400000ms " + key + " converged writes=0 requeue=none",
        "t=3000000ms " + key + " converged writes=0 requeue=none",
        "t=3600000ms " + key + " converged writes=0 requeue=none");
    assertThat(mutating(on.since(converged))).isEmpty();
    // The driver's passes read from its watch cache: once converged, the operator sends no request at all.
    assertThat(on.since(converged)).filteredOn(r -> r.identity().equals(OperatorOnCluster.OPERATOR.name()))
        .extracting(OperatorOnCluster::describe).isEmpty();
  }

  // ------------------------------------------------------------------ two agents in one namespace

  @Test
  void twoAgentsInOneNamespace_neverDeleteEachOthersObjects() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey datadog = on.createSharedExamples();
    ResourceKey canary = on.createAgent("canary", DatadogFixtures.MINIMAL);
    SimulatedDriver driver = SimulatedDriver.builder(on.loop, on.clock).build();
    driver.start();
    on.clock.runFor(Duration.ofHours(2));
    List<String> datadogObjects = names(on, datadog);
    List<String> canaryObjects = names(on, canary);
    assertThat(datadogObjects).hasSize(15).allMatch(name -> name.startsWith("datadog-"));
    assertThat(canaryObjects).hasSize(15).allMatch(name -> name.startsWith("canary-"));

    // The canary drops its admission controller; only its own Service and webhook configuration go.
    long mark = on.cluster.requests().mark();
    on.edit(canary, tree -> tree.withObjectProperty("spec").withObjectProperty("features").putObject("admissionController").put("enabled", false));
    on.clock.runFor(Duration.ofHours(2));
    driver.stop();
    assertThat(on.since(mark).stream().filter(r -> r.verb().equals("delete")).map(OperatorOnCluster::describe))
        .containsExactly("delete mutatingwebhookconfigurations canary-webhook", "delete services datadog/canary-admission-controller");
    assertThat(names(on, datadog)).isEqualTo(datadogObjects);
    assertThat(names(on, canary)).hasSize(13).allMatch(name -> name.startsWith("canary-"));
    // Two primaries over four virtual hours: 24 resyncs each, plus the passes their events brought.
    assertThat(driver.passes()).isEqualTo(58);
  }

  private static List<String> names(OperatorOnCluster on, ResourceKey primary) {
    return on.ownedBy(primary).stream().map(Resource::name).sorted().toList();
  }

  // ------------------------------------------------------------------ status from live objects

  @Test
  void status_comesFromTheLiveObjects() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    on.workloads.readyNodes(2);
    ResourceKey dda = on.createSharedExamples();
    // The DaemonSet was created by this very pass and had no status in the server's answer; the stand-in
    // controller wrote one right after, and that live status is what the DatadogAgent reports.
    on.pass(dda);
    Resource afterFirst = on.live(dda);
    assertThat(afterFirst.status().path("agent")).isEqualTo(Json.parse("{\"desired\":3,\"current\":3,\"ready\":2,"
        + "\"available\":2,\"upToDate\":3,\"state\":\"Running\",\"status\":\"Running (3/2/3)\",\"daemonsetName\":\"datadog-agent\"}"));
    assertThat(afterFirst.status().at("/clusterAgent/status").asText()).isEqualTo("Running (1/1/1)");
    on.converge(dda);

    // Nothing the operator writes changes; the live objects do, and the status follows them alone.
    on.workloads.readyNodes(3);
    on.workloads.deploymentsDown(true);
    long mark = on.cluster.requests().mark();
    PassResult pass = on.pass(dda);
    assertThat(mutating(on.since(mark))).containsExactly(OPERATOR + " update datadogagents/status datadog/datadog");
    assertThat(pass.statusWritten()).isTrue();
    Resource live = on.live(dda);
    assertThat(live.status().at("/agent/status").asText()).isEqualTo("Running (3/3/3)");
    assertThat(live.status().at("/clusterAgent/status").asText()).isEqualTo("Progressing (1/0/1)");
    assertThat(live.status().at("/clusterAgent/availableReplicas").asInt()).isZero();
  }

  // ------------------------------------------------------------------ label edits roll out

  @Test
  void labelEditOnTheDatadogAgent_rollsOutANewPodTemplate() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey dda = on.createSharedExamples();
    on.converge(dda);
    ResourceKey daemonSet = ResourceKey.parse("apps/DaemonSet/datadog/datadog-agent");
    assertThat(on.live(daemonSet).generation()).isEqualTo(1);

    on.edit(dda, tree -> tree.withObjectProperty("metadata").withObjectProperty("labels").put("tags.datadoghq.com/env", "prod"));
    on.converge(dda);
    Resource rolled = on.live(daemonSet);
    assertThat(rolled.generation()).isEqualTo(2);
    assertThat(rolled.at("spec.template.metadata.labels").path("tags.datadoghq.com/env").asText()).isEqualTo("prod");
    assertThat(rolled.status().path("observedGeneration").asLong()).isEqualTo(2);

    on.edit(dda, tree -> tree.withObjectProperty("spec").withObjectProperty("override").withObjectProperty("nodeAgent")
        .putObject("labels").put("team", "observability"));
    long mark = on.cluster.requests().mark();
    on.pass(dda);
    assertThat(mutating(on.since(mark))).containsExactly(
        OPERATOR + " patch daemonsets datadog/datadog-agent",
        WorkloadStandIn.USER + " update daemonsets/status datadog/datadog-agent");
    rolled = on.live(daemonSet);
    assertThat(rolled.generation()).isEqualTo(3);
    assertThat(rolled.at("spec.template.metadata.labels").path("team").asText()).isEqualTo("observability");
  }

  // ------------------------------------------------------------------ deletion

  @Test
  void deletingTheDatadogAgent_removesTheWebhookFirstAndEverythingElseAfter() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey dda = on.createSharedExamples();
    on.converge(dda);
    Map<String, Resource> owned = on.ownedBy(dda).stream()
        .collect(Collectors.toMap(r -> r.key().toString(), r -> r, (a, b) -> a, TreeMap::new));
    assertThat(owned.keySet()).contains("rbac.authorization.k8s.io/ClusterRole/datadog-agent",
        "rbac.authorization.k8s.io/ClusterRoleBinding/datadog-cluster-agent",
        "admissionregistration.k8s.io/MutatingWebhookConfiguration/datadog-webhook");

    on.cluster.server().delete(Identity.admin(), dda, DeleteParams.defaults());
    long mark = on.cluster.requests().mark();
    PassResult pass = on.pass(dda);
    assertThat(pass.phase()).isEqualTo(PassResult.Phase.CLEANED_UP);
    List<String> writes = mutating(on.since(mark));
    assertThat(writes).containsExactly(
        OPERATOR + " delete mutatingwebhookconfigurations datadog-webhook",
        OPERATOR + " delete deployments datadog/datadog-cluster-agent",
        OPERATOR + " delete daemonsets datadog/datadog-agent",
        OPERATOR + " delete services datadog/datadog-admission-controller",
        OPERATOR + " delete services datadog/datadog-agent",
        OPERATOR + " delete services datadog/datadog-cluster-agent",
        OPERATOR + " delete rolebindings datadog/datadog-cluster-agent",
        OPERATOR + " delete roles datadog/datadog-cluster-agent",
        OPERATOR + " delete clusterrolebindings datadog-agent",
        OPERATOR + " delete clusterrolebindings datadog-cluster-agent",
        OPERATOR + " delete clusterroles datadog-agent",
        OPERATOR + " delete clusterroles datadog-cluster-agent",
        OPERATOR + " delete secrets datadog/datadog-token",
        OPERATOR + " delete serviceaccounts datadog/datadog-agent",
        OPERATOR + " delete serviceaccounts datadog/datadog-cluster-agent",
        OPERATOR + " update datadogagents datadog/datadog");
    // Every object the DatadogAgent owned was deleted by the operator itself, one request each.
    assertThat(writes.subList(0, writes.size() - 1)).hasSize(owned.size());
    assertThat(on.ownedBy(dda)).isEmpty();
    assertThat(on.admin.get(dda)).isEmpty();
    assertThat(on.admin.get(ResourceKey.parse("Secret/datadog/datadog-secret"))).as("the user's Secret").isPresent();
  }

  // ------------------------------------------------------------------ invalid specs

  @Test
  void invalidSpec_changesNothingAndReportsTheError() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey dda = on.createSharedExamples();
    on.converge(dda);
    Map<String, String> versions = versions(on, dda);
    Resource before = on.live(dda);

    on.clock.runFor(Duration.ofMinutes(1));
    String invalidAt = on.clock.now().toString();
    on.edit(dda, tree -> tree.withObjectProperty("spec").withObjectProperty("features").withObjectProperty("apm").withObjectProperty("instrumentation")
        .putArray("disabledNamespaces").add("kube-public"));
    long mark = on.cluster.requests().mark();
    PassResult pass = on.pass(dda);
    assertThat(pass.outcome()).isInstanceOf(Outcome.Invalid.class);
    assertThat(mutating(on.since(mark))).containsExactly(OPERATOR + " update datadogagents/status datadog/datadog");
    assertThat(versions(on, dda)).isEqualTo(versions);
    JsonNode error = condition(on.live(dda), AgentStatusCalculator.RECONCILE_ERROR);
    assertThat(error).isEqualTo(Json.parse("{\"type\":\"DatadogAgentReconcileError\",\"status\":\"True\","
        + "\"lastTransitionTime\":\"" + invalidAt + "\",\"reason\":\"DatadogAgent_reconcile_error\",\"message\":"
        + "\"`spec.features.apm.instrumentation.enabledNamespaces` and `spec.features.apm.instrumentation.disabledNamespaces`"
        + " cannot be set together\"}"));
    assertThat(condition(before, AgentStatusCalculator.RECONCILE_ERROR).path("status").asText()).isEqualTo("False");

    // Invalid stays invalid without writing again; the fix flips the condition back.
    mark = on.cluster.requests().mark();
    on.pass(dda);
    assertThat(mutating(on.since(mark))).isEmpty();
    on.clock.runFor(Duration.ofMinutes(1));
    String fixedAt = on.clock.now().toString();
    on.edit(dda, tree -> tree.withObjectProperty("spec").withObjectProperty("features").withObjectProperty("apm").withObjectProperty("instrumentation").remove("disabledNamespaces"));
    on.converge(dda);
    assertThat(condition(on.live(dda), AgentStatusCalculator.RECONCILE_ERROR)).isEqualTo(Json.parse(
        "{\"type\":\"DatadogAgentReconcileError\",\"status\":\"False\",\"lastTransitionTime\":\"" + fixedAt + "\","
            + "\"reason\":\"DatadogAgent_reconcile_ok\",\"message\":\"DatadogAgent reconcile ok\"}"));
    assertThat(versions(on, dda)).isEqualTo(versions);
  }

  @Test
  void invalidNewAgent_createsNothing() {
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey dda = on.createAgent("datadog", "  global:\n    site: datadoghq.eu\n");
    long mark = on.cluster.requests().mark();
    on.pass(dda);
    assertThat(mutating(on.since(mark))).containsExactly(OPERATOR + " update datadogagents/status datadog/datadog");
    assertThat(on.ownedBy(dda)).isEmpty();
    JsonNode error = condition(on.live(dda), AgentStatusCalculator.RECONCILE_ERROR);
    assertThat(error.path("status").asText()).isEqualTo("True");
    assertThat(error.path("message").asText()).isEqualTo("credentials not configured in the DatadogAgent, can't reconcile");
  }

  private static Map<String, String> versions(OperatorOnCluster on, ResourceKey dda) {
    Map<String, String> versions = new TreeMap<>();
    on.ownedBy(dda).forEach(r -> versions.put(r.key().toString(), r.resourceVersion()));
    return versions;
  }

  // ------------------------------------------------------------------ RBAC

  @Test
  void everyFeatureAndNoClusterAgent_areGrantedWithoutEscalationErrors() {
    String everything = DatadogFixtures.MINIMAL + """
          features:
            apm:
              enabled: true
              unixDomainSocketConfig:
                enabled: true
            logCollection:
              enabled: true
              containerCollectAll: true
            admissionController:
              mutateUnlabelled: true
              failurePolicy: Fail
            clusterChecks:
              useClusterChecksRunners: true
            dogstatsd:
              originDetectionEnabled: true
            eventCollection:
              collectKubernetesEvents: true
          override:
            clusterAgent:
              createPodDisruptionBudget: true
            clusterChecksRunner:
              createPodDisruptionBudget: true
        """;
    String noClusterAgent = DatadogFixtures.MINIMAL + """
          override:
            clusterAgent:
              disabled: true
        """;
    OperatorOnCluster on = OperatorOnCluster.install(3);
    ResourceKey all = on.createAgent("everything", everything);
    ResourceKey alone = on.createAgent("alone", noClusterAgent);
    on.converge(all);
    on.converge(alone);
    assertThat(on.cluster.requests().records()).noneMatch(r -> r.code() == 403);
    assertThat(names(on, all)).contains("everything-cluster-checks-runner", "everything-cluster-agent-pdb");
    // Without the Cluster Agent the node agents read the cluster themselves, under their own broader ClusterRole.
    assertThat(on.ownedBy(alone)).extracting(r -> r.key().toString()).containsExactly(
        "Service/datadog/alone-agent",
        "ServiceAccount/datadog/alone-agent",
        "apps/DaemonSet/datadog/alone-agent",
        "rbac.authorization.k8s.io/ClusterRole/alone-agent",
        "rbac.authorization.k8s.io/ClusterRoleBinding/alone-agent");
  }
}
