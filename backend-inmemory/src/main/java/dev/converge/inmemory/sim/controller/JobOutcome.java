package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.batch.IndexIntervals;
import dev.converge.inmemory.sim.controller.JobSync.Condition;
import dev.converge.inmemory.sim.runtime.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where a Job's sync stands ({@code syncJob}'s checks before it manages pods): which pods count as failed, the
 * failure or success the Job has reached in Kubernetes' order of precedence (a condition it has already, a {@code
 * FailJob} pod, the back-off limit, the deadline, failed indexes, the success policy), and the per-index state of
 * an Indexed Job with a per-index back-off limit. Reads a {@link JobSync} and the clock; sends nothing.
 */
final class JobOutcome {
  private JobOutcome() {}

  /**
   * {@code isPodFailed}: Failed, or — unless only failed pods are replaced — being deleted without having
   * succeeded.
   */
  static boolean isFailed(JobSync pass, Resource pod) {
    String phase = PodConditions.phase(pod);
    if (phase.equals("Failed")) {
      return true;
    }
    return !pass.onlyReplaceFailed && pod.isBeingDeleted() && !phase.equals("Succeeded");
  }

  static boolean ignoredByPolicy(JobSync pass, Resource pod) {
    JsonNode policy = pass.spec().path("podFailurePolicy");
    if (!policy.isObject()) {
      return false;
    }
    JobFailures.Match match = JobFailures.match(policy, pod);
    return match != null && match.action() == JobFailures.Action.IGNORE;
  }

  /**
   * The failure or success the Job has reached, in {@code syncJob}'s order of precedence, or null: a condition
   * it has already, a {@code FailJob} pod, the back-off limit, the deadline; then for an Indexed Job its failed
   * indexes and its success policy.
   */
  static @Nullable Condition finishedCondition(JobSync pass, Set<String> pending, Instant now,
      Consumer<Duration> recheckAfter) {
    Condition found = failureCondition(pass, now, recheckAfter);
    if (!pass.indexed) {
      return found;
    }
    if (pass.perIndex >= 0) {
      pass.failedIndexes = failedIndexes(pass, pending);
      int failed = pass.failedIndexes.cardinality();
      JsonNode max = pass.spec().path("maxFailedIndexes");
      if (found != null) {
        // kept
      } else if (max.isNumber() && failed > max.asInt()) {
        found = new Condition("FailureTarget", "MaxFailedIndexesExceeded",
            "Job has exceeded the specified maximal number of failed indexes");
      } else if (failed > 0 && failed + pass.succeededIndexes.cardinality() >= pass.completions) {
        found = new Condition("FailureTarget", "FailedIndexes", "Job has failed indexes");
      }
      pass.delayed = delayedDeletions(pass, pending);
    }
    return found != null ? found : successPolicy(pass);
  }

  /** The conditions every Job can reach, in {@code syncJob}'s order, or null. */
  private static @Nullable Condition failureCondition(JobSync pass, Instant now,
      Consumer<Duration> recheckAfter) {
    Resource job = pass.job;
    JsonNode met = JobConditions.find(job, "SuccessCriteriaMet");
    if (met != null && met.path("status").asText().equals("True")) {
      return new Condition("SuccessCriteriaMet", met.path("reason").asText(""), met.path("message").asText(""));
    }
    JsonNode target = JobConditions.find(job, "FailureTarget");
    if (target != null && target.path("status").asText().equals("True")) {
      return new Condition("FailureTarget", target.path("reason").asText(""), target.path("message").asText(""));
    }
    JsonNode policy = job.spec().path("podFailurePolicy");
    if (policy.isObject()) {
      for (Resource pod : pass.all) {
        if (isFailed(pass, pod)) {
          JobFailures.Match match = JobFailures.match(policy, pod);
          if (match != null && match.action() == JobFailures.Action.FAIL_JOB) {
            return new Condition("FailureTarget", "PodFailurePolicy", match.message());
          }
        }
      }
    }
    if (pass.failed > job.spec().path("backoffLimit").asInt(6) || pastBackoffLimitOnFailure(pass)) {
      return new Condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }
    JsonNode deadline = job.spec().path("activeDeadlineSeconds");
    if (deadline.isNumber() && pass.startTime != null && !JobController.suspended(job)) {
      Duration allowed = Duration.ofSeconds(deadline.asLong());
      Duration active = Duration.between(Timestamps.parse(pass.startTime), now);
      if (active.compareTo(allowed) >= 0) {
        return new Condition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline");
      }
      recheckAfter.accept(allowed.minus(active));
    }
    return null;
  }

  /**
   * {@code calculateFailedIndexes}: {@code status.failedIndexes} and the index of every counted pod whose
   * failure fails its index.
   */
  private static BitSet failedIndexes(JobSync pass, Set<String> pending) {
    BitSet out = IndexIntervals.parse(pass.job.status().path("failedIndexes").asText(""), pass.completions);
    for (Resource pod : pass.all) {
      int index = JobIndexes.of(pod);
      if (index >= 0 && index < pass.completions && JobController.hasFinalizer(pod) && !pending.contains(pod.uid())
          && failsIndex(pass, pod)) {
        out.set(index);
      }
    }
    return out;
  }

