package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.sim.runtime.Timestamps;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How the Job controller judges its pods' failures: the delay before it replaces failed pods
 * ({@code backoff_utils.go}) and the pod failure policy ({@code pod_failure_policy.go}).
 */
final class JobFailures {
  /** {@code DefaultJobPodFailureBackOff}. */
  static final Duration POD_FAILURE_BACKOFF = Duration.ofSeconds(10);
  /** {@code MaxJobPodFailureBackOff}. */
  static final Duration MAX_POD_FAILURE_BACKOFF = Duration.ofMinutes(10);

  private JobFailures() {}

  /**
   * {@code backoffRecord}: failures since the last success and when the latest of them finished. The creation of
   * replacement pods waits 10 s × 2^(failures − 1), at most 10 min, from that time.
   */
  record Backoff(int failuresAfterLastSuccess, @Nullable Instant lastFailureTime) {
    static final Backoff NONE = new Backoff(0, null);

    /**
     * {@code newBackoffRecord}: with no new success, the new failures add up; with one, only the failures that
     * finished after the latest new success count.
     */
    Backoff next(List<Resource> newSucceeded, List<Resource> newFailed) {
      if (newSucceeded.isEmpty()) {
        if (newFailed.isEmpty()) {
          return this;
        }
        return new Backoff(failuresAfterLastSuccess + newFailed.size(), latest(newFailed, lastFailureTime));
      }
      Instant lastSuccess = latest(newSucceeded, null);
      int failures = 0;
      Instant lastFailure = null;
      for (Resource pod : newFailed) {
        Instant finished = finishTime(pod);
        if (lastSuccess == null || finished.isAfter(lastSuccess)) {
          failures++;
          lastFailure = lastFailure == null || finished.isAfter(lastFailure) ? finished : lastFailure;
        }
      }
      return new Backoff(failures, lastFailure);
    }

    /** {@code getRemainingTime}: how long creations must still wait at {@code now}; zero or less for none. */
    Duration remaining(Instant now) {
      if (failuresAfterLastSuccess == 0 || lastFailureTime == null) {
        return Duration.ZERO;
      }
      Duration delay = POD_FAILURE_BACKOFF;
      for (int i = 1; i < failuresAfterLastSuccess && delay.compareTo(MAX_POD_FAILURE_BACKOFF) < 0; i++) {
        delay = delay.multipliedBy(2);
      }
      if (delay.compareTo(MAX_POD_FAILURE_BACKOFF) > 0) {
        delay = MAX_POD_FAILURE_BACKOFF;
      }
      Duration left = delay.minus(Duration.between(lastFailureTime, now));
      return left.isNegative() ? Duration.ZERO : left;
    }

    private static @Nullable Instant latest(List<Resource> pods, @Nullable Instant floor) {
      Instant out = floor;
      for (Resource pod : pods) {
        Instant finished = finishTime(pod);
        if (out == null || finished.isAfter(out)) {
          out = finished;
        }
      }
      return out;
    }
  }

