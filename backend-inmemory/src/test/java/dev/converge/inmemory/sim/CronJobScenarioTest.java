package dev.converge.inmemory.sim;

import static dev.converge.inmemory.sim.SimTesting.fixedKubelet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.sim.controller.CronJobController;
import dev.converge.inmemory.sim.node.NodePool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CronJobs on a simulated cluster: the CronJob controller creates a Job at each time of the schedule, tracks
 * them in {@code status.active}, keeps the history limits, and honours the concurrency policy, suspension and the
 * time zone. The virtual clock starts at 2025-01-01T00:00:00Z.
 */
class CronJobScenarioTest {
  private static final GroupKind CRON_JOB = GroupKind.of("batch", "CronJob");
  private static final GroupKind JOB = GroupKind.of("batch", "Job");

  private static Simulation cluster() {
    return Simulation.builder().seed(3).kubelet(fixedKubelet()).pool(NodePool.plain(2)).build().start();
  }

  /** A CronJob {@code name}; {@code spec} adds fields (leading comma); its pods run {@code runFor}. */
  private static String cronJob(String name, String schedule, String spec, String runFor) {
    return """
        {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"%s","namespace":"default"},
         "spec":{"schedule":"%s"%s,"jobTemplate":{"metadata":{"labels":{"team":"data"}},"spec":{"template":{
           "metadata":{"annotations":{"sim.converge.dev/run-for":"%s"}},
           "spec":{"restartPolicy":"Never","containers":[{"name":"main","image":"report:1"}]}}}}}}"""
        .formatted(name, schedule, spec, runFor);
  }

  private static List<Resource> jobs(Simulation sim) {
    List<Resource> out = new ArrayList<>(sim.server().cache().inNamespace(JOB, "default").values());
    out.sort(java.util.Comparator.comparing(Resource::name));
    return out;
  }

  private static Resource cronJob(Simulation sim, String name) {
    return SimTesting.get(sim, CRON_JOB, "default", name);
  }

  private static String jobName(String cronJob, String time) {
    return cronJob + "-" + Instant.parse(time).getEpochSecond() / 60;
  }

  @Test
  void everyMinute_createsAJobAtEachTime_andKeepsThreeSuccessfulOnes() {
    Simulation sim = cluster();
    sim.create(cronJob("report", "* * * * *", "", "10s"));
    sim.runFor(Duration.ofSeconds(330));

    // Jobs at 00:01 … 00:05; each completes in ~15 s; the oldest two finished ones are deleted.
    assertThat(jobs(sim)).extracting(Resource::name).containsExactly(
        jobName("report", "2025-01-01T00:03:00Z"), jobName("report", "2025-01-01T00:04:00Z"),
        jobName("report", "2025-01-01T00:05:00Z"));
    Resource job = jobs(sim).get(2);
    assertThat(job.annotations()).containsEntry(CronJobController.SCHEDULED_TIMESTAMP, "2025-01-01T00:05:00Z");
    assertThat(job.labels()).containsEntry("team", "data");
    assertThat(job.ownerReferences().get(0).kind()).isEqualTo("CronJob");
    JsonNode status = cronJob(sim, "report").status();
    assertThat(status.path("lastScheduleTime").asText()).isEqualTo("2025-01-01T00:05:00Z");
    assertThat(status.path("lastSuccessfulTime").asText()).startsWith("2025-01-01T00:05:");
    assertThat(status.has("active")).isFalse();
    List<String> events = SimTesting.events(sim, "report");
    assertThat(events).contains("SuccessfulCreate: Created job " + jobName("report", "2025-01-01T00:01:00Z") + " (1)",
        "SawCompletedJob: Saw completed job: " + jobName("report", "2025-01-01T00:01:00Z") + ", condition: Complete (1)",
        "SuccessfulDelete: Deleted job " + jobName("report", "2025-01-01T00:01:00Z") + " (1)");
    // The deleted Jobs' pods went with them (background propagation).
    assertThat(sim.server().cache().inNamespace(SimTesting.POD, "default").values())
        .allMatch(pod -> !pod.name().startsWith(jobName("report", "2025-01-01T00:01:00Z")));
  }

