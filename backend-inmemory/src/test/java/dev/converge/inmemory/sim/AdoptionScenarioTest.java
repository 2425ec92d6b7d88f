package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.DAEMON_SET;
import static dev.converge.inmemory.sim.SimTesting.DEPLOYMENT;
import static dev.converge.inmemory.sim.SimTesting.POD;
import static dev.converge.inmemory.sim.SimTesting.REPLICA_SET;
import static dev.converge.inmemory.sim.SimTesting.daemonSet;
import static dev.converge.inmemory.sim.SimTesting.deployment;
import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.OwnerReference;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Adoption and release ({@code ControllerRefManager}) end to end: a ReplicaSet adopts a matching orphan pod
 * instead of creating one, and releases a pod relabelled out of its selector, which then runs on, unowned; a
 * Deployment, DaemonSet or StatefulSet deleted with {@code propagationPolicy: Orphan} and created again takes
 * its ReplicaSet, its pods and its ControllerRevision back without creating any; a Job with a manual selector
 * adopts a matching pod with its tracking finalizer and counts it; a pod another controller owns is never
 * taken, and a controller being deleted adopts nothing.
 */
class AdoptionScenarioTest {
  private static final String KCM = "system:kube-controller-manager";
  private static final GroupKind REVISION = GroupKind.of("apps", "ControllerRevision");
  private static final GroupKind STATEFUL_SET = GroupKind.of("apps", "StatefulSet");
  private static final GroupKind JOB = GroupKind.of("batch", "Job");

  private static Simulation cluster(int nodes) {
    Simulation sim = Simulation.builder().seed(5).kubelet(fixedKubelet()).pool(NodePool.plain(nodes)).build().start();
    sim.runFor(Duration.ofSeconds(5));
    return sim;
  }

  private static String replicaSet(String name, int replicas, String metadataExtra) {
    return """
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"%s","namespace":"default"%s},
         "spec":{"replicas":%d,"selector":{"matchLabels":{"app":"%s"}},
                 "template":{"metadata":{"labels":{"app":"%s"}},
                             "spec":{"containers":[{"name":"main","image":"nginx:1"}]}}}}"""
        .formatted(name, metadataExtra, replicas, name, name);
  }

