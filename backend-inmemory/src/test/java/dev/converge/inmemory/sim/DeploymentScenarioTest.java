package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.DEPLOYMENT;
import static dev.converge.inmemory.sim.SimTesting.REPLICA_SET;
import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.deploymentPods;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static dev.converge.inmemory.sim.SimTesting.runChecking;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deployments and ReplicaSets end to end: a new Deployment gets a ReplicaSet named by its template hash and
 * reaches its replicas; a rolling update with the default 25 % surge and unavailability never has more than
 * {@code replicas + ⌈25 %⌉} pods nor fewer than {@code replicas − ⌊25 %⌋} available, checked after every
 * event; status and conditions end as Kubernetes reports them; scaling down deletes pods.
 */
class DeploymentScenarioTest {

  private static Simulation withWeb(int replicas) {
    Simulation sim = Simulation.builder().seed(11).kubelet(fixedKubelet()).pool(NodePool.plain(4)).build().start();
    sim.create(deployment("web", replicas, "nginx:1.27"));
    sim.runFor(Duration.ofMinutes(1));
    return sim;
  }

  private static List<Resource> replicaSets(Simulation sim) {
    return List.copyOf(sim.server().cache().inNamespace(REPLICA_SET, "default").values());
  }

  private static String condition(Resource deployment, String type) {
    for (JsonNode c : deployment.status().path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText() + "/" + c.path("reason").asText();
      }
    }
    return "";
  }

  @Test
  void newDeployment_createsItsReplicaSet_andBecomesAvailable() {
    Simulation sim = withWeb(10);

    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    List<Resource> sets = replicaSets(sim);
    assertThat(sets).hasSize(1);
    Resource rs = sets.get(0);
    String hash = rs.labels().get("pod-template-hash");
    assertThat(rs.name()).isEqualTo("web-" + hash);
    assertThat(rs.spec().at("/selector/matchLabels/pod-template-hash").asText()).isEqualTo(hash);
    assertThat(rs.annotations()).containsEntry("deployment.kubernetes.io/revision", "1")
        .containsEntry("deployment.kubernetes.io/desired-replicas", "10")
        .containsEntry("deployment.kubernetes.io/max-replicas", "13");
    assertThat(rs.status().path("readyReplicas").asInt()).isEqualTo(10);
    assertThat(deploymentPods(sim, "web")).hasSize(10).allMatch(SimTesting::isReady);
    assertThat(d.status().path("replicas").asInt()).isEqualTo(10);
    assertThat(d.status().path("updatedReplicas").asInt()).isEqualTo(10);
    assertThat(d.status().path("readyReplicas").asInt()).isEqualTo(10);
    assertThat(d.status().path("availableReplicas").asInt()).isEqualTo(10);
    assertThat(d.status().path("observedGeneration").asInt()).isEqualTo(1);
    assertThat(d.annotations()).as("written with UpdateStatus, which keeps a Deployment's annotations")
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(d.generation()).as("a status write never moves the generation").isEqualTo(1);
    assertThat(condition(d, "Available")).isEqualTo("True/MinimumReplicasAvailable");
    assertThat(condition(d, "Progressing")).isEqualTo("True/NewReplicaSetAvailable");
  }

  @Test
  void rollingUpdate_staysWithinSurgeAndUnavailability_atEveryEvent_andCompletes() {
    Simulation sim = withWeb(10);
    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), d.edit(tree -> ((ObjectNode) tree.at("/spec/template/spec/containers/0"))
        .put("image", "nginx:1.28")));
    int[] most = {0};
    int[] fewestAvailable = {Integer.MAX_VALUE};
    runChecking(sim, Duration.ofMinutes(3), () -> {
      List<Resource> pods = deploymentPods(sim, "web");
      long live = pods.stream().filter(p -> !p.isBeingDeleted()).count();
      long available = pods.stream().filter(p -> !p.isBeingDeleted() && SimTesting.isReady(p)).count();
      most[0] = (int) Math.max(most[0], live);
      fewestAvailable[0] = (int) Math.min(fewestAvailable[0], available);
    });

    assertThat(most[0]).isEqualTo(13);
    assertThat(fewestAvailable[0]).isEqualTo(8);
    Resource after = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    assertThat(after.status().path("updatedReplicas").asInt()).isEqualTo(10);
    assertThat(after.status().path("availableReplicas").asInt()).isEqualTo(10);
    assertThat(after.status().path("replicas").asInt()).isEqualTo(10);
    assertThat(after.status().path("observedGeneration").asInt()).isEqualTo(2);
    assertThat(after.annotations()).containsEntry("deployment.kubernetes.io/revision", "2");
    assertThat(condition(after, "Progressing")).isEqualTo("True/NewReplicaSetAvailable");
    List<Resource> sets = replicaSets(sim);
    assertThat(sets).hasSize(2);
    assertThat(sets).extracting(rs -> rs.annotations().get("deployment.kubernetes.io/revision") + ":"
        + rs.spec().path("replicas").asInt()).containsExactlyInAnyOrder("1:0", "2:10");
    assertThat(deploymentPods(sim, "web")).hasSize(10)
        .allMatch(p -> p.spec().at("/containers/0/image").asText().equals("nginx:1.28"));
  }

  @Test
  void rollingBack_makesTheOldReplicaSetTheNewestRevision_andKeepsItsHistory() {
    Simulation sim = withWeb(4);
    setImage(sim, "nginx:1.28");
    sim.runFor(Duration.ofMinutes(3));
    setImage(sim, "nginx:1.27");
    sim.runFor(Duration.ofMinutes(3));

    assertThat(replicaSets(sim)).extracting(rs -> rs.annotations().get("deployment.kubernetes.io/revision") + ":"
        + rs.annotations().getOrDefault("deployment.kubernetes.io/revision-history", "-") + ":"
        + rs.spec().path("replicas").asInt()).containsExactlyInAnyOrder("3:1:4", "2:-:0");
    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    assertThat(d.annotations()).containsEntry("deployment.kubernetes.io/revision", "3");
    assertThat(deploymentPods(sim, "web")).hasSize(4)
        .allMatch(p -> p.spec().at("/containers/0/image").asText().equals("nginx:1.27"));
  }

  private static void setImage(Simulation sim, String image) {
    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), d.edit(tree -> ((ObjectNode) tree.at("/spec/template/spec/containers/0"))
        .put("image", image)));
  }

  @Test
  void scaleDown_deletesPods_andStatusFollows() {
    Simulation sim = withWeb(6);
    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), d.edit(tree -> ((ObjectNode) tree.get("spec")).put("replicas", 2)));
    sim.runFor(Duration.ofSeconds(30));

    assertThat(deploymentPods(sim, "web")).hasSize(2);
    Resource after = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    assertThat(after.status().path("replicas").asInt()).isEqualTo(2);
    assertThat(after.status().path("availableReplicas").asInt()).isEqualTo(2);
    assertThat(replicaSets(sim).get(0).spec().path("replicas").asInt()).isEqualTo(2);
  }

  @Test
  void recreate_stopsEveryOldPodBeforeStartingNewOnes() {
    Simulation sim = Simulation.builder().seed(11).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
    sim.create(deployment("web", 4, "nginx:1.27").replace("\"replicas\":4,",
        "\"replicas\":4,\"strategy\":{\"type\":\"Recreate\"},"));
    sim.runFor(Duration.ofMinutes(1));
    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    sim.server().update(Identity.admin(), d.edit(tree -> ((ObjectNode) tree.at("/spec/template/spec/containers/0"))
        .put("image", "nginx:1.28")));
    boolean[] mixed = {false};
    runChecking(sim, Duration.ofMinutes(2), () -> {
      List<Resource> pods = deploymentPods(sim, "web");
      boolean oldRunning = pods.stream().anyMatch(p -> p.spec().at("/containers/0/image").asText().equals("nginx:1.27"));
      boolean newExists = pods.stream().anyMatch(p -> p.spec().at("/containers/0/image").asText().equals("nginx:1.28"));
      mixed[0] |= oldRunning && newExists;
    });

    assertThat(mixed[0]).isFalse();
    assertThat(deploymentPods(sim, "web")).hasSize(4).allMatch(SimTesting::isReady);
  }

  private static void patch(Simulation sim, String name, String mergePatch) {
    Resource d = SimTesting.get(sim, DEPLOYMENT, "default", name);
    sim.server().patch(Identity.admin(), d.key(), PatchType.MERGE, Json.parse(mergePatch), PatchOptions.defaults());
  }

  /** The sizes of the Deployment's ReplicaSets, by revision: {@code "1:8"}, {@code "2:5"}. */
  private static List<String> sizes(Simulation sim) {
    return replicaSets(sim).stream().map(rs -> rs.annotations().get("deployment.kubernetes.io/revision") + ":"
        + rs.spec().path("replicas").asInt()).sorted().toList();
  }

  @Test
  void paused_holdsTemplateChanges_stillScales_andRollsOutOnResume() {
    Simulation sim = withWeb(4);
    patch(sim, "web", "{\"spec\":{\"paused\":true}}");
    sim.runFor(Duration.ofSeconds(5));
    assertThat(condition(SimTesting.get(sim, DEPLOYMENT, "default", "web"), "Progressing"))
        .isEqualTo("Unknown/DeploymentPaused");

    patch(sim, "web", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.28\"}]}}}}");
    sim.runFor(Duration.ofMinutes(1));
    assertThat(sizes(sim)).as("no new ReplicaSet while paused").containsExactly("1:4");
    patch(sim, "web", "{\"spec\":{\"replicas\":6}}");
    sim.runFor(Duration.ofMinutes(1));
    Resource paused = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    assertThat(sizes(sim)).as("a paused Deployment still scales").containsExactly("1:6");
    assertThat(deploymentPods(sim, "web")).hasSize(6)
        .allMatch(p -> p.spec().at("/containers/0/image").asText().equals("nginx:1.27"));
    assertThat(paused.status().path("observedGeneration").asLong()).isEqualTo(paused.generation());
    assertThat(paused.status().path("updatedReplicas").asInt()).as("no ReplicaSet has the new template").isZero();
    assertThat(condition(paused, "Progressing")).isEqualTo("Unknown/DeploymentPaused");
    assertThat(condition(paused, "Available")).isEqualTo("True/MinimumReplicasAvailable");

    patch(sim, "web", "{\"spec\":{\"paused\":false}}");
    sim.runFor(Duration.ofMinutes(3));
    Resource resumed = SimTesting.get(sim, DEPLOYMENT, "default", "web");
    assertThat(sizes(sim)).containsExactly("1:0", "2:6");
    assertThat(deploymentPods(sim, "web")).hasSize(6)
        .allMatch(p -> p.spec().at("/containers/0/image").asText().equals("nginx:1.28"));
    assertThat(condition(resumed, "Progressing")).isEqualTo("True/NewReplicaSetAvailable");
    assertThat(SimTesting.events(sim, "web")).contains("ScalingReplicaSet: Scaled up replica set "
        + replicaSets(sim).stream().filter(rs -> rs.spec().path("replicas").asInt() == 6).findFirst().orElseThrow().name()
        + " from 0 to 2 (1)");
  }

  @Test
  void scalingDuringAStuckRollout_addsReplicasInProportion_asTheKubernetesDocsShow() {
    // The example of "Proportional scaling" in the Deployment documentation: 10 replicas, maxSurge 3,
    // maxUnavailable 2, an update whose pods never become ready (here: a run-time annotation that does not
    // parse), then a scale to 15.
    Simulation sim = Simulation.builder().seed(11).kubelet(fixedKubelet()).pool(NodePool.plain(4)).build().start();
    sim.create("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
         "spec":{"replicas":10,"selector":{"matchLabels":{"app":"web"}},
                 "strategy":{"rollingUpdate":{"maxSurge":3,"maxUnavailable":2}},
                 "template":{"metadata":{"labels":{"app":"web"}},
                             "spec":{"containers":[{"name":"main","image":"nginx:1.27"}]}}}}""");
    sim.runFor(Duration.ofMinutes(1));
    patch(sim, "web", "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"sim.converge.dev/run-for\":\"broken\"}}}}}");
    sim.runFor(Duration.ofMinutes(1));
    assertThat(sizes(sim)).as("the rollout is stuck: 5 new pods never ready, 8 old kept available")
        .containsExactly("1:8", "2:5");

    patch(sim, "web", "{\"spec\":{\"replicas\":15}}");
    sim.runFor(Duration.ofMinutes(1));

    assertThat(sizes(sim)).as("3 more to the old ReplicaSet, 2 to the new").containsExactly("1:11", "2:7");
    assertThat(replicaSets(sim)).allMatch(rs -> rs.annotations().get("deployment.kubernetes.io/desired-replicas").equals("15")
        && rs.annotations().get("deployment.kubernetes.io/max-replicas").equals("18"));
  }
}
