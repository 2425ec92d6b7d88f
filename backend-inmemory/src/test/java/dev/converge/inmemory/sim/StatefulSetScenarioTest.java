package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.POD;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.isReady;
import static dev.converge.inmemory.sim.SimTesting.runChecking;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * StatefulSets end to end: pods {@code web-0}, {@code web-1}, … with their identity and claims, made one at a time
 * in order under {@code OrderedReady} (each once the one before is Running and Ready) and all at once under {@code
 * Parallel}; scale-down from the highest ordinal, one at a time; a rolling update from the highest ordinal down to
 * the partition, one unavailable at a time; status as Kubernetes counts it. Ordering is checked after every event.
 */
class StatefulSetScenarioTest {
  static final GroupKind STATEFUL_SET = GroupKind.of("apps", "StatefulSet");
  static final GroupKind CLAIM = GroupKind.of("", "PersistentVolumeClaim");

  private static String statefulSet(int replicas, String policy, String image) {
    return """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web","namespace":"default"},
         "spec":{"replicas":%d,"serviceName":"web","podManagementPolicy":"%s",
                 "selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                             "spec":{"containers":[{"name":"main","image":"%s",
                                                    "volumeMounts":[{"name":"data","mountPath":"/data"}]}]}},
                 "volumeClaimTemplates":[{"metadata":{"name":"data"},
                   "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"1Gi"}}}}]}}"""
        .formatted(replicas, policy, image);
  }

  private static Simulation start() {
    return Simulation.builder().seed(13).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
  }

  /** The set's pods by name (not those being deleted). */
  private static Map<String, Resource> pods(Simulation sim) {
    Map<String, Resource> out = new TreeMap<>();
    for (Resource pod : sim.server().cache().inNamespace(POD, "default").values()) {
      if (pod.name().startsWith("web-") && !pod.isBeingDeleted()) {
        out.put(pod.name(), pod);
      }
    }
    return out;
  }

  private static JsonNode status(Simulation sim) {
    return SimTesting.get(sim, STATEFUL_SET, "default", "web").status();
  }

  private static boolean converged(Simulation sim, int replicas) {
    JsonNode status = status(sim);
    return status.path("readyReplicas").asInt() == replicas && status.path("replicas").asInt() == replicas
        && status.path("updatedReplicas").asInt() == replicas
        && status.path("currentRevision").asText().equals(status.path("updateRevision").asText())
        && pods(sim).size() == replicas;
  }

  @Test
  void orderedReady_makesOnePodAtATime_inOrdinalOrder_withItsIdentityAndClaim() {
    Simulation sim = start();
    sim.runFor(Duration.ofSeconds(30));
    sim.create(statefulSet(3, "OrderedReady", "nginx:1.27"));
    List<String> violations = new ArrayList<>();
    runChecking(sim, Duration.ofMinutes(3), () -> {
      Map<String, Resource> pods = pods(sim);
      for (int i = 1; i < 3; i++) {
        Resource before = pods.get("web-" + (i - 1));
        if (pods.containsKey("web-" + i) && (before == null || !isReady(before))) {
          violations.add("web-" + i + " exists while web-" + (i - 1) + " is not Ready at " + sim.clock().now());
        }
      }
    });
    assertThat(violations).isEmpty();
    assertThat(converged(sim, 3)).isTrue();

    Resource web1 = pods(sim).get("web-1");
    String revision = status(sim).path("updateRevision").asText();
    assertThat(revision).startsWith("web-");
    assertThat(web1.labels()).containsEntry("statefulset.kubernetes.io/pod-name", "web-1")
        .containsEntry("apps.kubernetes.io/pod-index", "1").containsEntry("controller-revision-hash", revision)
        .containsEntry("app", "web");
    assertThat(web1.spec().path("hostname").asText()).isEqualTo("web-1");
    assertThat(web1.spec().path("subdomain").asText()).isEqualTo("web");
    assertThat(web1.spec().at("/volumes/0/persistentVolumeClaim/claimName").asText()).isEqualTo("data-web-1");
    Resource claim = SimTesting.get(sim, CLAIM, "default", "data-web-1");
    assertThat(claim).isNotNull();
    assertThat(claim.labels()).containsEntry("app", "web");
    assertThat(SimTesting.get(sim, GroupKind.of("apps", "ControllerRevision"), "default", revision)).isNotNull();
    JsonNode status = status(sim);
    assertThat(status.path("availableReplicas").asInt()).isEqualTo(3);
    assertThat(status.path("currentReplicas").asInt()).isEqualTo(3);
    assertThat(status.path("observedGeneration").asLong()).isEqualTo(1);
    assertThat(SimTesting.events(sim, "web")).containsExactly(
        "SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success (1)",
        "SuccessfulCreate: create Pod web-0 in StatefulSet web successful (1)",
        "SuccessfulCreate: create Claim data-web-1 Pod web-1 in StatefulSet web success (1)",
        "SuccessfulCreate: create Pod web-1 in StatefulSet web successful (1)",
        "SuccessfulCreate: create Claim data-web-2 Pod web-2 in StatefulSet web success (1)",
        "SuccessfulCreate: create Pod web-2 in StatefulSet web successful (1)");
  }

