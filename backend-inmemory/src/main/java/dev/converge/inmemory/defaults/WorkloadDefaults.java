package dev.converge.inmemory.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.inmemory.json.Trees;

/**
 * Defaults of the apps/v1 and batch/v1 workloads, from {@code pkg/apis/apps/v1/defaults.go} and
 * {@code pkg/apis/batch/v1/defaults.go}. Each method takes the whole mutable object.
 */
public final class WorkloadDefaults {
  private WorkloadDefaults() {}

  /**
   * {@code SetDefaults_Deployment}: {@code replicas: 1}; strategy RollingUpdate with {@code maxUnavailable}
   * and {@code maxSurge} 25%; {@code revisionHistoryLimit: 10}; {@code progressDeadlineSeconds: 600}.
   */
  public static void deployment(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    Trees.putIfAbsent(spec, "replicas", 1);
    ObjectNode strategy = Trees.object(spec, "strategy");
    Trees.putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = Trees.object(strategy, "rollingUpdate");
      Trees.putIfAbsent(rolling, "maxUnavailable", "25%");
      Trees.putIfAbsent(rolling, "maxSurge", "25%");
    }
    Trees.putIfAbsent(spec, "revisionHistoryLimit", 10);
    Trees.putIfAbsent(spec, "progressDeadlineSeconds", 600);
    template(spec);
  }

  /**
   * {@code SetDefaults_DaemonSet}: updateStrategy RollingUpdate with {@code maxUnavailable: 1} and
   * {@code maxSurge: 0}; {@code revisionHistoryLimit: 10}.
   */
  public static void daemonSet(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    ObjectNode strategy = Trees.object(spec, "updateStrategy");
    Trees.putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = Trees.object(strategy, "rollingUpdate");
      Trees.putIfAbsent(rolling, "maxUnavailable", 1);
      Trees.putIfAbsent(rolling, "maxSurge", 0);
    }
    Trees.putIfAbsent(spec, "revisionHistoryLimit", 10);
    template(spec);
  }

  /** {@code SetDefaults_ReplicaSet}: {@code replicas: 1}. */
  public static void replicaSet(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    Trees.putIfAbsent(spec, "replicas", 1);
    template(spec);
  }

  /**
   * {@code SetDefaults_StatefulSet}: {@code replicas: 1}, {@code podManagementPolicy: OrderedReady},
   * updateStrategy RollingUpdate with {@code partition: 0}, {@code revisionHistoryLimit: 10}, PVC retention
   * Retain/Retain.
   */
  public static void statefulSet(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    Trees.putIfAbsent(spec, "replicas", 1);
    Trees.putIfAbsent(spec, "podManagementPolicy", "OrderedReady");
    ObjectNode strategy = Trees.object(spec, "updateStrategy");
    Trees.putIfAbsent(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      Trees.putIfAbsent(Trees.object(strategy, "rollingUpdate"), "partition", 0);
    }
    Trees.putIfAbsent(spec, "revisionHistoryLimit", 10);
    ObjectNode retention = Trees.object(spec, "persistentVolumeClaimRetentionPolicy");
    Trees.putIfAbsent(retention, "whenDeleted", "Retain");
    Trees.putIfAbsent(retention, "whenScaled", "Retain");
    template(spec);
  }

  /**
   * {@code SetDefaults_Job}: {@code completions} and {@code parallelism} 1, {@code backoffLimit: 6} (2147483647
   * with {@code backoffLimitPerIndex}), {@code completionMode: NonIndexed}, {@code suspend: false}, {@code
   * podReplacementPolicy: TerminatingOrFailed} ({@code Failed} with a {@code podFailurePolicy}), {@code
   * manualSelector} unset. The generated selector and template labels are the
   * job strategy's {@code PrepareForCreate} and need the uid: see {@link #jobSelector(ObjectNode, String)}.
   */
  public static void job(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    jobSpec(spec);
    // SetDefaults_Job: a Job without labels takes its template's (when the template has a labels map).
    JsonNode templateLabels = spec.path("template").path("metadata").path("labels");
    JsonNode labels = object.path("metadata").path("labels");
    if (templateLabels.isObject() && (!labels.isObject() || labels.isEmpty())) {
      Trees.object(object, "metadata").set("labels", templateLabels.deepCopy());
    }
  }

  private static void jobSpec(ObjectNode spec) {
    boolean neither = Trees.absent(spec, "completions") && Trees.absent(spec, "parallelism");
    if (neither) {
      spec.put("completions", 1);
      spec.put("parallelism", 1);
    }
    Trees.putIfAbsent(spec, "parallelism", 1);
    // With a per-index limit the global one is MaxInt32 (inert) unless given.
    Trees.putIfAbsent(spec, "backoffLimit", Trees.absent(spec, "backoffLimitPerIndex") ? 6 : Integer.MAX_VALUE);
    Trees.putIfAbsent(spec, "completionMode", "NonIndexed");
    Trees.putIfAbsent(spec, "suspend", false);
    Trees.putIfAbsent(spec, "podReplacementPolicy",
        Trees.absent(spec, "podFailurePolicy") ? "TerminatingOrFailed" : "Failed");
    // A pod failure policy's condition pattern matches status True unless it says otherwise.
    boolean statusless = false;
    for (JsonNode rule : spec.path("podFailurePolicy").path("rules")) {
      for (JsonNode pattern : rule.path("onPodConditions")) {
        statusless |= pattern.isObject() && Trees.absent(pattern, "status");
      }
    }
    if (statusless) {
      Trees.forEachObject(Trees.object(spec, "podFailurePolicy"), "rules", rule ->
          Trees.forEachObject(rule, "onPodConditions", pattern -> Trees.putIfAbsent(pattern, "status", "True")));
    }
    template(spec);
  }

  /**
   * The job strategy's generated selector ({@code pkg/registry/batch/job/strategy.go generateSelector}):
   * unless {@code manualSelector} is true, the selector is {@code batch.kubernetes.io/controller-uid=<uid>}
   * and the template gets the controller-uid and job-name labels, both prefixed and legacy.
   */
  public static void jobSelector(ObjectNode object, String uid) {
    ObjectNode spec = Trees.object(object, "spec");
    if (spec.path("manualSelector").asBoolean(false)) {
      return;
    }
    String name = object.path("metadata").path("name").asText();
    ObjectNode templateMetadata = Trees.object(Trees.object(spec, "template"), "metadata");
    // Defaulting gave a Job without labels its template's map itself, in Go: the generated labels land in both.
    boolean shared = templateMetadata.path("labels").isObject()
        && templateMetadata.path("labels").equals(object.path("metadata").path("labels"));
    ObjectNode labels = Trees.object(templateMetadata, "labels");
    labels.put("batch.kubernetes.io/controller-uid", uid);
    labels.put("batch.kubernetes.io/job-name", name);
    labels.put("controller-uid", uid);
    labels.put("job-name", name);
    if (shared) {
      Trees.object(object, "metadata").set("labels", labels.deepCopy());
    }
    ObjectNode selector = Trees.object(spec, "selector");
    Trees.object(selector, "matchLabels").put("batch.kubernetes.io/controller-uid", uid);
  }

  /**
   * {@code SetDefaults_CronJob}: {@code concurrencyPolicy: Allow}, {@code suspend: false},
   * {@code successfulJobsHistoryLimit: 3}, {@code failedJobsHistoryLimit: 1}; the job template's pod spec.
   */
  public static void cronJob(ObjectNode object) {
    ObjectNode spec = Trees.object(object, "spec");
    Trees.putIfAbsent(spec, "concurrencyPolicy", "Allow");
    Trees.putIfAbsent(spec, "suspend", false);
    Trees.putIfAbsent(spec, "successfulJobsHistoryLimit", 3);
    Trees.putIfAbsent(spec, "failedJobsHistoryLimit", 1);
    ObjectNode jobTemplate = Trees.existingObject(spec, "jobTemplate");
    if (jobTemplate != null) {
      ObjectNode jobSpec = Trees.existingObject(jobTemplate, "spec");
      if (jobSpec != null) {
        template(jobSpec);
      }
    }
  }

  /** The pod template's spec defaults, when the template has a spec. */
  static void template(ObjectNode spec) {
    ObjectNode template = Trees.existingObject(spec, "template");
    if (template != null) {
      PodSpecDefaults.apply(Trees.object(template, "spec"));
    }
  }
}
