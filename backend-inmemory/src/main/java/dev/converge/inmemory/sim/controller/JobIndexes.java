package dev.converge.inmemory.sim.controller;

import dev.converge.api.Resource;
import java.util.BitSet;

/**
 * The completion indexes of an Indexed Job ({@code pkg/controller/job/indexed_job_utils.go}): a pod's index from
 * its {@value #ANNOTATION} annotation, and the {@code status.completedIndexes} form, ascending ranges with
 * consecutive runs of three or more written {@code a-b} ({@code "1,3-5,7"}; two consecutive ones {@code "1,2"}).
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
   * {@code parseIndexesFromString}: the indexes below {@code completions} that {@code text} lists; an interval
   * that cannot be read is skipped, and one starting at {@code completions} or above ends the list.
   */
  static BitSet parse(String text, int completions) {
    BitSet out = new BitSet();
    if (text.isEmpty()) {
      return out;
    }
    for (String part : text.split(",")) {
      int dash = part.indexOf('-');
      try {
        int first = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1));
        if (first >= completions) {
          break;
        }
        if (first >= 0 && first <= last) {
          out.set(first, Math.min(last, completions - 1) + 1);
        }
      } catch (NumberFormatException e) {
        // the controller skips what it cannot read
      }
    }
    return out;
  }

  /** {@code orderedIntervals.String}. */
  static String format(BitSet indexes) {
    StringBuilder out = new StringBuilder();
    int start = indexes.nextSetBit(0);
    while (start >= 0) {
      int end = indexes.nextClearBit(start) - 1;
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(start);
      if (end == start + 1) {
        out.append(',').append(end);
      } else if (end > start + 1) {
        out.append('-').append(end);
      }
      start = indexes.nextSetBit(end + 1);
    }
    return out.toString();
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
