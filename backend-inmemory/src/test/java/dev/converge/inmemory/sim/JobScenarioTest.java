package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Propagation;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.sim.controller.JobController;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Jobs end to end on a simulated cluster: the Job controller, the kubelet running pods to completion, and the
 * TTL-after-finished controller. Pulls take 3 s and starts 1 s ({@link SimTesting#fixedKubelet()}); each pod's
 * run time comes from its template's annotations.
 */
class JobScenarioTest {
  private static final GroupKind JOB = GroupKind.of("batch", "Job");

  private static Simulation cluster() {
    return Simulation.builder().seed(7).kubelet(fixedKubelet()).pool(NodePool.plain(3)).build().start();
  }

  /** A Job {@code name}; {@code spec} adds fields (leading comma); its pods run as {@code annotations} say. */
  private static String job(String name, String spec, String annotations, String restartPolicy) {
    return """
        {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"%s","namespace":"default"},
         "spec":{"template":{"metadata":{"annotations":{%s}},
                             "spec":{"restartPolicy":"%s","containers":[{"name":"main","image":"batch:1"}]}}%s}}"""
        .formatted(name, annotations, restartPolicy, spec);
  }

  private static Resource job(Simulation sim, String name) {
    return SimTesting.get(sim, JOB, "default", name);
  }

  private static List<String> conditions(Resource job) {
    List<String> out = new ArrayList<>();
    for (JsonNode condition : job.status().path("conditions")) {
      out.add(condition.path("type").asText() + "=" + condition.path("status").asText()
          + (condition.has("reason") ? " " + condition.path("reason").asText() : ""));
    }
    return out;
  }

  private static boolean finished(Simulation sim, String name) {
    Resource job = job(sim, name);
    return job != null && conditions(job).stream()
        .anyMatch(c -> c.startsWith("Complete=True") || c.startsWith("Failed=True"));
  }

  /** Runs until {@code done}, then 5 s more: the controller's last answers and Events arrive. */
  private static void runUntil(Simulation sim, BooleanSupplier done, Duration limit) {
    assertThat(sim.runUntil(done, limit)).as("reached within %s", limit).isTrue();
    sim.runFor(Duration.ofSeconds(5));
  }

  private static List<Resource> pods(Simulation sim, String job) {
    return SimTesting.podsOf(sim, "Job", job);
  }

  @Test
  void aJobOfThreeCompletions_twoAtATime_completes_andCountsEveryPodOnce() {
    Simulation sim = cluster();
    sim.create(job("batch", ",\"completions\":3,\"parallelism\":2", "\"sim.converge.dev/run-for\":\"20s\"", "Never"));
    sim.runFor(Duration.ofSeconds(10));

    Resource running = job(sim, "batch");
    assertThat(running.status().path("active").asInt()).isEqualTo(2);
    assertThat(running.status().path("ready").asInt()).isEqualTo(2);
    assertThat(running.status().path("startTime").isTextual()).isTrue();
    for (Resource pod : pods(sim, "batch")) {
      assertThat(pod.metadata().path("finalizers").toString()).contains(JobController.TRACKING_FINALIZER);
      assertThat(pod.labels()).containsEntry("batch.kubernetes.io/job-name", "batch");
    }

    runUntil(sim, () -> finished(sim, "batch"), Duration.ofMinutes(5));
    Resource done = job(sim, "batch");
    assertThat(conditions(done)).containsExactly("SuccessCriteriaMet=True", "Complete=True");
    assertThat(done.status().path("succeeded").asInt()).isEqualTo(3);
    assertThat(done.status().path("failed").asInt()).isZero();
    assertThat(done.status().has("active")).isFalse();
    assertThat(done.status().path("uncountedTerminatedPods").size()).isZero();
    assertThat(done.status().path("completionTime").asText())
        .isEqualTo(done.status().path("conditions").get(1).path("lastTransitionTime").asText());
    List<Resource> pods = pods(sim, "batch");
    assertThat(pods).hasSize(3).allSatisfy(pod -> {
      assertThat(pod.status().path("phase").asText()).isEqualTo("Succeeded");
      assertThat(pod.metadata().path("finalizers").isEmpty()).isTrue();
    });
    assertThat(SimTesting.events(sim, "batch")).filteredOn(e -> !e.startsWith("SuccessfulCreate"))
        .containsExactly("Completed: Job completed (1)");
    assertThat(SimTesting.events(sim, "batch")).filteredOn(e -> e.startsWith("SuccessfulCreate")).hasSize(3);
    // Finished: no more writes to the Job or its pods.
    java.util.function.LongSupplier writes = () -> sim.cluster().requests().count(r -> !r.verb().equals("get")
        && !r.verb().equals("list") && !r.verb().equals("watch")
        && (r.resource().equals("jobs") || r.resource().equals("pods")));
    long before = writes.getAsLong();
    sim.runFor(Duration.ofMinutes(10));
    assertThat(writes.getAsLong()).isEqualTo(before);
  }

  @Test
  void failingPods_areReplacedAfterTheBackoff_untilTheBackoffLimit_thenTheJobFails() {
    Simulation sim = cluster();
    sim.create(job("flaky", ",\"backoffLimit\":2",
        "\"sim.converge.dev/run-for\":\"2s\",\"sim.converge.dev/exit-code\":\"1\"", "Never"));
    runUntil(sim, () -> finished(sim, "flaky"), Duration.ofMinutes(10));

    Resource failed = job(sim, "flaky");
    assertThat(conditions(failed)).containsExactly("FailureTarget=True BackoffLimitExceeded",
        "Failed=True BackoffLimitExceeded");
    assertThat(failed.status().path("failed").asInt()).isEqualTo(3);
    assertThat(failed.status().has("completionTime")).isFalse();
    List<Resource> pods = pods(sim, "flaky");
    assertThat(pods).hasSize(3).allSatisfy(pod -> assertThat(pod.status().path("phase").asText()).isEqualTo("Failed"));
    // Each replacement waits 10 s × 2^(failures − 1) after the last failure (creation times are whole seconds).
    List<Double> created = new ArrayList<>();
    for (Resource pod : pods) {
      created.add((double) java.time.Instant.parse(pod.metadata().path("creationTimestamp").asText()).getEpochSecond());
    }
    created.sort(null);
    // First pod: up at 4 s (pull 3 s, start 1 s), exits at 6 s, replaced 10 s later. Second: its image cached,
    // up at 1 s, exits at 3 s, replaced 20 s later.
    assertThat(List.of(created.get(1) - created.get(0), created.get(2) - created.get(1))).containsExactly(16.0, 23.0);
    assertThat(SimTesting.events(sim, "flaky"))
        .contains("BackoffLimitExceeded: Job has reached the specified backoff limit (1)");
  }

  @Test
  void onFailurePods_countTheirRestartsAgainstTheBackoffLimit() {
    Simulation sim = cluster();
    sim.create(job("retry", ",\"backoffLimit\":2", "\"sim.converge.dev/crash-after\":\"2s\"", "OnFailure"));
    runUntil(sim, () -> finished(sim, "retry"), Duration.ofMinutes(10));

    assertThat(conditions(job(sim, "retry"))).containsExactly("FailureTarget=True BackoffLimitExceeded",
        "Failed=True BackoffLimitExceeded");
    // One pod, restarted in place (crashes at 6 s and, after 10 s of back-off, at 19 s): deleted by the controller
    // once its restarts reach the limit, and counted as failed.
    assertThat(SimTesting.events(sim, "retry")).filteredOn(e -> e.startsWith("Successful"))
        .hasSize(2).allMatch(e -> e.contains(": retry-"))
        .anyMatch(e -> e.startsWith("SuccessfulCreate")).anyMatch(e -> e.startsWith("SuccessfulDelete"));
    assertThat(job(sim, "retry").status().path("failed").asInt()).isEqualTo(1);
  }

  @Test
  void activeDeadline_failsTheJob_andDeletesItsActivePods() {
    Simulation sim = cluster();
    sim.create(job("slow", ",\"activeDeadlineSeconds\":30,\"parallelism\":2,\"completions\":2",
        "\"sim.converge.dev/run-for\":\"never\"", "Never"));
    sim.runFor(Duration.ofSeconds(29));
    assertThat(job(sim, "slow").status().path("active").asInt()).isEqualTo(2);

    runUntil(sim, () -> finished(sim, "slow"), Duration.ofMinutes(2));
    Resource failed = job(sim, "slow");
    assertThat(conditions(failed)).containsExactly("FailureTarget=True DeadlineExceeded", "Failed=True DeadlineExceeded");
    assertThat(failed.status().path("failed").asInt()).isEqualTo(2);
    assertThat(failed.status().path("terminating").asInt()).isZero();
    assertThat(pods(sim, "slow")).isEmpty();
    assertThat(SimTesting.events(sim, "slow"))
        .contains("DeadlineExceeded: Job was active longer than specified deadline (1)");
  }

  @Test
  void indexedJob_givesEachPodAnIndex_andTracksCompletedIndexes() {
    Simulation sim = cluster();
    sim.create(job("shards", ",\"completions\":4,\"parallelism\":2,\"completionMode\":\"Indexed\"",
        "\"sim.converge.dev/run-for\":\"5s\"", "Never"));
    sim.runFor(Duration.ofSeconds(5));
    List<String> indexes = new ArrayList<>();
    for (Resource pod : pods(sim, "shards")) {
      String index = pod.annotations().get("batch.kubernetes.io/job-completion-index");
      indexes.add(index);
      assertThat(pod.labels()).containsEntry("batch.kubernetes.io/job-completion-index", index);
      assertThat(pod.name()).startsWith("shards-" + index + "-");
      assertThat(pod.spec().path("hostname").asText()).isEqualTo("shards-" + index);
      assertThat(pod.spec().at("/containers/0/env/0/name").asText()).isEqualTo("JOB_COMPLETION_INDEX");
    }
    assertThat(indexes).containsExactlyInAnyOrder("0", "1");

    runUntil(sim, () -> finished(sim, "shards"), Duration.ofMinutes(5));
    Resource done = job(sim, "shards");
    assertThat(done.status().path("completedIndexes").asText()).isEqualTo("0-3");
    assertThat(done.status().path("succeeded").asInt()).isEqualTo(4);
    assertThat(conditions(done)).containsExactly("SuccessCriteriaMet=True", "Complete=True");
  }

  @Test
  void suspendedJob_runsNothing_untilResumed() {
    Simulation sim = cluster();
    sim.create(job("later", ",\"suspend\":true", "\"sim.converge.dev/run-for\":\"5s\"", "Never"));
    sim.runFor(Duration.ofSeconds(30));
    Resource suspended = job(sim, "later");
    assertThat(pods(sim, "later")).isEmpty();
    assertThat(conditions(suspended)).containsExactly("Suspended=True JobSuspended");
    assertThat(suspended.status().has("startTime")).isFalse();

    sim.server().patch(Identity.admin(), ResourceKey.namespaced("batch", "Job", "default", "later"),
        dev.converge.inmemory.server.PatchType.MERGE, dev.converge.api.Json.parse("{\"spec\":{\"suspend\":false}}"),
        dev.converge.inmemory.server.PatchOptions.defaults());
    runUntil(sim, () -> finished(sim, "later"), Duration.ofMinutes(5));
    assertThat(conditions(job(sim, "later")))
        .containsExactly("Suspended=False JobResumed", "SuccessCriteriaMet=True", "Complete=True");
    assertThat(SimTesting.events(sim, "later")).contains("Suspended: Job suspended (1)", "Resumed: Job resumed (1)");
  }

  @Test
  void podFailurePolicy_failJob_onAnExitCode_failsAtTheFirstSuchPod() {
    Simulation sim = cluster();
    sim.create(job("strict", """
        ,"backoffLimit":6,"podFailurePolicy":{"rules":[
          {"action":"FailJob","onExitCodes":{"containerName":"main","operator":"In","values":[42]}}]}""",
        "\"sim.converge.dev/run-for\":\"2s\",\"sim.converge.dev/exit-code\":\"42\"", "Never"));
    runUntil(sim, () -> finished(sim, "strict"), Duration.ofMinutes(5));

    Resource failed = job(sim, "strict");
    assertThat(conditions(failed)).containsExactly("FailureTarget=True PodFailurePolicy", "Failed=True PodFailurePolicy");
    String pod = pods(sim, "strict").get(0).name();
    assertThat(failed.status().path("conditions").get(1).path("message").asText()).isEqualTo("Container main for pod "
        + "default/" + pod + " failed with exit code 42 matching FailJob rule at index 0");
    assertThat(pods(sim, "strict")).hasSize(1);
  }

  @Test
  void backoffLimitPerIndex_failsAnIndexForGood_afterItsOwnRetries_andTheJobOnceEveryIndexIsDone() {
    Simulation sim = cluster();
    sim.create(job("sweep", """
        ,"completionMode":"Indexed","completions":4,"parallelism":4,"backoffLimitPerIndex":1""",
        "\"sim.converge.dev/run-for\":\"5s\",\"sim.converge.dev/failing-indexes\":\"1\"", "Never"));
    assertThat(job(sim, "sweep").spec().path("backoffLimit").asInt()).as("defaulted inert").isEqualTo(Integer.MAX_VALUE);
    runUntil(sim, () -> finished(sim, "sweep"), Duration.ofMinutes(5));

    Resource failed = job(sim, "sweep");
    assertThat(conditions(failed)).containsExactly("FailureTarget=True FailedIndexes", "Failed=True FailedIndexes");
    assertThat(failed.status().path("failedIndexes").asText()).isEqualTo("1");
    assertThat(failed.status().path("completedIndexes").asText()).isEqualTo("0,2,3");
    assertThat(failed.status().path("succeeded").asInt()).isEqualTo(3);
    assertThat(failed.status().path("failed").asInt()).as("pods, not indexes").isEqualTo(2);
    List<Resource> pods = pods(sim, "sweep");
    List<String> indexOne = new ArrayList<>();
    List<Long> created = new ArrayList<>();
    for (Resource pod : pods) {
      assertThat(pod.annotations()).containsKey("batch.kubernetes.io/job-index-failure-count");
      if (pod.annotations().get("batch.kubernetes.io/job-completion-index").equals("1")) {
        indexOne.add(pod.annotations().get("batch.kubernetes.io/job-index-failure-count") + " "
            + pod.status().path("phase").asText());
        created.add(java.time.Instant.parse(pod.metadata().path("creationTimestamp").asText()).getEpochSecond());
      }
    }
    assertThat(pods).hasSize(5);
    assertThat(indexOne).containsExactlyInAnyOrder("0 Failed", "1 Failed");
    created.sort(null);
    // The first pod is up at 4 s (pull 3 s, start 1 s) and fails at 9 s; its replacement waits 10 s after that.
    assertThat(created.get(1) - created.get(0)).isEqualTo(19);
    assertThat(SimTesting.events(sim, "sweep")).contains("FailedIndexes: Job has failed indexes (1)");
  }

  @Test
  void maxFailedIndexes_failsTheJobAtTheFirstIndexPastIt_andStopsTheOthers() {
    Simulation sim = cluster();
    sim.create(job("capped", """
        ,"completionMode":"Indexed","completions":3,"parallelism":1,"backoffLimitPerIndex":0,"maxFailedIndexes":0""",
        "\"sim.converge.dev/run-for\":\"5s\",\"sim.converge.dev/failing-indexes\":\"1\"", "Never"));
    runUntil(sim, () -> finished(sim, "capped"), Duration.ofMinutes(5));

    Resource failed = job(sim, "capped");
    assertThat(conditions(failed)).containsExactly("FailureTarget=True MaxFailedIndexesExceeded",
        "Failed=True MaxFailedIndexesExceeded");
    assertThat(failed.status().path("completedIndexes").asText()).isEqualTo("0");
    assertThat(failed.status().path("failedIndexes").asText()).isEqualTo("1");
    assertThat(pods(sim, "capped")).as("index 2 never ran").hasSize(2);
    assertThat(SimTesting.events(sim, "capped")).contains(
        "MaxFailedIndexesExceeded: Job has exceeded the specified maximal number of failed indexes (1)");
  }

  @Test
  void failIndexRule_failsTheIndexAtOnce_whileTheOtherIndexesComplete() {
    Simulation sim = cluster();
    sim.create(job("picky", """
        ,"completionMode":"Indexed","completions":2,"parallelism":2,"backoffLimitPerIndex":3,
        "podFailurePolicy":{"rules":[{"action":"FailIndex","onExitCodes":{"operator":"In","values":[42]}}]}""",
        "\"sim.converge.dev/run-for\":\"5s\",\"sim.converge.dev/failing-indexes\":\"0\","
            + "\"sim.converge.dev/exit-code\":\"42\"", "Never"));
    assertThat(job(sim, "picky").spec().path("podReplacementPolicy").asText()).isEqualTo("Failed");
    runUntil(sim, () -> finished(sim, "picky"), Duration.ofMinutes(5));

    Resource failed = job(sim, "picky");
    assertThat(conditions(failed)).containsExactly("FailureTarget=True FailedIndexes", "Failed=True FailedIndexes");
    assertThat(failed.status().path("failedIndexes").asText()).isEqualTo("0");
    assertThat(failed.status().path("completedIndexes").asText()).isEqualTo("1");
    assertThat(pods(sim, "picky")).as("no retry of index 0 within its limit of 3").hasSize(2);
  }

  @Test
  void successPolicy_completesTheJobOnceItsIndexesSucceeded_deletingTheRunningPodsUncounted() {
    Simulation sim = cluster();
    sim.create(job("leader", """
        ,"completionMode":"Indexed","completions":3,"parallelism":2,
        "successPolicy":{"rules":[{"succeededIndexes":"0"}]}""",
        "\"sim.converge.dev/run-for\":\"5s\",\"sim.converge.dev/failing-indexes\":\"1\"", "OnFailure"));
    runUntil(sim, () -> finished(sim, "leader"), Duration.ofMinutes(5));

    Resource done = job(sim, "leader");
    assertThat(conditions(done)).containsExactly("SuccessCriteriaMet=True SuccessPolicy", "Complete=True SuccessPolicy");
    assertThat(done.status().path("conditions").get(1).path("message").asText()).isEqualTo("Matched rules at index 0");
    assertThat(done.status().path("completedIndexes").asText()).isEqualTo("0");
    assertThat(done.status().path("succeeded").asInt()).isEqualTo(1);
    assertThat(done.status().has("failed")).as("the deleted worker is not a failure").isFalse();
    assertThat(done.status().path("completionTime").isTextual()).isTrue();
    assertThat(pods(sim, "leader")).as("index 2 never ran; index 1 was deleted").hasSize(1);
  }

  @Test
  void ttlAfterFinished_deletesTheJobAndItsPods_thatLongAfterItFinished() {
    Simulation sim = cluster();
    sim.create(job("once", ",\"ttlSecondsAfterFinished\":60", "\"sim.converge.dev/run-for\":\"5s\"", "Never"));
    runUntil(sim, () -> finished(sim, "once"), Duration.ofMinutes(5));
    sim.runFor(Duration.ofSeconds(50));
    assertThat(job(sim, "once")).isNotNull();

    runUntil(sim, () -> job(sim, "once") == null, Duration.ofSeconds(30));
    assertThat(pods(sim, "once")).isEmpty();
    assertThat(sim.cluster().requests().count(r -> r.identity().equals("system:kube-controller-manager")
        && r.verb().equals("delete") && r.resource().equals("jobs"))).isEqualTo(1);
  }

  @Test
  void deletingARunningJob_releasesItsPods_soTheyAreDeletedWithIt() {
    Simulation sim = cluster();
    sim.create(job("gone", ",\"parallelism\":2,\"completions\":2", "\"sim.converge.dev/run-for\":\"never\"", "Never"));
    sim.runFor(Duration.ofSeconds(10));
    assertThat(pods(sim, "gone")).hasSize(2);

    sim.server().delete(Identity.admin(), ResourceKey.namespaced("batch", "Job", "default", "gone"),
        DeleteParams.of(Propagation.BACKGROUND));
    runUntil(sim, () -> pods(sim, "gone").isEmpty(), Duration.ofMinutes(2));
  }

  @Test
  void aPodDeletedByHand_isCountedAsFailed_andReplaced() {
    Simulation sim = cluster();
    sim.create(job("keep", "", "\"sim.converge.dev/run-for\":\"60s\"", "Never"));
    sim.runFor(Duration.ofSeconds(10));
    Resource first = pods(sim, "keep").get(0);
    sim.server().delete(Identity.admin(), first.key(), DeleteParams.defaults());

    runUntil(sim, () -> finished(sim, "keep"), Duration.ofMinutes(5));
    Resource done = job(sim, "keep");
    assertThat(conditions(done)).containsExactly("SuccessCriteriaMet=True", "Complete=True");
    assertThat(done.status().path("failed").asInt()).isEqualTo(1);
    assertThat(done.status().path("succeeded").asInt()).isEqualTo(1);
    assertThat(pods(sim, "keep")).extracting(Resource::name).doesNotContain(first.name());
  }

  @Test
  void anEvictedPod_isIgnoredByAPodFailurePolicyOnDisruptionTarget_butFailsAJobWithoutOne() {
    // The Job documentation's example: ignore pod disruptions (an eviction marks the pod DisruptionTarget).
    Simulation sim = cluster();
    String run = "\"sim.converge.dev/run-for\":\"60s\"";
    sim.create(job("tolerant", ",\"backoffLimit\":0,\"podFailurePolicy\":{\"rules\":[{\"action\":\"Ignore\","
        + "\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]}]}", run, "Never"));
    sim.create(job("strict", ",\"backoffLimit\":0", run, "Never"));
    sim.runFor(Duration.ofSeconds(10));
    for (String name : List.of("tolerant", "strict")) {
      sim.server().evict(Identity.admin(), pods(sim, name).get(0).key(), DeleteParams.defaults());
    }

    runUntil(sim, () -> finished(sim, "tolerant") && finished(sim, "strict"), Duration.ofMinutes(5));

    assertThat(conditions(job(sim, "tolerant"))).contains("Complete=True");
    assertThat(job(sim, "tolerant").status().path("failed").asInt()).as("the evicted pod is not counted").isZero();
    assertThat(job(sim, "tolerant").status().path("succeeded").asInt()).isEqualTo(1);
    assertThat(conditions(job(sim, "strict"))).contains("Failed=True BackoffLimitExceeded");
  }
}
