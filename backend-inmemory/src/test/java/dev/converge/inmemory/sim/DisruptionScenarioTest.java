package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.deploymentPods;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PodDisruptionBudgets end to end: the disruption controller keeps the budget's status from the pods and their
 * Deployment's scale, and the eviction subresource honours it — one eviction takes the one allowed disruption,
 * the next is refused with 429 until the Deployment's replacement pod is Ready again.
 */
class DisruptionScenarioTest {
  private static final GroupKind PDB = GroupKind.of("policy", "PodDisruptionBudget");

  private static Simulation withBudget(String limit) {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(4)).build().start();
    sim.create(deployment("web", 4, "nginx:1.27"));
    sim.create("""
        {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"web","namespace":"default"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},%s}}""".formatted(limit));
    sim.runFor(Duration.ofMinutes(1));
    return sim;
  }

  private static JsonNode status(Simulation sim) {
    return SimTesting.get(sim, PDB, "default", "web").status();
  }

  private static void evict(Simulation sim, Resource pod) {
    sim.server().evict(Identity.admin(), pod.key(), DeleteParams.defaults());
  }

  @Test
  void theBudgetsStatus_countsHealthyPodsAgainstTheDeploymentsScale() {
    Simulation sim = withBudget("\"maxUnavailable\":\"30%\"");
    JsonNode status = status(sim);
    assertThat(status.path("expectedPods").asInt()).isEqualTo(4);
    assertThat(status.path("desiredHealthy").asInt()).as("4 - ceil(30 % of 4)").isEqualTo(2);
    assertThat(status.path("currentHealthy").asInt()).isEqualTo(4);
    assertThat(status.path("disruptionsAllowed").asInt()).isEqualTo(2);
    assertThat(status.path("observedGeneration").asLong()).isEqualTo(1);
    assertThat(status.path("conditions").get(0).path("reason").asText()).isEqualTo("SufficientPods");

    Resource minAvailable = SimTesting.get(sim, PDB, "default", "web");
    sim.server().update(Identity.admin(), minAvailable.edit(t -> {
      t.with("spec").remove("maxUnavailable");
      t.with("spec").put("minAvailable", 4);
    }));
    sim.runFor(Duration.ofSeconds(5));
    assertThat(status(sim).path("disruptionsAllowed").asInt()).isZero();
    assertThat(status(sim).path("conditions").get(0).path("reason").asText()).isEqualTo("InsufficientPods");
  }

  @Test
  void oneEvictionTakesTheAllowedDisruption_theNextWaitsForTheReplacement() {
    Simulation sim = withBudget("\"minAvailable\":3");
    List<Resource> pods = deploymentPods(sim, "web");
    evict(sim, pods.get(0));
    assertThat(status(sim).path("disruptedPods").has(pods.get(0).name())).isTrue();
    assertThat(status(sim).path("disruptionsAllowed").asInt()).isZero();
    assertThatThrownBy(() -> evict(sim, pods.get(1)))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(429))
        // The eviction took the disruption in the status; the count of healthy pods is the controller's, not
        // recomputed yet (as in Kubernetes: it reads the status).
        .hasMessage("Cannot evict pod as it would violate the pod's disruption budget. The disruption budget web "
            + "needs 3 healthy pods and has 4 currently");

    // The ReplicaSet replaces the evicted pod; once it is Ready the budget allows one disruption again.
    sim.runFor(Duration.ofMinutes(1));
    assertThat(status(sim).path("currentHealthy").asInt()).isEqualTo(4);
    assertThat(status(sim).path("disruptionsAllowed").asInt()).isEqualTo(1);
    assertThat(status(sim).has("disruptedPods")).as("the evicted pod is gone").isFalse();
    evict(sim, SimTesting.get(sim, GroupKind.of("", "Pod"), "default", pods.get(1).name()));
  }

  @Test
  void podsWithoutABudget_orNotRunning_areEvictedAtOnce_andTwoBudgetsAreAnError() {
    Simulation sim = withBudget("\"minAvailable\":4");
    Resource pod = deploymentPods(sim, "web").get(0);
    sim.create("""
        {"apiVersion":"policy/v1","kind":"PodDisruptionBudget","metadata":{"name":"second","namespace":"default"},
         "spec":{"selector":{},"maxUnavailable":1}}""");
    assertThatThrownBy(() -> evict(sim, pod))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessageContaining("more than one PodDisruptionBudget");
    sim.create("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"loose","namespace":"default","labels":{"app":"other"}},
         "spec":{"containers":[{"name":"c","image":"busybox"}]}}""");
    sim.server().delete(Identity.admin(), SimTesting.get(sim, PDB, "default", "second").key(), DeleteParams.defaults());
    // Pending and selected by no budget: deleted at once (unbound, so without a grace period).
    evict(sim, SimTesting.get(sim, GroupKind.of("", "Pod"), "default", "loose"));
    assertThat(SimTesting.get(sim, GroupKind.of("", "Pod"), "default", "loose")).isNull();
  }

  private static String disruption(Resource pod) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("DisruptionTarget")) {
        return condition.path("status").asText() + "/" + condition.path("reason").asText() + "/"
            + condition.path("message").asText();
      }
    }
    return "";
  }

  @Test
  void anEvictedPod_isMarkedDisruptionTarget_beforeItIsDeleted() {
    Simulation sim = withBudget("\"maxUnavailable\":1");
    Resource victim = deploymentPods(sim, "web").get(0);
    evict(sim, victim);

    Resource terminating = SimTesting.get(sim, SimTesting.POD, "default", victim.name());
    assertThat(terminating.isBeingDeleted()).isTrue();
    assertThat(disruption(terminating)).isEqualTo("True/EvictionByEvictionAPI/Eviction API: evicting");
    sim.runFor(Duration.ofSeconds(5));
    assertThat(SimTesting.get(sim, SimTesting.POD, "default", victim.name())).isNull();
  }

  @Test
  void aDryRunEviction_writesNothing() {
    Simulation sim = withBudget("\"maxUnavailable\":1");
    Resource victim = deploymentPods(sim, "web").get(0);
    long revision = sim.server().revision();
    sim.server().evict(Identity.admin(), victim.key(), DeleteParams.defaults().withDryRun(true));
    assertThat(sim.server().revision()).isEqualTo(revision);
    assertThat(disruption(SimTesting.get(sim, SimTesting.POD, "default", victim.name()))).isEmpty();
  }
}
