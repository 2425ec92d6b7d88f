package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.EVENT;
import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.events;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.podsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.FieldSelector;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.backend.ListRequest;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.CrashLoop;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Events the simulated components record, as {@code kubectl describe} would list them, and client-go's
 * correlation of them: de-duplication into counts, aggregation of similar events, the spam filter, and the API
 * server's TTL.
 */
class EventsScenarioTest {

  @Test
  void aDaemonSetPod_tellsItsStory_fromScheduledToStarted() {
    Simulation sim = Simulation.builder().seed(42).kubelet(fixedKubelet()).pool(NodePool.plain(2)).build().start();
    sim.runFor(Duration.ofSeconds(1));
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(1));

    List<Resource> pods = podsOf(sim, "DaemonSet", "agent");
    Resource pod = pods.get(0);
    String node = pod.spec().path("nodeName").asText();
    // Pull 3 s, start 1 s (fixedKubelet): kubectl describe pod's Events.
    assertThat(events(sim, pod.name())).containsExactly(
        "Scheduled: Successfully assigned default/" + pod.name() + " to " + node + " (1)",
        "Pulling: Pulling image \"agent:1\" (1)",
        "Pulled: Successfully pulled image \"agent:1\" in 3s (3s including waiting) (1)",
        "Created: Created container: main (1)",
        "Started: Started container main (1)");
    assertThat(events(sim, "agent")).containsExactlyInAnyOrder(
        "SuccessfulCreate: Created pod: " + pods.get(0).name() + " (1)",
        "SuccessfulCreate: Created pod: " + pods.get(1).name() + " (1)");
    assertThat(events(sim, node)).containsExactlyInAnyOrder(
        "Starting: Starting kubelet. (1)",
        "NodeHasSufficientMemory: Node " + node + " status is now: NodeHasSufficientMemory (1)",
        "NodeHasNoDiskPressure: Node " + node + " status is now: NodeHasNoDiskPressure (1)",
        "NodeHasSufficientPID: Node " + node + " status is now: NodeHasSufficientPID (1)",
        "NodeAllocatableEnforced: Updated Node Allocatable limit across pods (1)",
        "NodeReady: Node " + node + " status is now: NodeReady (1)",
        "RegisteredNode: Node " + node + " event: Registered Node " + node + " in Controller (1)");

    // What kubectl describe asks for: the pod's Events by field selector. The kubelet's are about the container.
    List<Resource> started = sim.server().list(Identity.admin(), ListRequest.all(EVENT).inNamespace("default")
        .withFields(FieldSelector.parse("involvedObject.name=" + pod.name() + ",involvedObject.uid=" + pod.uid()
            + ",reason=Started"))).items();
    assertThat(started).singleElement().satisfies(event -> {
      assertThat(event.name()).startsWith(pod.name() + ".");
      assertThat(event.json().path("involvedObject").toString()).isEqualTo(Json.object()
          .put("kind", "Pod").put("namespace", "default").put("name", pod.name()).put("uid", pod.uid())
          .put("apiVersion", "v1").put("resourceVersion", event.json().at("/involvedObject/resourceVersion").asText())
          .put("fieldPath", "spec.containers{main}").toString());
      assertThat(event.json().path("source").toString()).isEqualTo("{\"component\":\"kubelet\",\"host\":\"" + node
          + "\"}");
      assertThat(event.json().path("reportingComponent").asText()).isEqualTo("kubelet");
      assertThat(event.json().path("reportingInstance").asText()).isEqualTo(node);
      assertThat(event.json().path("type").asText()).isEqualTo("Normal");
      assertThat(event.json().path("firstTimestamp")).isEqualTo(event.json().path("lastTimestamp"));
    });
    // A cluster-scoped object's Events are in namespace default.
    assertThat(sim.server().cache().inNamespace(EVENT, "default").values())
        .anyMatch(e -> e.json().at("/involvedObject/kind").asText().equals("Node"));
  }

  @Test
  void aControllersEventsAboutOneObject_areAggregated_thenLimitedByTheSpamFilter() {
    Simulation sim = Simulation.builder().seed(42).kubelet(fixedKubelet()).pool(NodePool.plain(40)).build().start();
    sim.runFor(Duration.ofSeconds(1));
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(2));

    // 40 "Created pod" Events about one DaemonSet: the first nine are written as they are; from the tenth
    // distinct message within ten minutes they are combined into one Event whose count goes up; the spam
    // filter lets 25 through (its burst) and drops the other 15.
    List<String> about = events(sim, "agent");
    assertThat(about).hasSize(10);
    assertThat(about.subList(0, 9)).allMatch(line -> line.matches("SuccessfulCreate: Created pod: agent-\\w+ \\(1\\)"));
    assertThat(about.get(9)).matches(
        "SuccessfulCreate: \\(combined from similar events\\): Created pod: agent-\\w+ \\(16\\)");
    // Writes: 40 RegisteredNode creates (one per node) and 25 about the DaemonSet (10 creates, 15 patches).
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-controller-manager")
        && r.resource().equals("events") && r.verb().equals("create"))).isEqualTo(40 + 10);
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-controller-manager")
        && r.resource().equals("events") && r.verb().equals("patch"))).isEqualTo(15);
  }

  @Test
  void aCrashLoop_countsItsBackOffs_inOneEvent() {
    Simulation sim = Simulation.builder().seed(42).kubelet(fixedKubelet()).pool(NodePool.plain(1)).build().start();
    sim.nodes().crashLoop(new CrashLoop("default", LabelSelector.equal("app", "flaky"), Duration.ofSeconds(5)));
    sim.runFor(Duration.ofSeconds(1));
    sim.create(deployment("flaky", 1, "flaky:1"));
    sim.runFor(Duration.ofMinutes(3));
    Resource pod = SimTesting.deploymentPods(sim, "flaky").get(0);
    // Up at 4 s, then crashing 5 s after each start and restarted after 10, 20, 40 and 80 s of back-off (+1 s
    // start): four restarts in three minutes, each the same Event again, so counted rather than repeated.
    assertThat(events(sim, pod.name())).containsExactly(
        "Scheduled: Successfully assigned default/" + pod.name() + " to node-0 (1)",
        "Pulling: Pulling image \"flaky:1\" (1)",
        "Pulled: Successfully pulled image \"flaky:1\" in 3s (3s including waiting) (1)",
        "Created: Created container: main (5)",
        "Started: Started container main (5)",
        "BackOff: Back-off restarting failed container main in pod " + pod.name() + "_default(" + pod.uid() + ") (4)",
        "Pulled: Container image \"flaky:1\" already present on machine (4)");
  }

  @Test
  void events_expireAnHourAfterTheirLastWrite() {
    Simulation sim = Simulation.builder().seed(42).kubelet(fixedKubelet()).pool(NodePool.plain(1)).build().start();
    sim.runFor(Duration.ofSeconds(1));
    // The node's seven Events, written in its first second; nothing else happens on an idle node.
    assertThat(sim.server().cache().objects(EVENT)).hasSize(7);
    sim.runFor(Duration.ofMinutes(58));
    assertThat(sim.server().cache().objects(EVENT)).hasSize(7);
    // An hour after they were written, the first request that comes (a Lease renewal) finds them gone.
    sim.runFor(Duration.ofMinutes(2).plusSeconds(15));
    assertThat(sim.server().cache().objects(EVENT)).isEmpty();
  }
}
