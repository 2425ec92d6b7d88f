package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;

/**
 * The completion indexes of an Indexed Job's pods ({@code pkg/controller/job/indexed_job_utils.go}): a pod's index
 * from its {@value #ANNOTATION} annotation, its index's failure counts, and its generated name. Lists of indexes
 * are {@link dev.converge.inmemory.batch.IndexIntervals}.
 */
final class JobIndexes {
  /** The annotation, and since PodIndexLabel (GA in 1.32) also the label, with a pod's completion index. */
  static final String ANNOTATION = "batch.kubernetes.io/job-completion-index";
  /** Counted failures of the pod's index before this pod ({@code JobIndexFailureCountAnnotation}). */
  static final String FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
  /** Failures of the index that the pod failure policy ignored ({@code JobIndexIgnoredFailureCountAnnotation}). */
  static final String IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";
  /** {@code names.MaxGeneratedNameLength}: the longest generateName prefix the API server keeps whole. */
  static final int MAX_GENERATED_NAME_LENGTH = 58;

  private JobIndexes() {}

  /** {@code getCompletionIndex}: the pod's index, or -1 if it has none or not a number. */
  static int of(Resource pod) {
    String value = pod.annotations().get(ANNOTATION);
    if (value == null) {
      return -1;
    }
    try {
      int index = Integer.parseInt(value);
      return index >= 0 ? index : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code getIndexFailureCount}: the pod's {@value #FAILURE_COUNT}, 0 when absent or not a valid count. */
  static int failureCount(Resource pod) {
    return count(pod, FAILURE_COUNT);
  }

  /** The pod's {@value #IGNORED_FAILURE_COUNT}, 0 when absent or not a valid count. */
  static int ignoredFailureCount(Resource pod) {
    return count(pod, IGNORED_FAILURE_COUNT);
  }

  private static int count(Resource pod, String annotation) {
    String value = pod.annotations().get(annotation);
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(value));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * {@code podGenerateNameWithIndex}: {@code <job>-<index>-}, the job's name cut so that the prefix keeps to
   * {@link #MAX_GENERATED_NAME_LENGTH}.
   */
  static String generateName(String job, int index) {
    String suffix = "-" + index + "-";
    String name = job;
    if (name.length() + suffix.length() > MAX_GENERATED_NAME_LENGTH) {
      name = name.substring(0, MAX_GENERATED_NAME_LENGTH - suffix.length());
    }
    return name + suffix;
  }
}