  private static String pod(String name, String app, String metadataExtra) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"default","labels":{"app":"%s"}%s},
         "spec":{"containers":[{"name":"main","image":"nginx:1"}]}}"""
        .formatted(name, app, metadataExtra);
  }

  private static Resource get(Simulation sim, GroupKind kind, String name) {
    return SimTesting.get(sim, kind, "default", name);
  }

  private static List<Resource> pods(Simulation sim, String app) {
    return sim.server().cache().inNamespace(POD, "default").values().stream()
        .filter(p -> app.equals(p.labels().get("app"))).toList();
  }

  private static long kcm(Simulation sim, String verb, String resource) {
    return sim.cluster().requests().count(r -> r.identity().equals(KCM) && r.verb().equals(verb)
        && r.resourceWithSubresource().equals(resource));
  }

  /**
   * Deletes {@code owner} with {@code propagationPolicy: Orphan}, lets the garbage collector orphan what it
   * owned, clears the request log, creates {@code json} again and runs a minute.
   */
  private static void deleteOrphaningAndCreateAgain(Simulation sim, Resource owner, String json) {
    sim.server().delete(Identity.admin(), owner.key(), DeleteParams.of(Propagation.ORPHAN));
    sim.runFor(Duration.ofSeconds(30));
    sim.cluster().requests().clear();
    sim.create(json);
    sim.runFor(Duration.ofMinutes(1));
  }

  /** Asserts that the namespace holds one ControllerRevision, controlled by {@code owner}, and returns it. */
  private static Resource onlyRevisionOf(Simulation sim, Resource owner) {
    List<Resource> revisions = List.copyOf(sim.server().cache().inNamespace(REVISION, "default").values());
    assertThat(revisions).hasSize(1);
    assertThat(controllerOf(revisions.get(0)).uid()).isEqualTo(owner.uid());
    return revisions.get(0);
  }

  private static Set<String> uids(List<Resource> objects) {
    return objects.stream().map(Resource::uid).collect(Collectors.toSet());
  }

  private static OwnerReference controllerOf(Resource object) {
    return object.ownerReferences().stream().filter(OwnerReference::controller).findFirst().orElse(null);
  }

  @Test
  void replicaSet_adoptsAMatchingOrphan_andCreatesOnlyTheRest() {
    Simulation sim = cluster(2);
    sim.create(pod("stray", "web", ""));
    sim.runFor(Duration.ofSeconds(10));
    sim.cluster().requests().clear();

    sim.create(replicaSet("web", 3, ""));
    sim.runFor(Duration.ofMinutes(1));

    Resource rs = get(sim, REPLICA_SET, "web");
    Resource stray = get(sim, POD, "stray");
    assertThat(stray.ownerReferences()).containsExactly(new OwnerReference("apps/v1", "ReplicaSet", "web", rs.uid(),
        true, true));
    assertThat(pods(sim, "web")).hasSize(3).allMatch(p -> controllerOf(p) != null && controllerOf(p).uid().equals(rs.uid()));
    assertThat(kcm(sim, "patch", "pods")).as("one adoption").isEqualTo(1);
    assertThat(kcm(sim, "get", "replicasets")).as("the uncached re-read before adopting").isEqualTo(1);
    assertThat(kcm(sim, "create", "pods")).as("the adopted pod counts as one of three").isEqualTo(2);
    assertThat(rs.status().path("replicas").asInt()).isEqualTo(3);
    assertThat(rs.status().path("readyReplicas").asInt()).isEqualTo(3);
  }

  @Test
  void aPodRelabelledOutOfTheSelector_isReleased_andReplaced_andRunsOn() {
    Simulation sim = cluster(2);
    sim.create(replicaSet("web", 2, ""));
    sim.runFor(Duration.ofMinutes(1));
    Resource rs = get(sim, REPLICA_SET, "web");
    Resource debugged = pods(sim, "web").get(0);
    sim.cluster().requests().clear();

    sim.server().patch(Identity.admin(), debugged.key(), PatchType.MERGE,
        Json.parse("{\"metadata\":{\"labels\":{\"app\":\"debug\"}}}"), PatchOptions.defaults());
    sim.runFor(Duration.ofMinutes(1));

    Resource released = get(sim, POD, debugged.name());
    assertThat(released.uid()).isEqualTo(debugged.uid());
    assertThat(released.ownerReferences()).as("released: the controller reference is gone").isEmpty();
    assertThat(released.isBeingDeleted()).isFalse();
    assertThat(SimTesting.isReady(released)).isTrue();
    assertThat(pods(sim, "web")).hasSize(2).noneMatch(p -> p.uid().equals(debugged.uid()))
        .allMatch(p -> controllerOf(p).uid().equals(rs.uid()));
    assertThat(kcm(sim, "patch", "pods")).as("one release").isEqualTo(1);
    assertThat(kcm(sim, "get", "replicasets")).as("a release needs no re-read").isZero();
    assertThat(kcm(sim, "create", "pods")).as("one replacement").isEqualTo(1);
    assertThat(get(sim, REPLICA_SET, "web").status().path("availableReplicas").asInt()).isEqualTo(2);
  }

  @Test
  void aPodMadeWithTheReplicaSetAsController_butNotSelected_isReleased_afterTheSetSettled() {
    Simulation sim = cluster(2);
    sim.create(replicaSet("web", 2, ""));
    sim.runFor(Duration.ofMinutes(1));
    Resource rs = get(sim, REPLICA_SET, "web");
    sim.cluster().requests().clear();

    sim.create(pod("impostor", "other", ",\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
        + "\"name\":\"web\",\"uid\":\"" + rs.uid() + "\",\"controller\":true}]"));
    sim.runFor(Duration.ofSeconds(30));

    assertThat(get(sim, POD, "impostor").ownerReferences()).isEmpty();
    assertThat(kcm(sim, "patch", "pods")).isEqualTo(1);
    assertThat(kcm(sim, "create", "pods") + kcm(sim, "delete", "pods")).as("it never counted").isZero();
    assertThat(SimTesting.podsOf(sim, "ReplicaSet", "web")).hasSize(2);
  }

  @Test
  void deploymentDeletedWithOrphan_andCreatedAgain_takesItsReplicaSetBack_withoutNewPods() {
    Simulation sim = cluster(3);
    sim.create(deployment("web", 3, "nginx:1.27"));
    sim.runFor(Duration.ofMinutes(1));
    List<Resource> before = SimTesting.deploymentPods(sim, "web");
    assertThat(before).hasSize(3);
    Resource oldDeployment = get(sim, DEPLOYMENT, "web");

    sim.server().delete(Identity.admin(), oldDeployment.key(), DeleteParams.of(Propagation.ORPHAN));
    sim.runFor(Duration.ofSeconds(30));
    List<Resource> sets = List.copyOf(sim.server().cache().inNamespace(REPLICA_SET, "default").values());
    assertThat(sets).hasSize(1);
    assertThat(sets.get(0).ownerReferences()).as("orphaned by the garbage collector").isEmpty();
    sim.cluster().requests().clear();

    sim.create(deployment("web", 3, "nginx:1.27"));
    sim.runFor(Duration.ofMinutes(1));

    Resource d = get(sim, DEPLOYMENT, "web");
    assertThat(d.uid()).isNotEqualTo(oldDeployment.uid());
    Resource rs = get(sim, REPLICA_SET, sets.get(0).name());
    assertThat(controllerOf(rs).uid()).isEqualTo(d.uid());
    assertThat(sim.server().cache().inNamespace(REPLICA_SET, "default")).hasSize(1);
    assertThat(uids(SimTesting.deploymentPods(sim, "web"))).isEqualTo(uids(before));
    assertThat(kcm(sim, "patch", "replicasets")).isEqualTo(1);
    assertThat(kcm(sim, "create", "replicasets")).isZero();
    assertThat(kcm(sim, "create", "pods")).isZero();
    assertThat(d.status().path("availableReplicas").asInt()).isEqualTo(3);
    assertThat(d.status().path("updatedReplicas").asInt()).isEqualTo(3);
  }

  @Test
  void daemonSetDeletedWithOrphan_andCreatedAgain_takesItsPodsAndRevisionBack() {
    Simulation sim = cluster(3);
    sim.create(daemonSet("agent", "", ""));
    sim.runFor(Duration.ofMinutes(1));
    List<Resource> before = SimTesting.podsOf(sim, "DaemonSet", "agent");
    assertThat(before).hasSize(3);

    deleteOrphaningAndCreateAgain(sim, get(sim, DAEMON_SET, "agent"), daemonSet("agent", "", ""));

    Resource ds = get(sim, DAEMON_SET, "agent");
    assertThat(uids(SimTesting.podsOf(sim, "DaemonSet", "agent"))).isEqualTo(uids(before));
    onlyRevisionOf(sim, ds);
    assertThat(kcm(sim, "patch", "pods")).as("three orphans adopted").isEqualTo(3);
    assertThat(kcm(sim, "patch", "controllerrevisions")).isEqualTo(1);
    assertThat(kcm(sim, "create", "pods")).isZero();
    assertThat(kcm(sim, "create", "controllerrevisions")).isZero();
    assertThat(ds.status().path("numberAvailable").asInt()).isEqualTo(3);
    assertThat(ds.status().path("updatedNumberScheduled").asInt()).isEqualTo(3);
  }

  @Test
  void statefulSetDeletedWithOrphan_andCreatedAgain_takesItsMembersAndRevisionBack_butNoStranger() {
    Simulation sim = cluster(2);
    String set = """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","namespace":"default"},
         "spec":{"replicas":2,"serviceName":"db","selector":{"matchLabels":{"app":"db"}},
                 "template":{"metadata":{"labels":{"app":"db"}},
                             "spec":{"containers":[{"name":"main","image":"postgres:16"}]}}}}""";
    sim.create(set);
    sim.runFor(Duration.ofMinutes(1));
    List<Resource> before = SimTesting.podsOf(sim, "StatefulSet", "db");
    assertThat(before).extracting(Resource::name).containsExactly("db-0", "db-1");
    sim.create(pod("cache-0", "db", ""));

    deleteOrphaningAndCreateAgain(sim, get(sim, STATEFUL_SET, "db"), set);

    Resource recreated = get(sim, STATEFUL_SET, "db");
    assertThat(uids(SimTesting.podsOf(sim, "StatefulSet", "db"))).isEqualTo(uids(before));
    assertThat(get(sim, POD, "cache-0").ownerReferences()).as("not named db-<ordinal>: not a member").isEmpty();
    Resource revision = onlyRevisionOf(sim, recreated);
    assertThat(kcm(sim, "patch", "pods")).isEqualTo(2);
    assertThat(kcm(sim, "patch", "controllerrevisions")).isEqualTo(1);
    assertThat(kcm(sim, "create", "pods")).isZero();
    assertThat(kcm(sim, "create", "controllerrevisions")).isZero();
    assertThat(recreated.status().path("availableReplicas").asInt()).isEqualTo(2);
    assertThat(recreated.status().path("currentRevision").asText()).isEqualTo(revision.name());
  }

  @Test
  void jobWithAManualSelector_adoptsAMatchingOrphan_withTheTrackingFinalizer_andCountsIt() {
    Simulation sim = cluster(2);
    sim.create(pod("stray", "batch", ",\"annotations\":{\"sim.converge.dev/run-for\":\"20s\"}")
        .replace("\"containers\"", "\"restartPolicy\":\"Never\",\"containers\""));
    sim.runFor(Duration.ofSeconds(5));
    sim.cluster().requests().clear();

    sim.create("""
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"batch","namespace":"default"},
         "spec":{"completions":2,"parallelism":2,"manualSelector":true,"selector":{"matchLabels":{"app":"batch"}},
                 "template":{"metadata":{"labels":{"app":"batch"},"annotations":{"sim.converge.dev/run-for":"20s"}},
                             "spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"batch:1"}]}}}}""");
    sim.runFor(Duration.ofSeconds(10));

    Resource job = get(sim, JOB, "batch");
    Resource stray = get(sim, POD, "stray");
    assertThat(controllerOf(stray).uid()).isEqualTo(job.uid());
    assertThat(stray.metadata().path("finalizers").toString()).isEqualTo("[\"batch.kubernetes.io/job-tracking\"]");
    assertThat(kcm(sim, "create", "pods")).as("the adopted pod is one of the two").isEqualTo(1);
    assertThat(job.status().path("active").asInt()).isEqualTo(2);

    sim.runFor(Duration.ofMinutes(1));
    Resource done = get(sim, JOB, "batch");
    assertThat(done.status().path("succeeded").asInt()).isEqualTo(2);
    assertThat(get(sim, POD, "stray").metadata().has("finalizers")).as("counted, then let go").isFalse();
  }

  @Test
  void aPodAnotherControllerOwns_isNeverTaken() {
    Simulation sim = cluster(2);
    Resource holder = sim.create("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"holder","namespace":"default"}}""");
    sim.create(pod("held", "web", ",\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"name\":\"holder\",\"uid\":\"" + holder.uid() + "\",\"controller\":true}]"));
    sim.create(replicaSet("web", 2, ""));
    sim.runFor(Duration.ofMinutes(1));

    assertThat(controllerOf(get(sim, POD, "held")).uid()).isEqualTo(holder.uid());
    assertThat(SimTesting.podsOf(sim, "ReplicaSet", "web")).hasSize(2).noneMatch(p -> p.name().equals("held"));
    assertThat(kcm(sim, "patch", "pods")).isZero();
  }

  @Test
  void aReplicaSetBeingDeleted_adoptsNothing() {
    Simulation sim = cluster(2);
    sim.create(replicaSet("web", 0, ",\"finalizers\":[\"example.com/hold\"]"));
    sim.runFor(Duration.ofSeconds(10));
    Resource rs = get(sim, REPLICA_SET, "web");
    sim.server().delete(Identity.admin(), rs.key(), DeleteParams.defaults());
    sim.create(pod("stray", "web", ""));
    sim.runFor(Duration.ofMinutes(1));

    assertThat(get(sim, REPLICA_SET, "web").isBeingDeleted()).isTrue();
    assertThat(get(sim, POD, "stray").ownerReferences()).isEmpty();
    assertThat(kcm(sim, "patch", "pods")).isZero();
    assertThat(kcm(sim, "get", "replicasets")).as("known from the cache: no adoption is tried").isZero();
  }

  @Test
  void anAdoptionOfAPodDeletedAndCreatedAgainUnderItsName_isRefused() {
    Simulation sim = cluster(1);
    Resource first = sim.create(pod("stray", "web", ""));
    sim.server().delete(Identity.admin(), first.key(), DeleteParams.defaults().withGracePeriod(0));
    Resource second = sim.create(pod("stray", "web", ""));

    String adoption = "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
        + "\"name\":\"web\",\"uid\":\"u-1\",\"controller\":true,\"blockOwnerDeletion\":true}],\"uid\":\""
        + first.uid() + "\"}}";
    ResourceKey key = second.key();
    assertThatThrownBy(() -> sim.server().patch(Identity.admin(), key,
            PatchType.STRATEGIC, Json.parse(adoption), PatchOptions.defaults()))
        .hasMessage("Pod \"stray\" is invalid: metadata.uid: Invalid value: \"" + first.uid()
            + "\": field is immutable");
    assertThat(get(sim, POD, "stray").ownerReferences()).isEmpty();
  }
}
