package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.POD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.node.CrashLoop;
import dev.converge.inmemory.sim.node.DelayRange;
import dev.converge.inmemory.sim.node.Kubelet;
import dev.converge.inmemory.sim.node.KubeletConfig;
import dev.converge.inmemory.sim.node.NodePool;
import dev.converge.inmemory.sim.node.PodStartup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's pod lifecycle with fixed delays: Pending → Running → Ready after the image pull (once per node,
 * one pull at a time) and the container start; readiness probes; crash loops with the kubelet's back-off;
 * deletions within the grace period.
 */
class KubeletScenarioTest {
  private static final Duration PULL = Duration.ofSeconds(3);

  private static Simulation oneNode(PodStartup startup) {
    KubeletConfig kubelet = KubeletConfig.defaults().withRegistrationWindow(Duration.ZERO).withStartup(startup);
    Simulation sim = Simulation.builder().seed(1).kubelet(kubelet).watchLatency(Duration.ZERO)
        .schedulerCycle(Duration.ZERO).pool(NodePool.plain(1)).build().start();
    sim.runFor(Duration.ofSeconds(1));
    return sim;
  }

  private static PodStartup fixed() {
    return PodStartup.defaults().withDefaultPull(DelayRange.fixed(PULL))
        .withContainerStart(DelayRange.fixed(Duration.ofSeconds(1))).withStop(DelayRange.fixed(Duration.ofSeconds(2)));
  }

