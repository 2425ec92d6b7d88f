package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Names;
import dev.converge.inmemory.batch.IndexIntervals;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A Job's spec, on its own and inside a CronJob's {@code jobTemplate} ({@code pkg/apis/batch/validation}
 * {@code validateJobSpec}, and {@code ValidateJobSpecUpdate} for updates), with the 1.32 feature gates: per-index
 * back-off limits and success policies are on.
 */
final class JobValidation {
  /** {@code maxParallelismForIndexedJob}. */
  static final int MAX_PARALLELISM_INDEXED = 100_000;
  /** {@code maxFailedIndexesLimitForBackoffLimitPerIndex}. */
  static final int MAX_FAILED_INDEXES = 100_000;
  /** {@code completionsSoftLimit}: above it, a per-index back-off limit needs tighter bounds. */
  static final int COMPLETIONS_SOFT_LIMIT = 100_000;
  /** {@code parallelismLimitForHighCompletions} and {@code maxFailedIndexesLimitForHighCompletions}. */
  static final int LIMIT_FOR_HIGH_COMPLETIONS = 10_000;
  /** {@code maxSuccessPolicyRule}. */
  static final int MAX_SUCCESS_POLICY_RULES = 20;
  /** {@code maxJobSuccessPolicySucceededIndexesLimit}: 64 KiB. */
  static final int MAX_SUCCEEDED_INDEXES_BYTES = 64 * 1024;
  /** {@code maxPodFailurePolicyRules}. */
  static final int MAX_POLICY_RULES = 20;
  /** {@code maxPodFailurePolicyOnExitCodesValues}. */
  static final int MAX_EXIT_CODES = 255;
  /** {@code maxPodFailurePolicyOnPodConditionsPatterns}. */
  static final int MAX_CONDITION_PATTERNS = 20;
  private static final List<String> ACTIONS = List.of("Count", "FailIndex", "FailJob", "Ignore");
  private static final List<String> OPERATORS = List.of("In", "NotIn");
  private static final List<String> STATUSES = List.of("False", "True", "Unknown");
  private static final List<String> REPLACEMENT_POLICIES = List.of("TerminatingOrFailed", "Failed");
  /** The template fields a suspended Job that never started may change ({@code JobMutableSchedulingDirectives}). */
  private static final Set<String> SCHEDULING_DIRECTIVES = Set.of("nodeSelector", "affinity", "tolerations",
      "schedulingGates");

  private JobValidation() {}

  /** A Job: its spec, and on update the fields {@code ValidateJobSpecUpdate} keeps. */
  static void job(JsonNode object, @Nullable JsonNode old, FieldErrors errors) {
    JsonNode spec = object.path("spec");
    spec(spec, "spec", errors);
    if (old != null) {
      update(spec, old.path("spec"), old.path("status"), errors);
    }
  }

