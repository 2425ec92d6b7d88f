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

  /** {@code parseIndexesFromString}: the indexes below {@code completions} that {@code text} lists. */
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
