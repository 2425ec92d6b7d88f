package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.POD;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.http.PodRow;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The containers of one pod, each run on its own by the simulated kubelet: its own probes, exits and restarts,
 * the pod's phase from their states ({@code getPhase}), its Ready condition naming the containers that are not
 * ready, and readiness gates. Pulls take 3 s and starts 1 s: created at 0, a pod's containers start at 4 s.
 */
class ContainerScenarioTest {
  private static Simulation oneNode() {
    Simulation sim = Simulation.builder().seed(1).kubelet(fixedKubelet()).watchLatency(Duration.ZERO)
        .schedulerCycle(Duration.ZERO).pool(NodePool.plain(1)).build().start();
    sim.runFor(Duration.ofSeconds(1));
    return sim;
  }

  /**
   * A pod with containers {@code main} and {@code side} (each with the extra fields given, leading commas), the
   * annotations given (JSON members) and the spec fields given (leading commas).
   */
  private static String pod(String name, String annotations, String main, String side, String spec) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","annotations":{%s}},
         "spec":{"nodeName":"node-0"%s,"containers":[{"name":"main","image":"nginx:1"%s},
                                                    {"name":"side","image":"nginx:1"%s}]}}"""
        .formatted(name, annotations, spec, main, side);
  }

  private static Resource get(Simulation sim, String name) {
    return SimTesting.get(sim, POD, "default", name);
  }

  private static JsonNode container(Resource pod, int index) {
    return pod.status().path("containerStatuses").path(index);
  }

  private static JsonNode condition(Resource pod, String type) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals(type)) {
        return condition;
      }
    }
    return dev.converge.api.Json.object();
  }

  /** A condition as {@code status reason: message}, what {@code kubectl describe} shows of it. */
  private static String describe(Resource pod, String type) {
    JsonNode condition = condition(pod, type);
    return (condition.path("status").asText() + " " + condition.path("reason").asText() + ": "
        + condition.path("message").asText()).trim();
  }

  @Test
  void eachContainer_isReadyWhenItsOwnProbePasses_andTheReadyConditionNamesTheOthers() {
    Simulation sim = oneNode();
    Instant created = sim.clock().now();
    sim.create(pod("web", "", "", ",\"readinessProbe\":{\"initialDelaySeconds\":10,\"periodSeconds\":1}", ""));

    sim.runFor(Duration.ofSeconds(6));
    Resource pod = get(sim, "web");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Running");
    assertThat(container(pod, 0).path("ready").asBoolean()).isTrue();
    assertThat(container(pod, 1).path("ready").asBoolean()).isFalse();
    assertThat(container(pod, 1).path("started").asBoolean()).isTrue();
    assertThat(describe(pod, "Ready")).isEqualTo("False ContainersNotReady: containers with unready status: [side]");
    assertThat(describe(pod, "ContainersReady"))
        .isEqualTo("False ContainersNotReady: containers with unready status: [side]");
    assertThat(PodRow.of(pod).ready()).isEqualTo("1/2");
    // SyncPod pulls the image for main and finds it present for side.
    assertThat(SimTesting.events(sim, "web")).filteredOn(event -> event.startsWith("Pulling:")).hasSize(1);
    assertThat(SimTesting.events(sim, "web"))
        .contains("Pulled: Container image \"nginx:1\" already present on machine (1)");

    // Its probe passes 10 s after its start at 4 s, at the next of its 1 s ticks.
    sim.runFor(Duration.ofSeconds(9));
    pod = get(sim, "web");
    assertThat(describe(pod, "Ready")).isEqualTo("True :");
    Instant readyAt = Instant.parse(condition(pod, "Ready").path("lastTransitionTime").asText());
    assertThat(Duration.between(created, readyAt)).isBetween(Duration.ofSeconds(14), Duration.ofSeconds(15));
    assertThat(condition(pod, "ContainersReady").path("lastTransitionTime").asText())
        .isEqualTo(condition(pod, "Ready").path("lastTransitionTime").asText());
  }

  @Test
  void aStartupProbe_holdsStartedAndReadiness_untilItPasses_andSuccessThresholdCountsPeriods() {
    Simulation sim = oneNode();
    sim.create(pod("slow", "", ",\"startupProbe\":{\"initialDelaySeconds\":20,\"periodSeconds\":5},"
        + "\"readinessProbe\":{\"initialDelaySeconds\":5,\"periodSeconds\":5,\"successThreshold\":2}", "", ""));

    // Started at 4 s; the startup probe passes 20 to 25 s later; readiness is probed at once then, and must pass
    // twice, one period apart.
    sim.runFor(Duration.ofMillis(23_900));
    Resource pod = get(sim, "slow");
    assertThat(container(pod, 0).at("/state/running").isObject()).isTrue();
    assertThat(container(pod, 0).path("started").asBoolean()).isFalse();
    assertThat(container(pod, 0).path("ready").asBoolean()).isFalse();
    assertThat(container(pod, 1).path("started").asBoolean()).isTrue();
    assertThat(describe(pod, "Ready")).isEqualTo("False ContainersNotReady: containers with unready status: [main]");

    sim.runFor(Duration.ofMillis(5_100));
    pod = get(sim, "slow");
    assertThat(container(pod, 0).path("started").asBoolean()).isTrue();
    assertThat(container(pod, 0).path("ready").asBoolean()).isFalse();

    sim.runFor(Duration.ofSeconds(5));
    pod = get(sim, "slow");
    assertThat(container(pod, 0).path("ready").asBoolean()).isTrue();
    assertThat(SimTesting.isReady(pod)).isTrue();
  }

  @Test
  void oneContainerThatCrashes_restartsOnItsOwnBackOff_whileTheOtherRuns() {
    Simulation sim = oneNode();
    sim.create(pod("flaky", "\"crash-after.sim.converge.dev/side\":\"5s\"", "", "", ""));

    // Up at 4 s; side crashes at 9 s and waits out 10 s, then starts again (1 s) at 20 s.
    sim.runFor(Duration.ofSeconds(12));
    Resource pod = get(sim, "flaky");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Running");
    assertThat(container(pod, 0).path("restartCount").asInt()).isZero();
    assertThat(container(pod, 0).at("/state/running").isObject()).isTrue();
    assertThat(container(pod, 1).path("restartCount").asInt()).isEqualTo(1);
    assertThat(container(pod, 1).at("/state/waiting/reason").asText()).isEqualTo("CrashLoopBackOff");
    assertThat(container(pod, 1).at("/state/waiting/message").asText())
        .isEqualTo("back-off 10s restarting failed container=side pod=flaky_default(" + pod.uid() + ")");
    assertThat(container(pod, 1).at("/lastState/terminated/exitCode").asInt()).isEqualTo(1);
    assertThat(describe(pod, "Ready")).isEqualTo("False ContainersNotReady: containers with unready status: [side]");
    PodRow row = PodRow.of(pod);
    assertThat(row.ready() + " " + row.reason() + " " + row.restarts()).isEqualTo("1/2 CrashLoopBackOff 1");
    assertThat(SimTesting.events(sim, "flaky"))
        .contains("BackOff: Back-off restarting failed container side in pod flaky_default(" + pod.uid() + ") (1)")
        .noneMatch(event -> event.contains("container main in pod"));

    sim.runFor(Duration.ofSeconds(9));
    pod = get(sim, "flaky");
    assertThat(container(pod, 1).at("/state/running").isObject()).isTrue();
    assertThat(container(pod, 1).path("containerID").asText()).endsWith("-1-1");
    assertThat(container(pod, 0).path("containerID").asText()).endsWith("-0-0");
    assertThat(SimTesting.isReady(pod)).isTrue();
  }

  @Test
  void underOnFailure_aContainerThatExitsZero_staysTerminated_andThePodSucceedsWithTheLast() {
    Simulation sim = oneNode();
    sim.create(pod("batch", "\"run-for.sim.converge.dev/main\":\"5s\",\"run-for.sim.converge.dev/side\":\"20s\"",
        "", "", ",\"restartPolicy\":\"OnFailure\""));

    sim.runFor(Duration.ofSeconds(12));
    Resource pod = get(sim, "batch");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Running");
    assertThat(container(pod, 0).at("/state/terminated/reason").asText()).isEqualTo("Completed");
    assertThat(container(pod, 0).path("restartCount").asInt()).isZero();
    assertThat(container(pod, 1).at("/state/running").isObject()).isTrue();
    assertThat(describe(pod, "Ready")).isEqualTo("False ContainersNotReady: containers with unready status: [main]");

    sim.runFor(Duration.ofSeconds(15));
    pod = get(sim, "batch");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Succeeded");
    assertThat(describe(pod, "Ready")).isEqualTo("False PodCompleted:");
    assertThat(container(pod, 1).at("/state/terminated/exitCode").asInt()).isZero();
  }

  @Test
  void underNever_oneFailedContainer_failsThePod_onceTheOtherHasEnded() {
    Simulation sim = oneNode();
    sim.create(pod("once", "\"crash-after.sim.converge.dev/main\":\"3s\",\"run-for.sim.converge.dev/side\":\"10s\","
        + "\"exit-code.sim.converge.dev/side\":\"0\"", "", "", ",\"restartPolicy\":\"Never\""));

    sim.runFor(Duration.ofSeconds(10));
    Resource pod = get(sim, "once");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Running");
    assertThat(container(pod, 0).at("/state/terminated/reason").asText()).isEqualTo("Error");

    sim.runFor(Duration.ofSeconds(5));
    pod = get(sim, "once");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Failed");
    assertThat(container(pod, 0).at("/state/terminated/exitCode").asInt()).isEqualTo(1);
    assertThat(container(pod, 1).at("/state/terminated/exitCode").asInt()).isZero();
    assertThat(describe(pod, "ContainersReady")).isEqualTo("False PodFailed:");
  }

  @Test
  void aFailingLivenessProbe_isReportedThresholdTimes_thenTheContainerIsKilledAndRestarted() {
    Simulation sim = oneNode();
    sim.create(pod("sick", "\"liveness-fails-after.sim.converge.dev/main\":\"20s\"",
        ",\"livenessProbe\":{\"httpGet\":{\"path\":\"/live\",\"port\":8080},\"periodSeconds\":5}", "", ""));

    // Started at 4 s; the probe fails from 20 s on, at its 5 s ticks: three failures, the kill 10 s after the
    // first, the stop (1 s), then the crash back-off of 10 s.
    sim.runFor(Duration.ofSeconds(23));
    assertThat(SimTesting.events(sim, "sick")).noneMatch(event -> event.startsWith("Unhealthy"));
    sim.runFor(Duration.ofSeconds(15));
    Resource pod = get(sim, "sick");
    assertThat(SimTesting.events(sim, "sick")).contains(
        "Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500 (3)",
        "Killing: Container main failed liveness probe, will be restarted (1)");
    assertThat(container(pod, 0).path("restartCount").asInt()).isEqualTo(1);
    assertThat(container(pod, 0).at("/lastState/terminated/exitCode").asInt()).isEqualTo(143);
    assertThat(container(pod, 0).at("/state/waiting/reason").asText()).isEqualTo("CrashLoopBackOff");
    assertThat(container(pod, 1).path("restartCount").asInt()).isZero();
    assertThat(container(pod, 1).at("/state/running").isObject()).isTrue();

    sim.runFor(Duration.ofSeconds(12));
    assertThat(container(get(sim, "sick"), 0).at("/state/running").isObject()).isTrue();
  }

  @Test
  void aKubeletThatRestarts_takesTheContainersOver_andTheirLivenessProbeFailsAgain() {
    Simulation sim = oneNode();
    sim.create(pod("sick", "\"liveness-fails-after.sim.converge.dev/main\":\"20s\"",
        ",\"livenessProbe\":{\"tcpSocket\":{\"port\":8080},\"periodSeconds\":5}", "", ""));
    sim.runFor(Duration.ofSeconds(10));
    sim.nodes().fail("node-0");
    sim.runFor(Duration.ofSeconds(5));
    sim.nodes().recover("node-0");
    // Taken over at 15 s as if started then: the probe fails from 35 s on, so nothing has failed at 34 s.
    sim.runFor(Duration.ofSeconds(19));
    assertThat(SimTesting.events(sim, "sick")).noneMatch(event -> event.startsWith("Unhealthy"));
    sim.runFor(Duration.ofSeconds(20));
    assertThat(SimTesting.events(sim, "sick")).anyMatch(event -> event.matches(
        "Unhealthy: Liveness probe failed: dial tcp 100\\.64\\.0\\.\\d+:8080: connect: connection refused \\(3\\)"))
        .contains("Killing: Container main failed liveness probe, will be restarted (1)");
  }

  @Test
  void aFlappingReadinessProbe_makesTheContainerUnready_onlyAfterItsFailureThreshold_thenReadyAgain() {
    Simulation sim = oneNode();
    String probe = ",\"readinessProbe\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8080},\"periodSeconds\":5}";
    sim.create(pod("flapping", "\"readiness-flaps.sim.converge.dev/main\":\"30s/20s\"", probe, "", ""));
    sim.create(pod("blip", "\"readiness-flaps.sim.converge.dev/main\":\"30s/5s\"", probe, "", ""));

    // Ready at r, 4 to 9 s in; failing from r + 30 s at 5 s ticks; not ready at the third failure (r + 40 s), ready
    // again once the probe passes at r + 50 s.
    sim.runFor(Duration.ofSeconds(30));
    assertThat(SimTesting.isReady(get(sim, "flapping"))).isTrue();
    sim.runFor(Duration.ofSeconds(20));
    Resource pod = get(sim, "flapping");
    assertThat(describe(pod, "Ready")).isEqualTo("False ContainersNotReady: containers with unready status: [main]");
    assertThat(container(pod, 0).at("/state/running").isObject()).isTrue();
    assertThat(container(pod, 0).path("restartCount").asInt()).isZero();
    // A failure shorter than the threshold's three periods only warns.
    assertThat(SimTesting.isReady(get(sim, "blip"))).isTrue();
    assertThat(SimTesting.events(sim, "blip"))
        .contains("Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (1)");

    sim.runFor(Duration.ofSeconds(10));
    assertThat(SimTesting.isReady(get(sim, "flapping"))).isTrue();
    assertThat(SimTesting.events(sim, "flapping"))
        .contains("Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 (4)");
  }

  @Test
  void aSlowStartWithinTheStartupProbesBudget_warnsForEachFailingProbe_thenTheContainerStartsAndBecomesReady() {
    Simulation sim = oneNode();
    sim.create(pod("slow", "\"startup-fails-for.sim.converge.dev/main\":\"20s\"",
        ",\"startupProbe\":{\"httpGet\":{\"path\":\"/started\",\"port\":8080},\"periodSeconds\":5,"
            + "\"failureThreshold\":6}", "", ""));

    // Started at 4 s; the probe ticks every 5 s from a seeded phase: four ticks fall in the first 20 s and fail,
    // the fifth passes, 20 to 25 s after the start. Liveness and readiness wait for it.
    sim.runFor(Duration.ofSeconds(23));
    Resource pod = get(sim, "slow");
    assertThat(container(pod, 0).path("started").asBoolean()).isFalse();
    assertThat(container(pod, 0).path("ready").asBoolean()).isFalse();
    assertThat(describe(pod, "Ready")).isEqualTo("False ContainersNotReady: containers with unready status: [main]");
    sim.runFor(Duration.ofSeconds(7));
    pod = get(sim, "slow");
    assertThat(container(pod, 0).path("started").asBoolean()).isTrue();
    assertThat(SimTesting.isReady(pod)).isTrue();
    assertThat(container(pod, 0).path("restartCount").asInt()).isZero();
    assertThat(SimTesting.events(sim, "slow"))
        .contains("Unhealthy: Startup probe failed: HTTP probe failed with statuscode: 503 (4)")
        .noneMatch(event -> event.startsWith("Killing"));
  }

  @Test
  void aStartLongerThanTheStartupProbesBudget_killsTheContainerAtTheThreshold_overAndOver() {
    Simulation sim = oneNode();
    sim.create(pod("stuck", "\"startup-fails-for.sim.converge.dev/main\":\"60s\"",
        ",\"startupProbe\":{\"tcpSocket\":{\"port\":8080},\"periodSeconds\":5}", "", ""));

    // Started at 4 s; three failing probes (the default threshold) 10 to 15 s after the start, then the kill and
    // the stop, and the crash back-off of 10 s before it starts over.
    sim.runFor(Duration.ofSeconds(22));
    Resource pod = get(sim, "stuck");
    assertThat(SimTesting.events(sim, "stuck")).anyMatch(event -> event.matches(
        "Unhealthy: Startup probe failed: dial tcp 100\\.64\\.0\\.\\d+:8080: connect: connection refused \\(3\\)"))
        .contains("Killing: Container main failed startup probe, will be restarted (1)");
    assertThat(container(pod, 0).path("restartCount").asInt()).isEqualTo(1);
    assertThat(container(pod, 0).path("started").asBoolean()).isFalse();
    assertThat(container(pod, 0).at("/lastState/terminated/exitCode").asInt()).isEqualTo(143);
    assertThat(container(pod, 0).at("/state/waiting/reason").asText()).isEqualTo("CrashLoopBackOff");

    // It never gets through: each start ends the same way, the back-off doubling.
    sim.runFor(Duration.ofMinutes(3));
    pod = get(sim, "stuck");
    assertThat(container(pod, 0).path("restartCount").asInt()).isGreaterThanOrEqualTo(3);
    assertThat(container(pod, 0).path("started").asBoolean()).isFalse();
    assertThat(SimTesting.isReady(pod)).isFalse();
  }

  @Test
  void aStartupFailureForAContainerWithoutAStartupProbe_isAConfigurationError() {
    Simulation sim = oneNode();
    sim.create(pod("noprobe", "\"startup-fails-for.sim.converge.dev/main\":\"20s\"", "", "", ""));
    sim.runFor(Duration.ofSeconds(6));
    assertThat(container(get(sim, "noprobe"), 0).at("/state/waiting/message").asText())
        .isEqualTo("startup-fails-for.sim.converge.dev/main: the container has no startupProbe to fail");
  }

  @Test
  void aLivenessFailureForAContainerWithoutAProbe_isAConfigurationError() {
    Simulation sim = oneNode();
    sim.create(pod("noprobe", "\"liveness-fails-after.sim.converge.dev/main\":\"20s\"", "", "", ""));
    sim.runFor(Duration.ofSeconds(6));
    assertThat(container(get(sim, "noprobe"), 0).at("/state/waiting/message").asText())
        .isEqualTo("liveness-fails-after.sim.converge.dev/main: the container has no livenessProbe to fail");
  }

  @Test
  void aContainerAnnotationThatNamesNoContainer_isAConfigurationError_notIgnored() {
    Simulation sim = oneNode();
    sim.create(pod("typo", "\"crash-after.sim.converge.dev/sidecar\":\"5s\"", "", "", ""));

    sim.runFor(Duration.ofSeconds(6));
    Resource pod = get(sim, "typo");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Pending");
    assertThat(container(pod, 0).at("/state/waiting/message").asText())
        .isEqualTo("crash-after.sim.converge.dev/sidecar: the pod has no container sidecar");
    assertThat(SimTesting.events(sim, "typo"))
        .contains("Failed: Error: crash-after.sim.converge.dev/sidecar: the pod has no container sidecar (1)");
  }

  @Test
  void readinessGates_holdReady_untilTheirConditionsAreTrue() {
    Simulation sim = oneNode();
    sim.create(pod("gated", "", "", "", ",\"readinessGates\":[{\"conditionType\":\"example.com/lb-ready\"}]"));

    sim.runFor(Duration.ofSeconds(6));
    Resource pod = get(sim, "gated");
    assertThat(describe(pod, "ContainersReady")).isEqualTo("True :");
    assertThat(describe(pod, "Ready")).isEqualTo(
        "False ReadinessGatesNotReady: corresponding condition of pod readiness gate \"example.com/lb-ready\" does not exist.");

    setGate(sim, "gated", "False");
    sim.runFor(Duration.ofSeconds(1));
    assertThat(describe(get(sim, "gated"), "Ready")).isEqualTo("False ReadinessGatesNotReady: the status of pod "
        + "readiness gate \"example.com/lb-ready\" is not \"True\", but False");

    setGate(sim, "gated", "True");
    sim.runFor(Duration.ofSeconds(1));
    pod = get(sim, "gated");
    assertThat(describe(pod, "Ready")).isEqualTo("True :");
    // The gate's condition, written by its controller, is kept by the kubelet's status updates.
    assertThat(describe(pod, "example.com/lb-ready")).isEqualTo("True :");
  }

  /** What a load balancer controller does: sets the gate's condition in the pod's status. */
  private static void setGate(Simulation sim, String name, String status) {
    Resource pod = get(sim, name);
    sim.server().updateStatus(Identity.admin(), pod.edit(tree -> {
      com.fasterxml.jackson.databind.node.ArrayNode conditions = tree.with("status").withArray("conditions");
      for (int i = conditions.size() - 1; i >= 0; i--) {
        if (conditions.get(i).path("type").asText().equals("example.com/lb-ready")) {
          conditions.remove(i);
        }
      }
      ObjectNode gate = conditions.addObject();
      gate.put("type", "example.com/lb-ready").put("status", status);
    }));
  }
}