  /**
   * {@code isIndexFailed}: a failed pod that matches a {@code FailIndex} rule, or whose counted failure is past
   * the limit (its own {@value JobIndexes#FAILURE_COUNT}, the failures before it, reached it).
   */
  private static boolean failsIndex(JobSync pass, Resource pod) {
    if (!isFailed(pass, pod)) {
      return false;
    }
    JsonNode policy = pass.spec().path("podFailurePolicy");
    if (policy.isObject()) {
      JobFailures.Match match = JobFailures.match(policy, pod);
      if (match != null && match.action() == JobFailures.Action.FAIL_INDEX) {
        return true;
      }
      if (match != null && match.action() == JobFailures.Action.IGNORE) {
        return false;
      }
    }
    return JobIndexes.failureCount(pod) >= pass.perIndex;
  }

  /**
   * {@code getPodsWithDelayedDeletionPerIndex}: per index that is neither done nor running, its latest failed
   * pod with the most failures, which keeps its finalizer until its replacement runs.
   */
  private static Map<Integer, Resource> delayedDeletions(JobSync pass, Set<String> pending) {
    Map<Integer, Resource> out = new HashMap<>();
    BitSet running = new BitSet();
    for (Resource pod : pass.active) {
      int index = JobIndexes.of(pod);
      if (index >= 0) {
        running.set(index);
      }
    }
    for (Resource pod : pass.all) {
      int index = JobIndexes.of(pod);
      if (index < 0 || index >= pass.completions || !JobController.hasFinalizer(pod) || pending.contains(pod.uid())
          || !isFailed(pass, pod) || pass.succeededIndexes.get(index) || pass.failedIndexes.get(index)
          || running.get(index)) {
        continue;
      }
      Resource kept = out.get(index);
      if (kept == null || absoluteFailures(kept) <= absoluteFailures(pod)
          && !JobFailures.finishTime(pod).isBefore(JobFailures.finishTime(kept))) {
        out.put(index, pod);
      }
    }
    return out;
  }

  private static int absoluteFailures(Resource pod) {
    return JobIndexes.failureCount(pod) + JobIndexes.ignoredFailureCount(pod);
  }

  /** Whether {@code pod} is the failed pod its index keeps until the replacement runs. */
  static boolean isDelayed(JobSync pass, Resource pod) {
    Resource kept = pass.delayed.get(JobIndexes.of(pod));
    return kept != null && kept.uid() != null && kept.uid().equals(pod.uid());
  }

  /**
   * {@code matchSuccessPolicy}: the first rule the succeeded indexes satisfy — all of its {@code
   * succeededIndexes}, or {@code succeededCount} of them, or with indexes unset {@code succeededCount} of all.
   */
  private static @Nullable Condition successPolicy(JobSync pass) {
    JsonNode rules = pass.spec().path("successPolicy").path("rules");
    if (!rules.isArray() || pass.succeededIndexes.isEmpty()) {
      return null;
    }
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      JsonNode count = rule.path("succeededCount");
      boolean matched = false;
      if (rule.path("succeededIndexes").isTextual()) {
        BitSet required = IndexIntervals.parse(rule.path("succeededIndexes").asText(), pass.completions);
        if (!required.isEmpty()) {
          BitSet done = (BitSet) required.clone();
          done.and(pass.succeededIndexes);
          matched = done.cardinality() == required.cardinality()
              || count.isNumber() && done.cardinality() >= count.asInt();
        }
      } else if (count.isNumber()) {
        matched = pass.succeededIndexes.cardinality() >= count.asInt();
      }
      if (matched) {
        return new Condition("SuccessCriteriaMet", "SuccessPolicy", "Matched rules at index " + i);
      }
    }
    return null;
  }

  /**
   * {@code pastBackoffLimitOnFailure}: with {@code restartPolicy: OnFailure} failures are container restarts,
   * summed over the pods still Pending or Running.
   */
  private static boolean pastBackoffLimitOnFailure(JobSync pass) {
    JsonNode spec = pass.spec();
    if (!spec.path("template").path("spec").path("restartPolicy").asText().equals("OnFailure")) {
      return false;
    }
    long restarts = 0;
    for (Resource pod : pass.all) {
      String phase = PodConditions.phase(pod);
      if (phase.equals("Running") || phase.equals("Pending")) {
        for (String statuses : new String[] {"initContainerStatuses", "containerStatuses"}) {
          for (JsonNode status : pod.status().path(statuses)) {
            restarts += status.path("restartCount").asLong(0);
          }
        }
      }
    }
    int limit = spec.path("backoffLimit").asInt(6);
    return limit == 0 ? restarts > 0 : restarts >= limit;
  }
}