  /**
   * {@code getFinishedTime}: the latest {@code finishedAt} when every container has terminated, else when the
   * Ready condition turned False, else the deletion time less the grace period, else the creation time.
   */
  static Instant finishTime(Resource pod) {
    Instant latest = null;
    boolean allTerminated = true;
    for (JsonNode status : pod.status().path("containerStatuses")) {
      JsonNode finished = status.path("state").path("terminated").path("finishedAt");
      if (!finished.isTextual()) {
        allTerminated = false;
        break;
      }
      Instant at = Timestamps.parse(finished.asText());
      latest = latest == null || at.isAfter(latest) ? at : latest;
    }
    if (allTerminated && latest != null) {
      return latest;
    }
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals("Ready") && condition.path("status").asText().equals("False")
          && condition.path("lastTransitionTime").isTextual()) {
        return Timestamps.parse(condition.path("lastTransitionTime").asText());
      }
    }
    JsonNode deletion = pod.metadata().path("deletionTimestamp");
    if (deletion.isTextual()) {
      return Timestamps.parse(deletion.asText())
          .minusSeconds(pod.metadata().path("deletionGracePeriodSeconds").asLong(0));
    }
    return Timestamps.parse(pod.metadata().path("creationTimestamp").asText("1970-01-01T00:00:00Z"));
  }

  /**
   * {@code getRemainingTimePerIndex}: how long the replacement of {@code lastFailed}, the index's failed pod kept
   * for it, must still wait at {@code now}: 10 s doubled once per earlier failure of the index (ignored ones
   * included), at most 10 min, from when it finished. Zero without such a pod.
   */
  static Duration remainingForIndex(@Nullable Resource lastFailed, Instant now) {
    if (lastFailed == null) {
      return Duration.ZERO;
    }
    int failures = JobIndexes.failureCount(lastFailed) + JobIndexes.ignoredFailureCount(lastFailed) + 1;
    return new Backoff(failures, finishTime(lastFailed)).remaining(now);
  }

  /** What a failed pod's matching pod failure policy rule says. */
  enum Action {
    FAIL_JOB, FAIL_INDEX, IGNORE, COUNT
  }

  /** The rule that matched, its action, and for {@code FailJob} the Job's failure message. */
  record Match(Action action, @Nullable String message) {}

  /**
   * {@code matchPodFailurePolicy}: the first rule of {@code policy} that matches the failed {@code pod}, or null.
   * ({@code FailIndex} rules are valid only with a per-index back-off limit.)
   */
  static @Nullable Match match(JsonNode policy, Resource pod) {
    int index = 0;
    for (JsonNode rule : policy.path("rules")) {
      String action = rule.path("action").asText();
      String message = null;
      JsonNode exitCodes = rule.path("onExitCodes");
      if (exitCodes.isObject()) {
        message = matchExitCodes(exitCodes, pod, index);
      } else {
        for (JsonNode pattern : rule.path("onPodConditions")) {
          String type = pattern.path("type").asText();
          if (hasCondition(pod, type, pattern.path("status").asText("True"))) {
            message = "Pod " + pod.namespace() + "/" + pod.name() + " has condition " + type
                + " matching FailJob rule at index " + index;
            break;
          }
        }
      }
      if (message != null) {
        switch (action) {
          case "FailJob":
            return new Match(Action.FAIL_JOB, message);
          case "Ignore":
            return new Match(Action.IGNORE, null);
          case "Count":
            return new Match(Action.COUNT, null);
          case "FailIndex":
            return new Match(Action.FAIL_INDEX, null);
          default:
            break; // an action this version does not know: the next rule
        }
      }
      index++;
    }
    return null;
  }

  /** {@code matchOnExitCodes}: the app containers first, then the init containers; non-zero exits only. */
  private static @Nullable String matchExitCodes(JsonNode requirement, Resource pod, int index) {
    String container = requirement.path("containerName").asText("");
    String operator = requirement.path("operator").asText();
    for (String statuses : new String[] {"containerStatuses", "initContainerStatuses"}) {
      for (JsonNode status : pod.status().path(statuses)) {
        JsonNode terminated = status.path("state").path("terminated");
        int code = terminated.path("exitCode").asInt(0);
        String name = status.path("name").asText();
        if (!terminated.isObject() || code == 0 || (!container.isEmpty() && !container.equals(name))) {
          continue;
        }
        boolean listed = false;
        for (JsonNode value : requirement.path("values")) {
          listed |= value.asInt() == code;
        }
        if ((operator.equals("In") && listed) || (operator.equals("NotIn") && !listed)) {
          return "Container " + name + " for pod " + pod.namespace() + "/" + pod.name() + " failed with exit code "
              + code + " matching FailJob rule at index " + index;
        }
      }
    }
    return null;
  }

  private static boolean hasCondition(Resource pod, String type, String status) {
    for (JsonNode condition : pod.status().path("conditions")) {
      if (condition.path("type").asText().equals(type) && condition.path("status").asText().equals(status)) {
        return true;
      }
    }
    return false;
  }
}
