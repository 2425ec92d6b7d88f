package dev.converge.inmemory.sim.controller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The state of one sync of a Job ({@code syncJobCtx}): what {@link JobController} and {@link JobOutcome} share. */
final class JobSync {
  final String key;
  Resource job;
  final List<Resource> all;
  final List<Resource> active = new ArrayList<>();
  final boolean indexed;
  final boolean onlyReplaceFailed;
  final int completions;
  final boolean hasCompletions;
  /** {@code backoffLimitPerIndex} of an Indexed Job, or -1. */
  final int perIndex;
  /** With a per-index limit: {@code status.failedIndexes} and the indexes failed since. */
  BitSet failedIndexes = new BitSet();
  /** Per index, its failed pod kept (with its finalizer) until the replacement runs. */
  Map<Integer, Resource> delayed = Map.of();
  final Set<String> uncountedSucceeded = new LinkedHashSet<>();
  final Set<String> uncountedFailed = new LinkedHashSet<>();
  final List<Resource> newSucceeded = new ArrayList<>();
  final List<Resource> newFailed = new ArrayList<>();
  BitSet succeededIndexes = new BitSet();
  int succeeded;
  int failed;
  int ready;
  int terminating;
  @Nullable String startTime;
  /** FailureTarget or SuccessCriteriaMet, with reason and message, or null. */
  @Nullable Condition finished;
  boolean suspendChanged;
  JobFailures.Backoff backoff = JobFailures.Backoff.NONE;

  JobSync(String key, Resource job, Collection<Resource> pods) {
    this.key = key;
    this.job = job;
    JsonNode spec = job.spec();
    this.indexed = spec.path("completionMode").asText("NonIndexed").equals("Indexed");
    this.onlyReplaceFailed = spec.path("podReplacementPolicy").asText("").equals("Failed")
        || spec.path("podFailurePolicy").isObject();
    this.hasCompletions = spec.path("completions").isNumber();
    this.completions = spec.path("completions").asInt(0);
    this.perIndex = indexed && spec.path("backoffLimitPerIndex").isNumber()
        ? spec.path("backoffLimitPerIndex").asInt() : -1;
    this.all = new ArrayList<>(pods);
    this.startTime = job.status().path("startTime").isTextual() ? job.status().path("startTime").asText() : null;
  }

  JsonNode spec() {
    return job.spec();
  }

  /** A Job condition: {@code type}, {@code status} True, and reason and message (empty ones are left out). */
  record Condition(String type, String reason, String message) {}
}
