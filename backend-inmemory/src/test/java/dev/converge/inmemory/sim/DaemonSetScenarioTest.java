package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.DAEMON_SET;
import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.dsStatus;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.scheduling.Taint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DaemonSet controller end to end on small simulated clusters: eligibility by node selector and taints,
 * create-then-bind, the exact status (misscheduled pods included), and the time a roll-out takes with fixed
 * kubelet delays.
 */
class DaemonSetScenarioTest {

  private static String json(String text) {
    return Json.parse(text).toString();
  }

  private static Simulation cluster() {
    return Simulation.builder().seed(42).kubelet(fixedKubelet())
        .pool(NodePool.of("general", 4).withLabels(Map.of("kind", "general")))
        .pool(NodePool.of("gpu", 2).withLabels(Map.of("kind", "general")).withTaints(Taint.parse("gpu=true:NoSchedule")))
        .pool(NodePool.of("db", 2).withLabels(Map.of("kind", "db")))
        .build().start();
  }

  @Test
  void rollout_reachesTheEligibleNodesOnly_boundByTheScheduler_withExactStatus() {
    Simulation sim = cluster();
    sim.runFor(Duration.ofSeconds(1));
    sim.create(daemonSet("agent", "", ",\"nodeSelector\":{\"kind\":\"general\"}"));
    sim.runFor(Duration.ofMinutes(1));

    assertThat(dsStatus(sim, "agent").toString()).isEqualTo(json("""
        {"observedGeneration":1,"currentNumberScheduled":4,"numberMisscheduled":0,"desiredNumberScheduled":4,
         "numberReady":4,"updatedNumberScheduled":4,"numberAvailable":4,"numberUnavailable":0}"""));
    List<Resource> pods = podsOf(sim, "DaemonSet", "agent");
    assertThat(pods).extracting(p -> p.spec().path("nodeName").asText())
        .containsExactlyInAnyOrder("general-0", "general-1", "general-2", "general-3");
    JsonNode pinned = pods.get(0).spec().at("/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
        + "/nodeSelectorTerms/0/matchFields/0");
    assertThat(pinned.path("key").asText()).isEqualTo("metadata.name");
    assertThat(pods.get(0).labels()).containsKey("controller-revision-hash");
    // Created by the controller without a node, bound by the scheduler through pods/binding.
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-controller-manager")
        && r.verb().equals("create") && !r.resource().equals("events"))).isEqualTo(5);
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-scheduler")
        && r.subresource().equals("binding"))).isEqualTo(4);
  }

  @Test
  void aServiceAccountMadeAfterTheDaemonSet_failsItsCreates_untilItExists() {
    Simulation sim = cluster();
    sim.runFor(Duration.ofSeconds(1));
    sim.create(daemonSet("agent", "", ",\"serviceAccountName\":\"agent\",\"nodeSelector\":{\"kind\":\"general\"}"));
    sim.runFor(Duration.ofSeconds(10));
    // The ServiceAccount admission plugin refuses every pod; the controller says so and tries again.
    assertThat(podsOf(sim, "DaemonSet", "agent")).isEmpty();
    assertThat(SimTesting.events(sim, "agent")).anyMatch(event -> event.startsWith("FailedCreate: Error creating: "
        + "pods \"agent-\" is forbidden: error looking up service account default/agent: serviceaccount \"agent\" "
        + "not found"));

    sim.create("""
        {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"agent","namespace":"default"}}""");
    boolean done = sim.runUntil(() -> dsStatus(sim, "agent").path("numberAvailable").asInt() == 4,
        Duration.ofMinutes(2));
    assertThat(done).isTrue();
    assertThat(podsOf(sim, "DaemonSet", "agent")).allMatch(pod ->
        pod.spec().path("serviceAccountName").asText().equals("agent")
            && pod.spec().at("/volumes/0/name").asText().startsWith("kube-api-access-"));
  }

  @Test
  void rollout_withFixedDelays_takesTheSumOfItsSteps() {
    Simulation sim = cluster();
    sim.runFor(Duration.ofSeconds(1));
    sim.create(daemonSet("agent", "", ",\"nodeSelector\":{\"kind\":\"general\"}"));
    long created = sim.clock().nanoTime();
    boolean done = sim.runUntil(() -> dsStatus(sim, "agent").path("numberAvailable").asInt() == 4, Duration.ofMinutes(1));

    // 10 ms watch delivery to kube-controller-manager, which creates the 4 pods at once (no throttling at this
    // size); 10 ms to the scheduler, whose 1 ms scheduling cycles bind them at 21, 22, 23 and 24 ms; 10 ms to the
    // kubelets; 3 s pull; 1 s start; the kubelet's status patch; 10 ms back to the controller, whose status
    // write sees the fourth pod available at 24 + 10 + 4000 + 10 = 4044 ms.
    assertThat(done).isTrue();
    assertThat(sim.clock().nanoTime() - created).isEqualTo(4_044_000_000L);
  }

  @Test
  void taintedAfterwards_theRunningPodStays_andCountsAsMisscheduled() {
    Simulation sim = cluster();
    sim.create(daemonSet("agent", "", ",\"nodeSelector\":{\"kind\":\"general\"}"));
    sim.runFor(Duration.ofMinutes(1));

    Resource node = SimTesting.get(sim, SimTesting.NODE, "", "general-0");
    ObjectNode patch = Json.object();
    patch.putObject("spec").putArray("taints").add(Taint.parse("maintenance=true:NoSchedule").toJson());
    sim.server().patch(Identity.admin(), node.key(), dev.converge.inmemory.server.PatchType.MERGE, patch,
        dev.converge.inmemory.server.PatchOptions.defaults());
    sim.runFor(Duration.ofSeconds(10));

    assertThat(dsStatus(sim, "agent").toString()).isEqualTo(json("""
        {"observedGeneration":1,"currentNumberScheduled":3,"numberMisscheduled":1,"desiredNumberScheduled":3,
         "numberReady":3,"updatedNumberScheduled":3,"numberAvailable":3,"numberUnavailable":0}"""));
    assertThat(podsOf(sim, "DaemonSet", "agent")).hasSize(4);
  }

  @Test
  void relabelledOutOfTheSelector_thePodIsDeleted() {
    Simulation sim = cluster();
    sim.create(daemonSet("agent", "", ",\"nodeSelector\":{\"kind\":\"general\"}"));
    sim.runFor(Duration.ofMinutes(1));

    ObjectNode patch = Json.object();
    patch.putObject("metadata").putObject("labels").put("kind", "db");
    sim.server().patch(Identity.admin(), ResourceKey.cluster("", "Node", "general-3"),
        dev.converge.inmemory.server.PatchType.MERGE, patch, dev.converge.inmemory.server.PatchOptions.defaults());
    sim.runFor(Duration.ofSeconds(10));

    assertThat(podsOf(sim, "DaemonSet", "agent")).extracting(p -> p.spec().path("nodeName").asText())
        .containsExactlyInAnyOrder("general-0", "general-1", "general-2");
    assertThat(dsStatus(sim, "agent").path("desiredNumberScheduled").asInt()).isEqualTo(3);
    assertThat(dsStatus(sim, "agent").path("numberMisscheduled").asInt()).isZero();
  }

  @Test
  void deletedPod_isReplacedOnItsNode() {
    Simulation sim = cluster();
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(1));
    Resource victim = podsOf(sim, "DaemonSet", "agent").get(0);

    sim.server().delete(Identity.admin(), victim.key(), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(30));

    List<Resource> pods = podsOf(sim, "DaemonSet", "agent");
    assertThat(pods).hasSize(6).noneMatch(p -> p.name().equals(victim.name()));
    assertThat(pods).filteredOn(p -> p.spec().path("nodeName").asText().equals(victim.spec().path("nodeName").asText()))
        .hasSize(1);
    assertThat(dsStatus(sim, "agent").path("numberAvailable").asInt()).isEqualTo(6);
  }

  @Test
  void revisions_areRecordedAsControllerRevisions() {
    Simulation sim = cluster();
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofSeconds(20));
    Resource ds = SimTesting.get(sim, DAEMON_SET, "default", "agent");
    String hash = podsOf(sim, "DaemonSet", "agent").get(0).labels().get("controller-revision-hash");

    Resource revision = SimTesting.get(sim, dev.converge.api.GroupKind.of("apps", "ControllerRevision"), "default",
        "agent-" + hash);
    assertThat(revision).isNotNull();
    assertThat(revision.json().path("revision").asLong()).isEqualTo(1);
    assertThat(revision.ownerReferences().get(0).uid()).isEqualTo(ds.uid());
    assertThat(revision.json().at("/data/spec/template/$patch").asText()).isEqualTo("replace");
  }
}