  @Test
  void parallel_makesEveryPodAtOnce() {
    Simulation sim = start();
    sim.runFor(Duration.ofSeconds(30));
    sim.create(statefulSet(3, "Parallel", "nginx:1.27"));
    boolean[] allBeforeAnyReady = {false};
    runChecking(sim, Duration.ofMinutes(3), () -> {
      Map<String, Resource> pods = pods(sim);
      if (pods.size() == 3 && pods.values().stream().noneMatch(SimTesting::isReady)) {
        allBeforeAnyReady[0] = true;
      }
    });
    assertThat(allBeforeAnyReady[0]).as("all three pods existed before any was Ready").isTrue();
    assertThat(converged(sim, 3)).isTrue();
  }

  @Test
  void scaleDown_removesTheHighestOrdinalFirst_oneAtATime_andKeepsTheClaims() {
    Simulation sim = start();
    sim.runFor(Duration.ofSeconds(30));
    sim.create(statefulSet(3, "OrderedReady", "nginx:1.27"));
    assertThat(sim.runUntil(() -> converged(sim, 3), Duration.ofMinutes(5))).isTrue();

    Resource set = SimTesting.get(sim, STATEFUL_SET, "default", "web");
    sim.server().update(Identity.admin(), set.edit(tree -> ((ObjectNode) tree.get("spec")).put("replicas", 1)));
    List<String> violations = new ArrayList<>();
    runChecking(sim, Duration.ofMinutes(3), () -> {
      Map<String, Resource> pods = pods(sim);
      if (!pods.containsKey("web-2") && pods.containsKey("web-1") && !pods.containsKey("web-0")) {
        violations.add("web-0 went before web-1");
      }
      if (pods.containsKey("web-2") && !pods.containsKey("web-1")) {
        violations.add("web-1 went before web-2");
      }
    });
    assertThat(violations).isEmpty();
    assertThat(pods(sim).keySet()).containsExactly("web-0");
    assertThat(status(sim).path("replicas").asInt()).isEqualTo(1);
    assertThat(SimTesting.get(sim, CLAIM, "default", "data-web-2")).as("claims outlive their pods (Retain)").isNotNull();
  }

  @Test
  void rollingUpdate_replacesFromTheHighestOrdinal_downToThePartition() {
    Simulation sim = start();
    sim.runFor(Duration.ofSeconds(30));
    sim.create(statefulSet(3, "OrderedReady", "nginx:1.27"));
    assertThat(sim.runUntil(() -> converged(sim, 3), Duration.ofMinutes(5))).isTrue();
    String first = status(sim).path("currentRevision").asText();

    Resource set = SimTesting.get(sim, STATEFUL_SET, "default", "web");
    sim.server().update(Identity.admin(), set.edit(tree -> {
      ((ObjectNode) tree.at("/spec/template/spec/containers/0")).put("image", "nginx:1.28");
      ((ObjectNode) tree.get("spec")).putObject("updateStrategy").put("type", "RollingUpdate")
          .putObject("rollingUpdate").put("partition", 1);
    }));
    List<String> violations = new ArrayList<>();
    runChecking(sim, Duration.ofMinutes(5), () -> {
      long unavailable = pods(sim).values().stream().filter(pod -> !isReady(pod)).count() + (3 - pods(sim).size());
      if (unavailable > 1) {
        violations.add(unavailable + " unavailable at " + sim.clock().now());
      }
    });
    assertThat(violations).isEmpty();
    Map<String, Resource> pods = pods(sim);
    String second = status(sim).path("updateRevision").asText();
    assertThat(second).isNotEqualTo(first);
    assertThat(pods.get("web-2").labels()).containsEntry("controller-revision-hash", second);
    assertThat(pods.get("web-1").labels()).containsEntry("controller-revision-hash", second);
    assertThat(pods.get("web-0").labels()).as("below the partition").containsEntry("controller-revision-hash", first);
    assertThat(pods.get("web-1").spec().at("/containers/0/image").asText()).isEqualTo("nginx:1.28");
    assertThat(pods.get("web-0").spec().at("/containers/0/image").asText()).isEqualTo("nginx:1.27");
    JsonNode status = status(sim);
    assertThat(status.path("updatedReplicas").asInt()).isEqualTo(2);
    assertThat(status.path("currentReplicas").asInt()).isEqualTo(1);
    assertThat(status.path("currentRevision").asText()).as("not every pod runs the update").isEqualTo(first);
  }
}