  @Test
  void forbid_skipsATime_whileTheLastJobRuns() {
    Simulation sim = cluster();
    sim.create(cronJob("long", "* * * * *", ",\"concurrencyPolicy\":\"Forbid\"", "100s"));
    sim.runFor(Duration.ofSeconds(150));

    // 00:01 starts a Job of ~105 s; at 00:02 it still runs: skipped.
    assertThat(jobs(sim)).extracting(Resource::name).containsExactly(jobName("long", "2025-01-01T00:01:00Z"));
    assertThat(SimTesting.events(sim, "long")).contains(
        "JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid (1)");
    assertThat(cronJob(sim, "long").status().path("active")).hasSize(1);
  }

  @Test
  void replace_deletesTheRunningJob_andStartsTheNext() {
    Simulation sim = cluster();
    sim.create(cronJob("fresh", "* * * * *", ",\"concurrencyPolicy\":\"Replace\"", "100s"));
    sim.runFor(Duration.ofSeconds(150));

    assertThat(jobs(sim)).extracting(Resource::name).containsExactly(jobName("fresh", "2025-01-01T00:02:00Z"));
    assertThat(SimTesting.events(sim, "fresh"))
        .contains("SuccessfulDelete: Deleted job " + jobName("fresh", "2025-01-01T00:01:00Z") + " (1)");
    JsonNode active = cronJob(sim, "fresh").status().path("active");
    assertThat(active).hasSize(1);
    assertThat(active.get(0).path("name").asText()).isEqualTo(jobName("fresh", "2025-01-01T00:02:00Z"));
  }

  @Test
  void suspended_startsNothing_untilResumed() {
    Simulation sim = cluster();
    sim.create(cronJob("paused", "* * * * *", ",\"suspend\":true", "5s"));
    sim.runFor(Duration.ofMinutes(3));
    assertThat(jobs(sim)).isEmpty();

    sim.server().patch(Identity.admin(), ResourceKey.namespaced("batch", "CronJob", "default", "paused"),
        PatchType.MERGE, Json.parse("{\"spec\":{\"suspend\":false}}"), PatchOptions.defaults());
    sim.runFor(Duration.ofSeconds(10));
    // Resumed at 00:03: the 00:03 time is the most recent unmet one and within no deadline: it starts now.
    assertThat(jobs(sim)).extracting(Resource::name).containsExactly(jobName("paused", "2025-01-01T00:03:00Z"));
  }

  @Test
  void timeZone_placesTheScheduleInThatZone() {
    Simulation sim = cluster();
    sim.create(cronJob("evening", "30 19 * * *", ",\"timeZone\":\"America/New_York\"", "5s"));
    sim.runFor(Duration.ofMinutes(29));
    assertThat(jobs(sim)).isEmpty();
    sim.runFor(Duration.ofMinutes(2));

    // 19:30 in New York on 31 December is 00:30 UTC on 1 January.
    assertThat(jobs(sim)).extracting(Resource::name).containsExactly(jobName("evening", "2025-01-01T00:30:00Z"));
    assertThat(jobs(sim).get(0).annotations())
        .containsEntry(CronJobController.SCHEDULED_TIMESTAMP, "2024-12-31T19:30:00-05:00");
  }

  @Test
  void theApiServer_refusesASchedule_orTimeZone_itCannotRead() {
    Simulation sim = cluster();
    assertThatThrownBy(() -> sim.create(cronJob("bad", "61 * * * *", "", "5s")))
        .isInstanceOf(BackendException.class).hasMessageContaining("spec.schedule: Invalid value: \"61 * * * *\"");
    assertThatThrownBy(() -> sim.create(cronJob("tz", "TZ=UTC 0 * * * *", "", "5s")))
        .hasMessageContaining("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    assertThatThrownBy(() -> sim.create(cronJob("zone", "0 * * * *", ",\"timeZone\":\"Mars/Olympus\"", "5s")))
        .hasMessageContaining("spec.timeZone: Invalid value: \"Mars/Olympus\"");
    assertThatThrownBy(() -> sim.create(cronJob("x".repeat(53), "0 * * * *", "", "5s")))
        .hasMessageContaining("must be no more than 52 characters");
  }
}