  private static String pod(String name, String image, String extra) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","labels":{"app":"%s"}%s},
         "spec":{"nodeName":"node-0","containers":[{"name":"main","image":"%s"}]}}"""
        .formatted(name, name, extra, image);
  }

  private static Resource get(Simulation sim, String name) {
    return SimTesting.get(sim, POD, "default", name);
  }

  private static String phase(Simulation sim, String name) {
    Resource pod = get(sim, name);
    return pod == null ? "gone" : pod.status().path("phase").asText() + (SimTesting.isReady(pod) ? "+Ready" : "");
  }

  /** The pod's phase sampled every {@code step} for {@code count} steps. */
  private static List<String> timeline(Simulation sim, String name, Duration step, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sim.runFor(step);
      out.add(phase(sim, name));
    }
    return out;
  }

  @Test
  void pod_isPendingWhileItsImageIsPulled_thenRunningAndReady() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("a", "nginx:1", ""));

    // Pull 3 s, start 1 s: Running and Ready at 4 s.
    assertThat(timeline(sim, "a", Duration.ofMillis(1000), 5))
        .containsExactly("Pending", "Pending", "Pending", "Running+Ready", "Running+Ready");
    JsonNode status = get(sim, "a").status();
    assertThat(status.path("podIP").asText()).isEqualTo("100.64.0.1");
    assertThat(status.path("hostIP").asText()).isEqualTo("172.16.0.0");
    assertThat(status.at("/containerStatuses/0/state/running").isObject()).isTrue();
  }

  /** A pod whose spec has {@code initContainers} (JSON, without the brackets) before its one container. */
  private static String withInits(String name, String annotations, String inits, String restartPolicy) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","annotations":{%s}},
         "spec":{"nodeName":"node-0","restartPolicy":"%s","initContainers":[%s],
                 "containers":[{"name":"main","image":"nginx:1"}]}}"""
        .formatted(name, annotations, restartPolicy, inits);
  }

  private static String waiting(JsonNode containerStatus) {
    return containerStatus.at("/state/waiting/reason").asText();
  }

  @Test
  void initContainers_runOneAtATime_beforeTheContainers_reportedAsTheKubeletReportsThem() {
    Simulation sim = oneNode(fixed());
    sim.create(withInits("web", "\"sim.converge.dev/init-run-for\":\"2s\"",
        "{\"name\":\"init-a\",\"image\":\"busybox:1\"},{\"name\":\"init-b\",\"image\":\"busybox:1\"}", "Always"));
    // init-a: pull 0–3 s, start 4 s, exits 0 at 6 s; init-b: image present, start 7 s, exits at 9 s; then nginx:
    // pull 9–12 s, start 13 s.
    sim.runFor(Duration.ofSeconds(5));
    JsonNode status = get(sim, "web").status();
    assertThat(status.path("phase").asText()).isEqualTo("Pending");
    // Its sandbox is up (its volumes were set up at once): the first condition the kubelet writes, since 1.29.
    assertThat(status.at("/conditions/0/type").asText()).isEqualTo("PodReadyToStartContainers");
    assertThat(status.at("/conditions/0/status").asText()).isEqualTo("True");
    assertThat(status.at("/conditions/1").toString()).contains("\"type\":\"Initialized\",\"status\":\"False\"",
        "\"reason\":\"ContainersNotInitialized\",\"message\":\"containers with incomplete status: [init-a init-b]\"");
    assertThat(status.at("/initContainerStatuses/0/state/running").isObject()).isTrue();
    assertThat(status.at("/initContainerStatuses/0/started").asBoolean()).isTrue();
    assertThat(waiting(status.at("/initContainerStatuses/1"))).isEqualTo("PodInitializing");
    assertThat(waiting(status.at("/containerStatuses/0"))).isEqualTo("PodInitializing");

    sim.runFor(Duration.ofSeconds(3));
    status = get(sim, "web").status();
    JsonNode first = status.at("/initContainerStatuses/0");
    assertThat(first.at("/state/terminated/reason").asText()).isEqualTo("Completed");
    assertThat(first.at("/state/terminated/exitCode").asInt()).isZero();
    assertThat(first.path("ready").asBoolean()).isTrue();
    assertThat(first.path("started").asBoolean()).isFalse();
    assertThat(status.at("/initContainerStatuses/1/state/running").isObject()).isTrue();
    assertThat(status.at("/conditions/1/message").asText()).isEqualTo("containers with incomplete status: [init-b]");

    assertThat(timeline(sim, "web", Duration.ofSeconds(1), 6)).containsExactly("Pending", "Pending", "Pending",
        "Pending", "Running+Ready", "Running+Ready");
    status = get(sim, "web").status();
    assertThat(status.at("/conditions/1/status").asText()).isEqualTo("True");
    assertThat(status.at("/initContainerStatuses/1/state/terminated/reason").asText()).isEqualTo("Completed");
    assertThat(SimTesting.events(sim, "web")).containsSubsequence(
        "Pulling: Pulling image \"busybox:1\" (1)", "Created: Created container: init-a (1)",
        "Started: Started container init-a (1)", "Pulled: Container image \"busybox:1\" already present on machine (1)",
        "Created: Created container: init-b (1)", "Pulling: Pulling image \"nginx:1\" (1)",
        "Created: Created container: main (1)");
  }

  @Test
  void aFailingInitContainer_isRestartedOnTheCrashBackOff_orFailsAPodThatIsNeverRestarted() {
    Simulation sim = oneNode(fixed());
    String failing = "\"sim.converge.dev/init-run-for\":\"1s\",\"sim.converge.dev/init-exit-code\":\"2\"";
    sim.create(withInits("looping", failing, "{\"name\":\"init\",\"image\":\"busybox:1\"}", "Always"));
    sim.create(withInits("once", failing, "{\"name\":\"init\",\"image\":\"busybox:1\"}", "Never"));
    sim.runFor(Duration.ofSeconds(40));

    JsonNode looping = get(sim, "looping").status();
    assertThat(looping.path("phase").asText()).isEqualTo("Pending");
    JsonNode init = looping.at("/initContainerStatuses/0");
    // Exits at 5 s; back-off 10 s, start 1 s: runs again 16–17 s; back-off 20 s, start 1 s: 38–39 s; now waiting.
    assertThat(init.path("restartCount").asInt()).isEqualTo(3);
    assertThat(waiting(init)).isEqualTo("CrashLoopBackOff");
    assertThat(init.at("/lastState/terminated/exitCode").asInt()).isEqualTo(2);
    assertThat(init.at("/lastState/terminated/reason").asText()).isEqualTo("Error");
    assertThat(waiting(looping.at("/containerStatuses/0"))).isEqualTo("PodInitializing");
    assertThat(SimTesting.events(sim, "looping")).anyMatch(event -> event.startsWith(
        "BackOff: Back-off restarting failed container init in pod looping_default("));

    JsonNode once = get(sim, "once").status();
    assertThat(once.path("phase").asText()).isEqualTo("Failed");
    assertThat(once.at("/initContainerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(2);
    assertThat(once.at("/initContainerStatuses/0/restartCount").asInt()).isZero();
    assertThat(waiting(once.at("/containerStatuses/0"))).isEqualTo("PodInitializing");
    assertThat(SimTesting.events(sim, "once")).noneMatch(event -> event.contains("main"));
  }

  @Test
  void aSidecar_onlyHasToStart_andRunsBesideTheContainers_untilThePodStops() {
    Simulation sim = oneNode(fixed());
    sim.create(withInits("proxied", "", "{\"name\":\"proxy\",\"image\":\"envoy:1\",\"restartPolicy\":\"Always\"}",
        "Always"));
    // envoy: pull 0–3 s, start 4 s; nginx: pull 4–7 s, start 8 s.
    assertThat(timeline(sim, "proxied", Duration.ofSeconds(1), 9)).containsExactly("Pending", "Pending", "Pending",
        "Pending", "Pending", "Pending", "Pending", "Running+Ready", "Running+Ready");
    JsonNode proxy = get(sim, "proxied").status().at("/initContainerStatuses/0");
    assertThat(proxy.at("/state/running").isObject()).isTrue();
    assertThat(proxy.path("ready").asBoolean()).isTrue();
    assertThat(proxy.path("started").asBoolean()).isTrue();

    List<Resource> last = new ArrayList<>();
    sim.server().watch(Identity.admin(), WatchRequest.all(POD).inNamespace("default"), event -> last.add(event.object()));
    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "proxied"), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(5));
    // Its final status before the delete: the sidecar stopped with the containers, by SIGTERM.
    JsonNode stopped = last.stream().filter(p -> p.status().path("phase").asText().equals("Failed")).findFirst()
        .orElseThrow().status();
    assertThat(stopped.at("/initContainerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(143);
    assertThat(stopped.at("/conditions/0/status").asText()).as("its sandbox gone").isEqualTo("False");
    assertThat(stopped.at("/containerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(143);
    assertThat(SimTesting.events(sim, "proxied")).contains("Killing: Stopping container proxy (1)",
        "Killing: Stopping container main (1)");
  }

  @Test
  void anImagePulledOnce_isCachedOnTheNode_andPullsRunOneAtATime() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("a", "nginx:1", ""));
    sim.create(pod("b", "redis:7", ""));
    sim.runFor(Duration.ofMillis(4500));
    // a: pull 0–3 s, start 4 s. b: its pull waits for a's, 3–6 s, start 7 s.
    assertThat(phase(sim, "a")).isEqualTo("Running+Ready");
    assertThat(phase(sim, "b")).isEqualTo("Pending");
    sim.runFor(Duration.ofSeconds(3));
    assertThat(phase(sim, "b")).isEqualTo("Running+Ready");

    sim.create(pod("c", "nginx:1", ""));
    // Cached: only the 1 s start.
    assertThat(timeline(sim, "c", Duration.ofMillis(500), 3)).containsExactly("Pending", "Running+Ready",
        "Running+Ready");
  }

  @Test
  void readinessProbe_delaysReady() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("a", "nginx:1", "").replace("\"image\":\"nginx:1\"",
        "\"image\":\"nginx:1\",\"readinessProbe\":{\"initialDelaySeconds\":5,\"periodSeconds\":1}"));
    sim.runFor(Duration.ofMillis(4500));
    assertThat(phase(sim, "a")).isEqualTo("Running");
    sim.runFor(Duration.ofSeconds(6));
    assertThat(phase(sim, "a")).isEqualTo("Running+Ready");
  }

  @Test
  void crashLoop_restartsWithTheKubeletsBackoff_andIsNotReadyMeanwhile() {
    Simulation sim = oneNode(fixed());
    sim.nodes().crashLoop(new CrashLoop("default", LabelSelector.equal("app", "flaky"), Duration.ofSeconds(5)));
    sim.create(pod("flaky", "flaky:1", ""));
    List<Integer> restarts = new ArrayList<>();
    List<String> phases = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      sim.runFor(Duration.ofSeconds(5));
      Resource pod = get(sim, "flaky");
      restarts.add(pod.status().at("/containerStatuses/0/restartCount").asInt());
      phases.add(SimTesting.isReady(pod) ? "ready" : pod.status().at("/containerStatuses/0/state/waiting/reason").asText("up"));
    }

    // Sampled every 5 s after creation. Up at 4 s, crash at 9 s; back-off 10 s and a 1 s start: up at 20 s,
    // crash at 25 s; back-off 20 s: up at 46 s, crash at 51 s; back-off 40 s.
    assertThat(restarts).containsExactly(0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3);
    String loop = "CrashLoopBackOff";
    assertThat(phases).containsExactly("ready", loop, loop, "ready", loop, loop, loop, loop, loop, "ready", loop, loop);
    assertThat(get(sim, "flaky").status().path("phase").asText()).isEqualTo("Running");
  }

  @Test
  void crashAnnotation_failsAPodThatNeverRestarts() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("once", "job:1", ",\"annotations\":{\"sim.converge.dev/crash-after\":\"2s\"}")
        .replace("\"containers\"", "\"restartPolicy\":\"Never\",\"containers\""));
    sim.runFor(Duration.ofSeconds(10));
    assertThat(phase(sim, "once")).isEqualTo("Failed");
  }

  private static String withPolicy(String pod, String policy) {
    return pod.replace("\"containers\"", "\"restartPolicy\":\"" + policy + "\",\"containers\"");
  }

  private static String annotated(String name, String annotations) {
    return pod(name, "job:1", ",\"annotations\":{" + annotations + "}");
  }

  @Test
  void runToCompletionPod_succeedsAfterItsRunTime_withATerminatedStateAndPodCompletedConditions() {
    Simulation sim = oneNode(fixed().withRun(DelayRange.fixed(Duration.ofSeconds(5))));
    sim.create(withPolicy(pod("once", "job:1", ""), "Never"));

    // Up at 4 s (pull 3 s, start 1 s), exits 0 five seconds later.
    assertThat(timeline(sim, "once", Duration.ofSeconds(2), 5))
        .containsExactly("Pending", "Running+Ready", "Running+Ready", "Running+Ready", "Succeeded");
    JsonNode status = get(sim, "once").status();
    JsonNode terminated = status.at("/containerStatuses/0/state/terminated");
    assertThat(terminated.path("exitCode").asInt(-1)).isZero();
    assertThat(terminated.path("reason").asText()).isEqualTo("Completed");
    assertThat(terminated.path("containerID").asText()).startsWith("containerd://");
    assertThat(terminated.path("startedAt").asText()).isNotEmpty().isNotEqualTo(terminated.path("finishedAt").asText());
    assertThat(status.at("/containerStatuses/0/ready").asBoolean(true)).isFalse();
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().endsWith("Ready")) {
        assertThat(condition.path("status").asText()).isEqualTo("False");
        assertThat(condition.path("reason").asText()).isEqualTo("PodCompleted");
      }
    }
    // A pod that always restarts is not run to completion: no run time applies.
    sim.create(pod("server", "job:1", ""));
    sim.runFor(Duration.ofMinutes(5));
    assertThat(phase(sim, "server")).isEqualTo("Running+Ready");
  }

  @Test
  void activeDeadlineSeconds_failsAPodThatRunsTooLong_withDeadlineExceeded_andStopsItsContainers() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("bounded", "server:1", "").replace("\"nodeName\"", "\"activeDeadlineSeconds\":30,\"nodeName\""));
    sim.create(pod("open", "server:1", ""));

    // Up at 4 s; the deadline counts from the start time (0 s), so the pod fails at 30 s, however long it ran.
    assertThat(timeline(sim, "bounded", Duration.ofSeconds(10), 4))
        .containsExactly("Running+Ready", "Running+Ready", "Failed", "Failed");
    JsonNode status = get(sim, "bounded").status();
    assertThat(status.path("reason").asText()).isEqualTo("DeadlineExceeded");
    assertThat(status.path("message").asText()).isEqualTo("Pod was active on the node longer than the specified deadline");
    assertThat(status.at("/containerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(143);
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().endsWith("Ready")) {
        assertThat(condition.path("status").asText() + "/" + condition.path("reason").asText()).isEqualTo("False/PodFailed");
      }
    }
    assertThat(SimTesting.events(sim, "bounded")).contains(
        "DeadlineExceeded: Pod was active on the node longer than the specified deadline (1)",
        "Killing: Stopping container main (1)");
    assertThat(get(sim, "bounded").isBeingDeleted()).as("failed, not deleted").isFalse();
    assertThat(phase(sim, "open")).isEqualTo("Running+Ready");
  }

  @Test
  void aShorterActiveDeadline_setLater_moves_theCheck() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("bounded", "server:1", "").replace("\"nodeName\"", "\"activeDeadlineSeconds\":600,\"nodeName\""));
    sim.runFor(Duration.ofSeconds(20));
    sim.server().patch(Identity.admin(), get(sim, "bounded").key(), PatchType.MERGE,
        Json.parse("{\"spec\":{\"activeDeadlineSeconds\":25}}"), PatchOptions.defaults());
    sim.runFor(Duration.ofSeconds(4));
    assertThat(phase(sim, "bounded")).isEqualTo("Running+Ready");
    sim.runFor(Duration.ofSeconds(2));
    assertThat(phase(sim, "bounded")).isEqualTo("Failed");
  }

  @Test
  void exitCodeAnnotation_failsANeverPod_andRestartsAnOnFailurePodUntilItSucceeds() {
    Simulation sim = oneNode(fixed());
    sim.create(withPolicy(annotated("bad", "\"sim.converge.dev/run-for\":\"2s\",\"sim.converge.dev/exit-code\":\"3\""),
        "Never"));
    sim.create(withPolicy(annotated("retry", "\"sim.converge.dev/crash-after\":\"2s\""), "OnFailure"));
    sim.runFor(Duration.ofSeconds(10));

    assertThat(phase(sim, "bad")).isEqualTo("Failed");
    assertThat(get(sim, "bad").status().at("/containerStatuses/0/state/terminated/exitCode").asInt()).isEqualTo(3);
    assertThat(get(sim, "bad").status().at("/containerStatuses/0/state/terminated/reason").asText())
        .isEqualTo("Error");
    // retry shares bad's pull: up at 4 s, exits 1 at 6 s; OnFailure restarts it after 10 s of back-off, counting
    // the restart and keeping the exit in lastState.
    Resource retry = get(sim, "retry");
    assertThat(retry.status().path("phase").asText()).isEqualTo("Running");
    assertThat(retry.status().at("/containerStatuses/0/restartCount").asInt()).isEqualTo(1);
    assertThat(retry.status().at("/containerStatuses/0/lastState/terminated/exitCode").asInt()).isEqualTo(1);
  }

  @Test
  void alwaysPod_thatExitsZero_isRestartedWithTheBackoff_andShowsCompletedInItsLastState() {
    Simulation sim = oneNode(fixed());
    sim.create(annotated("short", "\"sim.converge.dev/run-for\":\"2s\""));
    sim.runFor(Duration.ofMillis(6500));
    // Up at 4 s, exits 0 at 6 s: Always restarts it, after 10 s of back-off.
    Resource pod = get(sim, "short");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Running");
    assertThat(pod.status().at("/containerStatuses/0/state/waiting/reason").asText()).isEqualTo("CrashLoopBackOff");
    assertThat(pod.status().at("/containerStatuses/0/lastState/terminated/reason").asText()).isEqualTo("Completed");
    assertThat(pod.status().at("/containerStatuses/0/lastState/terminated/exitCode").asInt(-1)).isZero();
    sim.runFor(Duration.ofSeconds(12));
    assertThat(phase(sim, "short")).isEqualTo("Running+Ready");
  }

  @Test
  void runForNever_keepsARunToCompletionPodRunning() {
    Simulation sim = oneNode(fixed().withRun(DelayRange.fixed(Duration.ofSeconds(5))));
    sim.create(withPolicy(annotated("daemon", "\"sim.converge.dev/run-for\":\"never\""), "Never"));
    sim.runFor(Duration.ofMinutes(10));
    assertThat(phase(sim, "daemon")).isEqualTo("Running+Ready");
  }

  @Test
  void anAnnotationThatDoesNotParse_isACreateContainerConfigError_namedInAnEvent() {
    Simulation sim = oneNode(fixed());
    sim.create(withPolicy(annotated("typo", "\"sim.converge.dev/run-for\":\"5 minutes\""), "Never"));
    sim.create(annotated("code", "\"sim.converge.dev/crash-after\":\"5s\",\"sim.converge.dev/exit-code\":\"300\""));
    sim.create(withPolicy(annotated("indexes", "\"sim.converge.dev/failing-indexes\":\"2-1\""), "Never"));
    sim.runFor(Duration.ofSeconds(30));

    JsonNode waiting = get(sim, "typo").status().at("/containerStatuses/0/state/waiting");
    assertThat(waiting.path("reason").asText()).isEqualTo("CreateContainerConfigError");
    assertThat(waiting.path("message").asText())
        .isEqualTo("sim.converge.dev/run-for: not a duration (like 30s, 2m, 500ms): 5 minutes");
    assertThat(phase(sim, "typo")).isEqualTo("Pending");
    assertThat(SimTesting.events(sim, "typo"))
        .contains("Failed: Error: sim.converge.dev/run-for: not a duration (like 30s, 2m, 500ms): 5 minutes (1)");
    assertThat(get(sim, "code").status().at("/containerStatuses/0/state/waiting/message").asText())
        .isEqualTo("sim.converge.dev/exit-code: not an exit code from 0 to 255: 300");
    assertThat(get(sim, "indexes").status().at("/containerStatuses/0/state/waiting/message").asText())
        .isEqualTo("sim.converge.dev/failing-indexes: not a list of indexes such as 1,3-5: 2-1");
  }

  @Test
  void delete_stopsTheContainers_thenTheKubeletRemovesThePod_withinTheGracePeriod() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("a", "nginx:1", ""));
    sim.create(pod("b", "nginx:1", "").replace("\"containers\"", "\"terminationGracePeriodSeconds\":1,\"containers\""));
    sim.runFor(Duration.ofSeconds(10));

    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "a"), DeleteParams.defaults());
    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "b"), DeleteParams.defaults());
    assertThat(get(sim, "a").isBeingDeleted()).isTrue();
    // a stops in 2 s (within its 30 s grace), b is cut short at its 1 s grace. Each is reported Failed, its
    // container terminated by the stop signal, before its final delete (kubelets since 1.27): what a watcher sees.
    List<String> seen = new ArrayList<>();
    sim.server().watch(Identity.admin(), WatchRequest.all(POD).inNamespace("default"),
        event -> seen.add(event.type() + " " + event.object().name() + " " + terminal(event.object())));
    sim.runFor(Duration.ofMillis(1500));
    assertThat(phase(sim, "b")).isEqualTo("gone");
    assertThat(phase(sim, "a")).isNotEqualTo("gone");
    sim.runFor(Duration.ofSeconds(1));
    assertThat(phase(sim, "a")).isEqualTo("gone");
    assertThat(seen).containsSubsequence("MODIFIED b Failed 143 Error", "DELETED b Failed 143 Error",
        "MODIFIED a Failed 143 Error", "DELETED a Failed 143 Error");
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:node:node-0")
        && r.verb().equals("delete"))).isEqualTo(2);
  }

  @Test
  void containersThatWereNotRunning_whenThePodEnds_areReportedContainerStatusUnknown() {
    Simulation sim = oneNode(fixed());
    // Its deadline passes during the 3 s pull: the container never started.
    sim.create(pod("slow", "big:1", "").replace("\"nodeName\"", "\"activeDeadlineSeconds\":2,\"nodeName\""));
    // Crashes 5 s after its start at 4 s and waits out a 10 s back-off: deleted at 12 s, it is not running.
    sim.nodes().crashLoop(new CrashLoop("default", LabelSelector.equal("app", "flaky"), Duration.ofSeconds(5)));
    sim.create(pod("flaky", "flaky:1", ""));
    sim.runFor(Duration.ofSeconds(12));
    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "flaky"), DeleteParams.defaults());
    List<String> seen = new ArrayList<>();
    List<Resource> last = new ArrayList<>();
    sim.server().watch(Identity.admin(), WatchRequest.all(POD).inNamespace("default"), event -> {
      if (event.object().name().equals("flaky")) {
        seen.add(event.type() + " " + terminal(event.object()));
        last.add(event.object());
      }
    });
    sim.runFor(Duration.ofSeconds(5));

    // status_manager.go TerminatePod: not terminated in an initialized pod → ContainerStatusUnknown, 137.
    JsonNode container = get(sim, "slow").status().at("/containerStatuses/0");
    assertThat(get(sim, "slow").status().path("phase").asText()).isEqualTo("Failed");
    assertThat(container.at("/state/terminated").toString()).isEqualTo("{\"exitCode\":137,\"reason\":"
        + "\"ContainerStatusUnknown\",\"message\":\"The container could not be located when the pod was terminated\"}");
    assertThat(container.has("containerID")).as("never created").isFalse();
    assertThat(container.path("started").asBoolean()).isFalse();
    // The crash-looping pod: its last state keeps the crash it was backing off from.
    assertThat(seen).containsSubsequence("MODIFIED Failed 137 ContainerStatusUnknown",
        "DELETED Failed 137 ContainerStatusUnknown");
    JsonNode flaky = last.get(last.size() - 1).status().at("/containerStatuses/0");
    assertThat(flaky.at("/lastState/terminated/reason").asText()).isEqualTo("Error");
    assertThat(flaky.path("restartCount").asInt()).isEqualTo(1);
  }

  @Test
  void theKubelet_watchesItsNode_theServices_runtimeClassesAndCsiDrivers_andEachSecretOrConfigMapItsPodsUse_once() {
    Simulation sim = oneNode(fixed());
    sim.runFor(Duration.ofSeconds(5));
    Kubelet kubelet = sim.nodes().kubelet("node-0");
    assertThat(kubelet.openWatches()).as("pods, its Node, the Services, RuntimeClasses, CSIDrivers").isEqualTo(5);
    sim.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"frozen","namespace":"default"},"immutable":true,
         "data":{"a":"1"}}""");
    String uses = """
        "containers":[{"name":"main","image":"agent:1","env":[{"name":"KEY","valueFrom":{"secretKeyRef":
          {"name":"api-key","key":"key"}}}],"envFrom":[{"configMapRef":{"name":"settings"}}]}],
        "volumes":[{"name":"c","configMap":{"name":"frozen"}},
                   {"name":"p","projected":{"sources":[{"secret":{"name":"api-key"}},{"configMap":{"name":"ca"}}]}}]""";
    sim.create(pod("a", "agent:1", "").replaceFirst("\"containers\":\\[.*\\]", uses));
    sim.create(pod("b", "agent:1", "").replaceFirst("\"containers\":\\[.*\\]", uses));
    sim.runFor(Duration.ofSeconds(5));

    // api-key, settings, ca and the token volume's kube-root-ca.crt, once each for both pods; frozen is immutable:
    // listed, then no longer watched.
    assertThat(kubelet.openWatches()).isEqualTo(9);
    List<String> reads = new ArrayList<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals("system:node:node-0") && (r.verb().equals("list") || r.verb().equals("watch"))) {
        reads.add(r.verb() + " " + r.resource() + (r.namespace().isEmpty() ? "" : " " + r.namespace()));
      }
    }
    assertThat(reads).containsExactlyInAnyOrder("list nodes", "watch nodes", "list services", "watch services",
        "list runtimeclasses", "watch runtimeclasses", "list csidrivers", "watch csidrivers", "list pods", "watch pods", "list secrets default", "watch secrets default", "list configmaps default",
        "watch configmaps default", "list configmaps default", "watch configmaps default", "list configmaps default",
        "watch configmaps default", "list configmaps default", "watch configmaps default");

    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "a"), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(5));
    assertThat(kubelet.openWatches()).as("b still uses them").isEqualTo(9);
    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "Pod", "default", "b"), DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(5));
    assertThat(kubelet.openWatches()).isEqualTo(5);
  }

  @Test
  void theKubelet_createsItsCsiNode_ownedByItsNode_withTheMigratedPlugins() {
    Simulation sim = oneNode(fixed());
    sim.runFor(Duration.ofSeconds(5));
    Resource node = SimTesting.get(sim, SimTesting.NODE, "", "node-0");
    Resource csiNode = SimTesting.get(sim, dev.converge.api.GroupKind.of("storage.k8s.io", "CSINode"), "", "node-0");
    assertThat(csiNode.annotations()).containsEntry("storage.alpha.kubernetes.io/migrated-plugins",
        "kubernetes.io/aws-ebs,kubernetes.io/azure-disk,kubernetes.io/azure-file,kubernetes.io/cinder,"
            + "kubernetes.io/gce-pd,kubernetes.io/portworx-volume,kubernetes.io/vsphere-volume");
    assertThat(csiNode.ownerReferences()).singleElement().satisfies(owner -> {
      assertThat(owner.kind()).isEqualTo("Node");
      assertThat(owner.uid()).isEqualTo(node.uid());
    });
    assertThat(csiNode.spec().path("drivers").isEmpty()).isTrue();
    List<String> calls = new ArrayList<>();
    for (RequestRecord r : sim.cluster().requests().records()) {
      if (r.identity().equals("system:node:node-0") && r.resource().equals("csinodes")) {
        calls.add(r.verb() + " " + r.code());
      }
    }
    // Is the API server up (404 says yes), is the CSINode there, then, after reading its Node, the create.
    assertThat(calls).containsExactly("get 404", "get 404", "create 201");
  }

  @Test
  void aMissingSecretVolume_holdsThePodInContainerCreating_withFailedMount_untilTheSecretExists() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("mounted", "nginx:1", "").replace("\"containers\"",
        "\"volumes\":[{\"name\":\"creds\",\"secret\":{\"secretName\":\"creds\"}},"
            + "{\"name\":\"extra\",\"configMap\":{\"name\":\"extra\",\"optional\":true}}],\"containers\""));
    sim.runFor(Duration.ofSeconds(30));

    Resource pod = get(sim, "mounted");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Pending");
    // No sandbox before the volumes are set up.
    assertThat(pod.status().at("/conditions/0").toString()).startsWith(
        "{\"type\":\"PodReadyToStartContainers\",\"status\":\"False\"");
    assertThat(pod.status().at("/containerStatuses/0/state/waiting/reason").asText()).isEqualTo("ContainerCreating");
    // Tried at 0 s, then after 0.5, 1, 2, 4 and 8 s: six failures by 30 s, one Event counting them; the optional
    // ConfigMap is not waited for; no image is pulled before the volumes are set up.
    assertThat(SimTesting.events(sim, "mounted")).containsExactly(
        "FailedMount: MountVolume.SetUp failed for volume \"creds\" : secret \"creds\" not found (6)");

    sim.create("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"creds","namespace":"default"},"data":{"k":"dg=="}}""");
    // The next try, 16 s after the last (31.5 s), finds it; then the 3 s pull and the 1 s start: up at 35.5 s.
    assertThat(timeline(sim, "mounted", Duration.ofSeconds(5), 2)).containsExactly("Pending", "Running+Ready");
  }

  @Test
  void aPodsToken_isAskedForBoundToThePod_andRefreshedAtFourFifthsOfItsLife() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("web", "nginx:1", ""));
    sim.runFor(Duration.ofSeconds(10));
    assertThat(phase(sim, "web")).isEqualTo("Running+Ready");
    List<RequestRecord> first = tokenRequests(sim);
    assertThat(first).extracting(r -> r.identity() + " " + r.verb() + " " + r.resourceWithSubresource() + " "
        + r.namespace() + "/" + r.name() + " " + r.code())
        .containsExactly("system:node:node-0 create serviceaccounts/token default/default 201");

    // 3607 s, less a fifth (721 s) and up to 10 s of jitter, then the first pod sync after that (60 to 90 s apart).
    sim.runFor(Duration.ofMinutes(60));
    List<RequestRecord> all = tokenRequests(sim);
    assertThat(all).hasSize(2);
    double seconds = (all.get(1).startNanos() - all.get(0).startNanos()) / 1e9;
    assertThat(seconds).isBetween(2886.0 - 10, 2886.0 + 90);
    assertThat(SimTesting.events(sim, "web")).noneMatch(event -> event.startsWith("FailedMount"));
  }

  @Test
  void aTokenRefused_holdsThePodWithFailedMount_untilItsAccountExists() {
    Simulation sim = oneNode(fixed());
    sim.create("""
        {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"robot","namespace":"default"}}""");
    sim.create(pod("web", "nginx:1", "").replace("\"containers\"", "\"serviceAccountName\":\"robot\",\"containers\""));
    // Deleted after the pod was admitted, before the kubelet asks for its token.
    sim.server().delete(Identity.admin(), ResourceKey.namespaced("", "ServiceAccount", "default", "robot"),
        DeleteParams.defaults());
    sim.runFor(Duration.ofSeconds(20));
    assertThat(get(sim, "web").status().at("/containerStatuses/0/state/waiting/reason").asText())
        .isEqualTo("ContainerCreating");
    assertThat(SimTesting.events(sim, "web")).hasSize(1).allMatch(event -> event.matches(
        "FailedMount: MountVolume.SetUp failed for volume \"kube-api-access-[a-z0-9]{5}\" : failed to fetch token: "
            + "serviceaccounts \"robot\" not found \\(\\d\\)"));

    sim.create("""
        {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"robot","namespace":"default"}}""");
    sim.runFor(Duration.ofSeconds(30));
    assertThat(phase(sim, "web")).isEqualTo("Running+Ready");
    assertThat(tokenRequests(sim)).extracting(RequestRecord::code).endsWith(201);
  }

  private static List<RequestRecord> tokenRequests(Simulation sim) {
    return sim.cluster().requests().records().stream().filter(r -> r.subresource().equals("token")).toList();
  }

  @Test
  void aMissingImagePullSecret_isAWarning_andThePullGoesOn() {
    Simulation sim = oneNode(fixed());
    sim.create("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"registry","namespace":"default"},
         "type":"kubernetes.io/dockerconfigjson","data":{".dockerconfigjson":"e30="}}""");
    sim.create(pod("pulled", "nginx:1", "").replace("\"containers\"",
        "\"imagePullSecrets\":[{\"name\":\"registry\"},{\"name\":\"gone\"},{\"name\":\"lost\"}],\"containers\""));
    sim.runFor(Duration.ofSeconds(5));
    assertThat(phase(sim, "pulled")).isEqualTo("Running+Ready");
    assertThat(SimTesting.events(sim, "pulled")).contains("FailedToRetrieveImagePullSecret: Unable to retrieve some "
        + "image pull secrets (gone, lost); attempting to pull the image may not succeed. (1)");
  }

  @Test
  void aContainerThatCannotBeCreated_waits_whileTheOthersRun_andThePodIsPendingNotReady() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("two", "nginx:1", "").replace("\"containers\":[", "\"containers\":[{\"name\":\"side\","
        + "\"image\":\"nginx:1\",\"env\":[{\"name\":\"KEY\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"api\","
        + "\"key\":\"key\"}}}]},"));
    sim.runFor(Duration.ofSeconds(6));
    Resource pod = get(sim, "two");
    // getPhase: a container that waits and has never run keeps the pod Pending, while the others run.
    assertThat(pod.status().path("phase").asText()).isEqualTo("Pending");
    assertThat(SimTesting.isReady(pod)).isFalse();
    assertThat(pod.status().at("/containerStatuses/0/state/waiting").toString())
        .isEqualTo("{\"reason\":\"CreateContainerConfigError\",\"message\":\"secret \\\"api\\\" not found\"}");
    assertThat(pod.status().at("/containerStatuses/0/started").asBoolean()).isFalse();
    assertThat(pod.status().at("/containerStatuses/1/state/running").isObject()).isTrue();
    assertThat(pod.status().at("/containerStatuses/1/ready").asBoolean()).isTrue();
    assertThat(SimTesting.events(sim, "two")).contains("Failed: Error: secret \"api\" not found (1)",
        "Started: Started container main (1)").noneMatch(event -> event.equals("Started: Started container side (1)"));

    sim.create("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"api","namespace":"default"},"data":{"key":"dg=="}}""");
    // The next try, 10 to 15 s after the first, creates it.
    sim.runFor(Duration.ofSeconds(15));
    pod = get(sim, "two");
    assertThat(SimTesting.isReady(pod)).isTrue();
    assertThat(pod.status().at("/containerStatuses/0/state/running").isObject()).isTrue();
    assertThat(SimTesting.events(sim, "two")).contains("Started: Started container side (1)");
  }

  @Test
  void anImageTheRegistryDoesNotHave_isErrImagePull_thenImagePullBackOff_whileTheOtherContainersRun() {
    Simulation sim = oneNode(fixed().withMissing(List.of("agent:2")));
    sim.create(pod("two", "nginx:1", "").replace("\"containers\":[",
        "\"containers\":[{\"name\":\"side\",\"image\":\"agent:2\"},"));
    sim.runFor(Duration.ofSeconds(6));
    Resource pod = get(sim, "two");
    assertThat(pod.status().path("phase").asText()).isEqualTo("Pending");
    assertThat(SimTesting.isReady(pod)).isFalse();
    String notFound = "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/agent:2\": "
        + "failed to resolve reference \"docker.io/library/agent:2\": docker.io/library/agent:2: not found";
    assertThat(pod.status().at("/containerStatuses/0/state/waiting/reason").asText()).isEqualTo("ErrImagePull");
    assertThat(pod.status().at("/containerStatuses/0/state/waiting/message").asText()).isEqualTo(notFound);
    assertThat(pod.status().at("/containerStatuses/1/state/running").isObject()).isTrue();
    assertThat(SimTesting.events(sim, "two")).contains("Failed: Failed to pull image \"agent:2\": " + notFound + " (1)",
        "Failed: Error: ErrImagePull (1)", "Started: Started container main (1)");

    // The pod worker's next sync (10-15 s on) finds the image in its 10 s back-off, or not: either way it goes on
    // alternating, the pulls further apart each time (10 s doubling to 5 min).
    sim.runFor(Duration.ofMinutes(10));
    List<String> events = SimTesting.events(sim, "two");
    assertThat(events).anyMatch(e -> e.startsWith("BackOff: Back-off pulling image \"agent:2\" ("))
        .anyMatch(e -> e.startsWith("Failed: Error: ImagePullBackOff ("));
    int pulls = events.stream().filter(e -> e.startsWith("Pulling: Pulling image \"agent:2\""))
        .mapToInt(e -> Integer.parseInt(e.replaceAll(".*\\((\\d+)\\)$", "$1"))).sum();
    // 10, 20, 40, 80, 160, 300 s back-offs: at most 7 pulls in 10 minutes and some (more than 3).
    assertThat(pulls).isBetween(4, 7);
    assertThat(SimTesting.isReady(get(sim, "two"))).isFalse();
  }

  @Test
  void aMissingSecretKeyOrVariableSource_isACreateContainerConfigError_retriedOnThePodWorkersBackOff() {
    Simulation sim = oneNode(fixed());
    sim.create(pod("configured", "nginx:1", "").replace("\"image\":\"nginx:1\"",
        "\"image\":\"nginx:1\",\"env\":[{\"name\":\"KEY\",\"valueFrom\":{\"secretKeyRef\":"
            + "{\"name\":\"api\",\"key\":\"key\"}}},{\"name\":\"OPT\",\"valueFrom\":{\"configMapKeyRef\":"
            + "{\"name\":\"none\",\"key\":\"x\",\"optional\":true}}}]"));
    sim.runFor(Duration.ofSeconds(10));
    Resource pod = get(sim, "configured");
    assertThat(pod.status().at("/containerStatuses/0/state/waiting").toString())
        .isEqualTo("{\"reason\":\"CreateContainerConfigError\",\"message\":\"secret \\\"api\\\" not found\"}");
    assertThat(SimTesting.events(sim, "configured")).contains("Failed: Error: secret \"api\" not found (1)");

    sim.create("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"api","namespace":"default"},"data":{"other":"dg=="}}""");
    sim.runFor(Duration.ofSeconds(20));
    assertThat(get(sim, "configured").status().at("/containerStatuses/0/state/waiting/message").asText())
        .isEqualTo("couldn't find key key in Secret default/api");
    assertThat(phase(sim, "configured")).isEqualTo("Pending");
    // Each try makes sure of the image first, as SyncPod does.
    assertThat(SimTesting.events(sim, "configured"))
        .anyMatch(event -> event.startsWith("Pulled: Container image \"nginx:1\" already present on machine ("));

    Resource secret = SimTesting.get(sim, dev.converge.api.GroupKind.of("", "Secret"), "default", "api");
    sim.server().update(Identity.admin(), secret.edit(t -> t.with("data").put("key", "dg==")));
    sim.runFor(Duration.ofSeconds(16));
    assertThat(phase(sim, "configured")).isEqualTo("Running+Ready");
  }

  /** The pod's phase, and once terminated its container's exit code and reason. */
  private static String terminal(Resource pod) {
    JsonNode terminated = pod.status().at("/containerStatuses/0/state/terminated");
    return pod.status().path("phase").asText() + (terminated.isObject()
        ? " " + terminated.path("exitCode").asInt() + " " + terminated.path("reason").asText() : "");
  }
}
