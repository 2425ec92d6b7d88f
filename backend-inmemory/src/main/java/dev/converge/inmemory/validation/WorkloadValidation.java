package dev.converge.inmemory.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.LabelSelector;
import dev.converge.api.Names;
import dev.converge.inmemory.batch.CronSchedule;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Pod specs and the workloads that template them ({@code pkg/apis/core/validation} {@code ValidatePodSpec},
 * {@code pkg/apis/apps/validation} {@code ValidateDeploymentSpec}, {@code ValidateDaemonSetSpec}, …).
 */
final class WorkloadValidation {
  private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");

  private WorkloadValidation() {}

  /**
   * A workload with a selector and a template (Deployment, DaemonSet, ReplicaSet, StatefulSet): the selector
   * is required, non-empty, and must match the template's labels; the selector is immutable in apps/v1.
   */
  static void selectorAndTemplate(JsonNode object, @Nullable JsonNode old, String kindName, FieldErrors errors) {
    JsonNode spec = object.path("spec");
    JsonNode selector = spec.path("selector");
    if (selector.isMissingNode() || selector.isNull()) {
      errors.required("spec.selector");
    } else if (selector.path("matchLabels").size() == 0 && selector.path("matchExpressions").size() == 0) {
      errors.invalid("spec.selector", "{}", "empty selector is invalid for " + kindName);
    } else {
      Map<String, String> labels = stringMap(spec.path("template").path("metadata").path("labels"));
      try {
        if (!LabelSelector.fromJson(selector).matches(labels)) {
          errors.invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`");
        }
      } catch (IllegalArgumentException e) {
        errors.invalid("spec.selector", selector.toString(), e.getMessage());
      }
    }
    if (old != null && !old.path("spec").path("selector").equals(selector)) {
      errors.immutable("spec.selector", selector.toString());
    }
    if (spec.has("replicas") && !spec.path("replicas").isIntegralNumber() && !spec.path("replicas").isNull()) {
      // Kubernetes refuses it while decoding (replicas is an int32), before any rule runs.
      errors.invalid("spec.replicas", spec.path("replicas").isTextual() ? spec.path("replicas").asText() : spec.path("replicas"),
          "must be an integer");
    } else if (spec.has("replicas") && spec.path("replicas").asLong(0) < 0) {
      errors.invalid("spec.replicas", spec.path("replicas").asLong(), "must be greater than or equal to 0");
    }
    JsonNode template = spec.path("template");
    if (!template.isObject()) {
      errors.required("spec.template");
      return;
    }
    podSpec(template.path("spec"), "spec.template.spec", errors);
    if (kindName.equals("deployment") || kindName.equals("daemonset") || kindName.equals("replicaset")) {
      String restart = template.path("spec").path("restartPolicy").asText("Always");
      if (!restart.equals("Always")) {
        errors.unsupported("spec.template.spec.restartPolicy", restart, List.of("Always"));
      }
    }
  }

  /** {@code CronJob.name} at most 52 characters: its Jobs add {@code -} and up to 10 digits of minutes. */
  static final int CRON_JOB_NAME_MAX = 52;
  private static final List<String> CONCURRENCY_POLICIES = List.of("Allow", "Forbid", "Replace");

  /**
   * {@code ValidateCronJobCreate} and {@code ValidateCronJobSpec} (k8s.io/kubernetes {@code
   * pkg/apis/batch/validation}): the name's length, a schedule that parses, no {@code TZ=} in it, a time zone
   * that exists, the concurrency policy, non-negative deadline and history limits, and the job template.
   */
  static void cronJob(JsonNode object, FieldErrors errors) {
    String name = object.path("metadata").path("name").asText("");
    if (name.length() > CRON_JOB_NAME_MAX) {
      errors.invalid("metadata.name", name, "must be no more than " + CRON_JOB_NAME_MAX + " characters");
    }
    JsonNode spec = object.path("spec");
    JsonNode timeZone = spec.path("timeZone");
    String schedule = spec.path("schedule").asText("");
    if (schedule.isEmpty()) {
      errors.required("spec.schedule");
    } else if (schedule.contains("TZ")) {
      errors.invalid("spec.schedule", schedule, timeZone.isTextual()
          ? "cannot use both timeZone field and TZ or CRON_TZ in schedule"
          : "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    } else {
      try {
        CronSchedule.parse(schedule);
      } catch (IllegalArgumentException e) {
        errors.invalid("spec.schedule", schedule, e.getMessage());
      }
    }
    if (timeZone.isTextual()) {
      String zone = timeZone.asText();
      if (zone.isEmpty()) {
        errors.invalid("spec.timeZone", zone, "timeZone must be nil or non-empty string");
      } else if (zone.equalsIgnoreCase("Local")) {
        errors.invalid("spec.timeZone", zone,
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
      } else {
        try {
          CronSchedule.zone(zone);
        } catch (IllegalArgumentException e) {
          errors.invalid("spec.timeZone", zone, e.getMessage());
        }
      }
    }
    String policy = spec.path("concurrencyPolicy").asText("Allow");
    if (!CONCURRENCY_POLICIES.contains(policy)) {
      errors.unsupported("spec.concurrencyPolicy", policy, CONCURRENCY_POLICIES);
    }
    for (String field : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
      JsonNode value = spec.path(field);
      if (value.isNumber() && value.asLong() < 0) {
        errors.invalid("spec." + field, value.asLong(), "must be greater than or equal to 0");
      }
    }
    JobValidation.spec(spec.path("jobTemplate").path("spec"), "spec.jobTemplate.spec", errors);
  }

  /** {@code ValidatePodSpec}, the parts that reject what clients commonly get wrong. */
  static void podSpec(JsonNode spec, String path, FieldErrors errors) {
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      errors.required(path + ".containers");
    }
    Set<String> names = new HashSet<>();
    containers(containers, path + ".containers", names, errors);
    containers(spec.path("initContainers"), path + ".initContainers", names, errors);
    String restart = spec.path("restartPolicy").asText("Always");
    if (!RESTART_POLICIES.contains(restart)) {
      errors.unsupported(path + ".restartPolicy", restart, RESTART_POLICIES);
    }
    Set<String> volumes = new HashSet<>();
    int index = 0;
    for (JsonNode volume : spec.path("volumes")) {
      String name = volume.path("name").asText("");
      String volumePath = path + ".volumes[" + index++ + "].name";
      if (name.isEmpty()) {
        errors.required(volumePath);
      } else if (!volumes.add(name)) {
        errors.duplicate(volumePath, name);
      }
    }
  }

  private static void containers(JsonNode containers, String path, Set<String> names, FieldErrors errors) {
    int index = 0;
    for (JsonNode container : containers) {
      String at = path + "[" + index++ + "]";
      String name = container.path("name").asText("");
      if (name.isEmpty()) {
        errors.required(at + ".name");
      } else {
        Names.checkDns1123Label(name).ifPresent(problem -> errors.invalid(at + ".name", name, problem));
        if (!names.add(name)) {
          errors.duplicate(at + ".name", name);
        }
      }
      if (container.path("image").asText("").isBlank()) {
        errors.required(at + ".image");
      }
      int p = 0;
      for (JsonNode port : container.path("ports")) {
        long number = port.path("containerPort").asLong(0);
        if (number < 1 || number > 65535) {
          errors.invalid(at + ".ports[" + p + "].containerPort", number, "must be between 1 and 65535, inclusive");
        }
        p++;
      }
    }
  }

  /**
   * {@code ValidatePodUpdate}: a pod's spec is immutable but for container images,
   * {@code activeDeadlineSeconds}, added tolerations and removed scheduling gates; the node is set only by
   * a binding.
   */
  static void podUpdate(JsonNode spec, JsonNode oldSpec, FieldErrors errors) {
    com.fasterxml.jackson.databind.node.ObjectNode normalized = oldSpec.deepCopy();
    for (String list : new String[] {"containers", "initContainers"}) {
      JsonNode now = spec.path(list);
      JsonNode before = normalized.path(list);
      if (now.isArray() && before.isArray() && now.size() == before.size()) {
        for (int i = 0; i < now.size(); i++) {
          if (before.get(i).isObject() && now.get(i).has("image")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) before.get(i)).set("image", now.get(i).get("image"));
          }
        }
      }
    }
    for (String field : new String[] {"activeDeadlineSeconds", "tolerations", "schedulingGates"}) {
      if (spec.has(field)) {
        normalized.set(field, spec.get(field));
      } else {
        normalized.remove(field);
      }
    }
    if (!normalized.equals(spec)) {
      errors.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,"
          + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
          + "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)");
    }
  }

  static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      out.put(field.getKey(), field.getValue().asText());
    }
    return out;
  }
}