  /** {@code validateJobSpec} at {@code path}. */
  static void spec(JsonNode spec, String path, FieldErrors errors) {
    for (String field : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes")) {
      JsonNode value = spec.path(field);
      if (value.isNumber() && value.asLong() < 0) {
        errors.invalid(path + "." + field, value.asLong(), "must be greater than or equal to 0");
      }
    }
    JsonNode completions = spec.path("completions");
    JsonNode parallelism = spec.path("parallelism");
    JsonNode perIndex = spec.path("backoffLimitPerIndex");
    JsonNode maxFailed = spec.path("maxFailedIndexes");
    if (maxFailed.isNumber() && !perIndex.isNumber()) {
      errors.required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified");
    }
    String mode = spec.path("completionMode").asText("NonIndexed");
    if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
      errors.unsupported(path + ".completionMode", mode, List.of("NonIndexed", "Indexed"));
    }
    if (mode.equals("Indexed")) {
      if (!completions.isNumber()) {
        errors.required(path + ".completions", "when completion mode is Indexed");
      }
      if (parallelism.isNumber() && parallelism.asLong() > MAX_PARALLELISM_INDEXED) {
        errors.invalid(path + ".parallelism", parallelism.asLong(),
            "must be less than or equal to " + MAX_PARALLELISM_INDEXED + " when completion mode is Indexed");
      }
      if (completions.isNumber() && maxFailed.isNumber() && maxFailed.asLong() > completions.asLong()) {
        errors.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to completions");
      }
      if (maxFailed.isNumber() && maxFailed.asLong() > MAX_FAILED_INDEXES) {
        errors.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to " + MAX_FAILED_INDEXES);
      }
      if (completions.isNumber() && completions.asLong() > COMPLETIONS_SOFT_LIMIT && perIndex.isNumber()) {
        String high = " when completions are above " + COMPLETIONS_SOFT_LIMIT + " and used with backoff limit per index";
        if (!maxFailed.isNumber()) {
          errors.required(path + ".maxFailedIndexes", "must be specified when completions is above " + COMPLETIONS_SOFT_LIMIT);
        } else if (maxFailed.asLong() > LIMIT_FOR_HIGH_COMPLETIONS) {
          errors.invalid(path + ".maxFailedIndexes", maxFailed.asLong(),
              "must be less than or equal to " + LIMIT_FOR_HIGH_COMPLETIONS + high);
        }
        if (parallelism.isNumber() && parallelism.asLong() > LIMIT_FOR_HIGH_COMPLETIONS) {
          errors.invalid(path + ".parallelism", parallelism.asLong(),
              "must be less than or equal to " + LIMIT_FOR_HIGH_COMPLETIONS + high);
        }
      }
    } else {
      if (perIndex.isNumber()) {
        errors.invalid(path + ".backoffLimitPerIndex", perIndex.asLong(), "requires indexed completion mode");
      }
      if (maxFailed.isNumber()) {
        errors.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "requires indexed completion mode");
      }
    }
    JsonNode failurePolicy = spec.path("podFailurePolicy");
    if (failurePolicy.isObject()) {
      podFailurePolicy(failurePolicy, perIndex.isNumber(), spec.path("template").path("spec"),
          path + ".podFailurePolicy", errors);
    }
    JsonNode successPolicy = spec.path("successPolicy");
    if (successPolicy.isObject()) {
      if (!mode.equals("Indexed")) {
        errors.invalid(path + ".successPolicy", successPolicy.toString(), "requires indexed completion mode");
      } else {
        successPolicy(successPolicy, completions.asInt(0), path + ".successPolicy", errors);
      }
    }
    JsonNode replacement = spec.path("podReplacementPolicy");
    if (replacement.isTextual()) {
      List<String> allowed = failurePolicy.isObject() ? List.of("Failed") : REPLACEMENT_POLICIES;
      if (!allowed.contains(replacement.asText())) {
        errors.unsupported(path + ".podReplacementPolicy", replacement.asText(), allowed);
      }
    }
    JsonNode template = spec.path("template");
    if (!template.isObject()) {
      errors.required(path + ".template");
      return;
    }
    WorkloadValidation.podSpec(template.path("spec"), path + ".template.spec", errors);
    String restart = template.path("spec").path("restartPolicy").asText("");
    if (!restart.equals("OnFailure") && !restart.equals("Never")) {
      errors.required(path + ".template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\"");
    } else if (failurePolicy.isObject() && !restart.equals("Never")) {
      errors.invalid(path + ".template.spec.restartPolicy", restart,
          "only \"Never\" is supported when podFailurePolicy is specified");
    }
  }

  /**
   * {@code validatePodFailurePolicy}: at most 20 rules, each with a known action ({@code FailIndex} only with a
   * per-index limit) and one requirement: exit codes of a template container ({@code In} or {@code NotIn}, 1 to
   * 255 ordered distinct values, no 0 with {@code In}), or at most 20 pod condition patterns (a qualified type,
   * status True, False or Unknown).
   */
  private static void podFailurePolicy(JsonNode policy, boolean perIndex, JsonNode podSpec, String path,
      FieldErrors errors) {
    JsonNode rules = policy.path("rules");
    if (rules.size() > MAX_POLICY_RULES) {
      errors.tooMany(path + ".rules", rules.size(), MAX_POLICY_RULES);
    }
    Set<String> containers = new HashSet<>();
    for (String section : List.of("containers", "initContainers")) {
      podSpec.path(section).forEach(container -> containers.add(container.path("name").asText()));
    }
    for (int i = 0; i < rules.size(); i++) {
      JsonNode rule = rules.get(i);
      String at = path + ".rules[" + i + "]";
      String action = rule.path("action").asText("");
      if (action.isEmpty()) {
        errors.required(at + ".action", "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]");
      } else if (!ACTIONS.contains(action)) {
        errors.unsupported(at + ".action", action, ACTIONS);
      } else if (action.equals("FailIndex") && !perIndex) {
        errors.invalid(at + ".action", action, "requires the backoffLimitPerIndex to be set");
      }
      JsonNode exitCodes = rule.path("onExitCodes");
      boolean conditions = rule.path("onPodConditions").size() > 0;
      if (exitCodes.isObject() && conditions) {
        errors.add(at + ": Invalid value: specifying both OnExitCodes and OnPodConditions is not supported");
      } else if (!exitCodes.isObject() && !conditions) {
        errors.add(at + ": Invalid value: specifying one of OnExitCodes and OnPodConditions is required");
      } else if (exitCodes.isObject()) {
        onExitCodes(exitCodes, containers, at + ".onExitCodes", errors);
      } else {
        onPodConditions(rule.path("onPodConditions"), at + ".onPodConditions", errors);
      }
    }
  }

  private static void onExitCodes(JsonNode requirement, Set<String> containers, String path, FieldErrors errors) {
    JsonNode container = requirement.path("containerName");
    if (container.isTextual() && !containers.contains(container.asText())) {
      errors.invalid(path + ".containerName", container.asText(),
          "must be one of the container or initContainer names in the pod template");
    }
    String operator = requirement.path("operator").asText("");
    if (operator.isEmpty()) {
      errors.required(path + ".operator", "valid values: [\"In\" \"NotIn\"]");
    } else if (!OPERATORS.contains(operator)) {
      errors.unsupported(path + ".operator", operator, OPERATORS);
    }
    JsonNode values = requirement.path("values");
    List<Long> codes = new ArrayList<>();
    values.forEach(value -> codes.add(value.asLong()));
    // Go prints the []int32 with %#v.
    String shown = (values.isArray() ? "[]int32{" : "[]int32(nil") + codes.stream().map(String::valueOf)
        .collect(Collectors.joining(", ")) + (values.isArray() ? "}" : ")");
    if (codes.isEmpty()) {
      errors.add(path + ".values: Invalid value: " + shown + ": at least one value is required");
    }
    if (codes.size() > MAX_EXIT_CODES) {
      errors.tooMany(path + ".values", codes.size(), MAX_EXIT_CODES);
    }
    boolean ordered = true;
    Set<Long> seen = new HashSet<>();
    for (int j = 0; j < codes.size(); j++) {
      long code = codes.get(j);
      if (operator.equals("In") && code == 0) {
        errors.invalid(path + ".values[" + j + "]", code, "must not be 0 for the In operator");
      }
      if (!seen.add(code)) {
        errors.duplicate(path + ".values[" + j + "]", code);
      }
      if (j > 0 && codes.get(j - 1) > code) {
        ordered = false;
      }
    }
    if (!ordered) {
      errors.add(path + ".values: Invalid value: " + shown + ": must be ordered");
    }
  }

  private static void onPodConditions(JsonNode patterns, String path, FieldErrors errors) {
    if (patterns.size() > MAX_CONDITION_PATTERNS) {
      errors.tooMany(path, patterns.size(), MAX_CONDITION_PATTERNS);
    }
    for (int j = 0; j < patterns.size(); j++) {
      JsonNode pattern = patterns.get(j);
      String at = path + "[" + j + "]";
      String type = pattern.path("type").asText("");
      Names.qualifiedNameErrors(type).forEach(problem -> errors.invalid(at + ".type", type, problem));
      String status = pattern.path("status").asText("");
      if (status.isEmpty()) {
        errors.required(at + ".status", "valid values: [\"False\" \"True\" \"Unknown\"]");
      } else if (!STATUSES.contains(status)) {
        errors.unsupported(at + ".status", status, STATUSES);
      }
    }
  }

  /** {@code validateSuccessPolicy} for an Indexed Job of {@code completions}. */
  private static void successPolicy(JsonNode policy, int completions, String path, FieldErrors errors) {
    JsonNode rules = policy.path("rules");
    if (rules.size() == 0) {
      errors.required(path + ".rules", "at least one rules must be specified when the successPolicy is specified");
    }
    if (rules.size() > MAX_SUCCESS_POLICY_RULES) {
      errors.tooMany(path + ".rules", rules.size(), MAX_SUCCESS_POLICY_RULES);
    }
    int i = 0;
    for (JsonNode rule : rules) {
      String at = path + ".rules[" + i++ + "]";
      JsonNode indexes = rule.path("succeededIndexes");
      JsonNode count = rule.path("succeededCount");
      if (!indexes.isTextual() && !count.isNumber()) {
        errors.required(at, "at least one of succeededCount or succeededIndexes must be specified");
      }
      long total = 0;
      if (indexes.isTextual()) {
        if (indexes.asText().length() > MAX_SUCCEEDED_INDEXES_BYTES) {
          errors.add(at + ".succeededIndexes: Too long: may not be more than " + MAX_SUCCEEDED_INDEXES_BYTES + " bytes");
        } else {
          try {
            total = IndexIntervals.count(indexes.asText(), completions);
          } catch (IllegalArgumentException e) {
            errors.invalid(at + ".succeededIndexes", indexes.asText(), "error parsing succeededIndexes: " + e.getMessage());
          }
        }
      }
      if (count.isNumber()) {
        long value = count.asLong();
        if (value < 0) {
          errors.invalid(at + ".succeededCount", value, "must be greater than or equal to 0");
        }
        if (value > completions) {
          errors.invalid(at + ".succeededCount", value,
              "must be less than or equal to " + completions + " (the number of specified completions)");
        }
        if (indexes.isTextual() && value > total) {
          errors.invalid(at + ".succeededCount", value,
              "must be less than or equal to " + total + " (the number of indexes in the specified succeededIndexes field)");
        }
      }
    }
  }

  /**
   * {@code ValidateJobSpecUpdate}: the selector, the completion mode, the pod failure and success policies and
   * the per-index limit never change; {@code completions} only with {@code parallelism} in an elastic Indexed Job
   * (both equal before and after); the template only in a suspended Job that never started, and then only its
   * labels, annotations and scheduling directives.
   */
  private static void update(JsonNode spec, JsonNode old, JsonNode oldStatus, FieldErrors errors) {
    for (String field : List.of("selector", "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "managedBy",
        "successPolicy")) {
      if (!spec.path(field).equals(old.path(field))) {
        errors.immutable("spec." + field, shown(spec.path(field)));
      }
    }
    JsonNode completions = spec.path("completions");
    if (!completions.equals(old.path("completions"))) {
      boolean elastic = spec.path("completionMode").asText("").equals("Indexed") && completions.isNumber()
          && old.path("completions").isNumber() && completions.equals(spec.path("parallelism"))
          && old.path("completions").equals(old.path("parallelism"));
      if (!elastic) {
        if (spec.path("completionMode").asText("").equals("Indexed")) {
          errors.invalid("spec.completions", shown(completions),
              "can only be modified in tandem with spec.parallelism");
        } else {
          errors.immutable("spec.completions", shown(completions));
        }
      }
    }
    JsonNode template = spec.path("template");
    JsonNode oldTemplate = old.path("template");
    if (!template.equals(oldTemplate)) {
      boolean mayReschedule = old.path("suspend").asBoolean(false) && !oldStatus.path("startTime").isTextual()
          && onlySchedulingChanged(template, oldTemplate);
      if (!mayReschedule) {
        errors.immutable("spec.template", "{...}");
      }
    }
  }

  /** A value as the error shows it: numbers and texts as such, structures as JSON, {@code null} when absent. */
  private static Object shown(JsonNode value) {
    if (value.isMissingNode() || value.isNull()) {
      return "null";
    }
    return value.isIntegralNumber() ? value.asLong() : value.isTextual() ? value.asText() : value.toString();
  }

  /** Whether the templates differ in labels, annotations and {@link #SCHEDULING_DIRECTIVES} at most. */
  private static boolean onlySchedulingChanged(JsonNode template, JsonNode old) {
    JsonNode metadata = template.path("metadata");
    JsonNode oldMetadata = old.path("metadata");
    Set<String> names = new TreeSet<>();
    metadata.fieldNames().forEachRemaining(names::add);
    oldMetadata.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (!name.equals("labels") && !name.equals("annotations") && !metadata.path(name).equals(oldMetadata.path(name))) {
        return false;
      }
    }
    JsonNode podSpec = template.path("spec");
    JsonNode oldPodSpec = old.path("spec");
    names.clear();
    podSpec.fieldNames().forEachRemaining(names::add);
    oldPodSpec.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (!SCHEDULING_DIRECTIVES.contains(name) && !podSpec.path(name).equals(oldPodSpec.path(name))) {
        return false;
      }
    }
    return true;
  }
}
