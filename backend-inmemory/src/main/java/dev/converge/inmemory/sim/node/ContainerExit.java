package dev.converge.inmemory.sim.node;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.inmemory.batch.IndexIntervals;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * When a simulated container exits, and with what code: a simulated container has no process, so how long it
 * runs is part of the model. What the kubelet then does depends on the pod's {@code restartPolicy}, as in {@code
 * kuberuntime_manager.go} {@code computePodActions}: {@code Always} restarts the container after its back-off
 * whatever the code; {@code OnFailure} restarts it after a non-zero code and leaves it terminated after a zero;
 * {@code Never} leaves it terminated. Once every container is terminated the pod is {@code Succeeded} (all exited
 * 0) or {@code Failed}.
 *
 * <p>For one container, its own annotations come first: {@value #CONTAINER_CRASH_AFTER}{@code <name>} and {@value
 * #CONTAINER_RUN_FOR}{@code <name>} as the pod's below, and {@value #CONTAINER_EXIT_CODE}{@code <name>}, its exit code
 * (per-container keys in the form of {@code container.apparmor.security.beta.kubernetes.io/<name>}). Then, for every
 * container of the pod, the first of these that applies decides:
 * <ol>
 *   <li>the pod's annotation {@value #CRASH_AFTER} (a duration): the containers exit with {@value #EXIT_CODE}, or 1,
 *       that long after each start;
 *   <li>the annotation {@value #RUN_FOR}: a duration after which they exit with {@value #EXIT_CODE}, or 0; or
 *       {@code never} ({@value #FAILING_INDEXES} may make the code depend on the pod's completion index);
 *   <li>a {@link CrashLoop} rule of the simulation that matches the pod: exit code {@value #EXIT_CODE}, or 1;
 *   <li>a run-to-completion pod ({@code restartPolicy} {@code Never} or {@code OnFailure}, as a Job's pods are):
 *       it exits 0 (or as {@value #EXIT_CODE} and {@value #FAILING_INDEXES} say) after a run time drawn from
 *       {@link PodStartup#run()};
 *   <li>otherwise the containers run until the pod is deleted.
 * </ol>
 *
 * @param after how long the containers run after each start
 * @param code their exit code
 */
public record ContainerExit(Duration after, int code) {
  /** The pod annotation that makes its containers exit after a duration, with code 1 unless {@value #EXIT_CODE}. */
  public static final String CRASH_AFTER = CrashLoop.ANNOTATION;
  /** The pod annotation that sets how long its containers run: a duration, or {@code never}. */
  public static final String RUN_FOR = "sim.converge.dev/run-for";
  /** The pod annotation with the exit code of its containers (an integer from 0 to 255). */
  public static final String EXIT_CODE = "sim.converge.dev/exit-code";
  /**
   * The pod annotation that lists Indexed Job completion indexes ({@code 1,3-5}) whose pods fail: they exit with
   * {@value #EXIT_CODE}, or 1, where the pods of other indexes exit 0 (a script that fails on some values of
   * {@code JOB_COMPLETION_INDEX}).
   */
  public static final String FAILING_INDEXES = "sim.converge.dev/failing-indexes";
  /** The prefix of the pod annotation that makes one container exit with an error after a duration. */
  public static final String CONTAINER_CRASH_AFTER = "crash-after.sim.converge.dev/";
  /** The prefix of the pod annotation that sets how long one container runs: a duration, or {@code never}. */
  public static final String CONTAINER_RUN_FOR = "run-for.sim.converge.dev/";
  /** The prefix of the pod annotation with one container's exit code. */
  public static final String CONTAINER_EXIT_CODE = "exit-code.sim.converge.dev/";
  /** The annotation with a Job pod's completion index. */
  private static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  public ContainerExit {
    if (after.isNegative()) {
      throw new IllegalArgumentException("a run time must not be negative: " + after);
    }
    if (code < 0 || code > 255) {
      throw new IllegalArgumentException("an exit code is between 0 and 255: " + code);
    }
  }

  /** Whether the pod is done after this exit, rather than restarted: the pod's restart policy decides. */
  public boolean endsPod(Resource pod) {
    return endsPod(pod, code);
  }

  /** Whether an exit with {@code code} leaves a container of {@code pod} terminated, by its restart policy. */
  static boolean endsPod(Resource pod, int code) {
    return switch (restartPolicy(pod)) {
      case "Never" -> true;
      case "OnFailure" -> code == 0;
      default -> false;
    };
  }

  /** The container's {@code state.terminated.reason} for this exit: {@code Completed} for 0, else {@code Error}. */
  public String reason() {
    return code == 0 ? "Completed" : "Error";
  }

  /** The pod's {@code spec.restartPolicy}, {@code Always} when absent as the API server defaults it. */
  static String restartPolicy(Resource pod) {
    return pod.spec().path("restartPolicy").asText("Always");
  }

  /**
   * How {@code pod}'s containers exit, by the rules above; null if they run until deleted. A random draw is taken
   * only for a run-to-completion pod without annotation.
   *
   * @throws IllegalArgumentException naming the annotation, if one of the pod's annotations is not valid
   */
  static @Nullable ContainerExit of(Resource pod, List<CrashLoop> rules, PodStartup startup,
      SplittableRandom random) {
    checkContainerAnnotations(pod);
    String crashAfter = pod.annotations().get(CRASH_AFTER);
    if (crashAfter != null) {
      return new ContainerExit(duration(CRASH_AFTER, crashAfter), exitCode(pod, 1));
    }
    String runFor = pod.annotations().get(RUN_FOR);
    if (runFor != null) {
      return runFor.trim().equals("never") ? null : new ContainerExit(duration(RUN_FOR, runFor), completionCode(pod));
    }
    for (CrashLoop rule : rules) {
      if (rule.matches(pod)) {
        return new ContainerExit(rule.runFor(), exitCode(pod, 1));
      }
    }
    if (!restartPolicy(pod).equals("Always")) {
      return new ContainerExit(Duration.ofNanos(startup.run().sampleNanos(random)), completionCode(pod));
    }
    return null;
  }

  /**
   * How {@code pod}'s container {@code name} exits: as its own annotations say, else as {@code podWide} (the pod's,
   * from {@link #of}), with its own exit code if it has one.
   *
   * @throws IllegalArgumentException naming the annotation, if one of the container's does not parse
   */
  static @Nullable ContainerExit forContainer(Resource pod, String name, @Nullable ContainerExit podWide) {
    String crashAfter = pod.annotations().get(CONTAINER_CRASH_AFTER + name);
    String runFor = pod.annotations().get(CONTAINER_RUN_FOR + name);
    String code = pod.annotations().get(CONTAINER_EXIT_CODE + name);
    Integer own = code == null ? null : parseCode(CONTAINER_EXIT_CODE + name, code);
    if (crashAfter != null) {
      int crashCode = own != null ? own : exitCode(pod, 1);
      return new ContainerExit(duration(CONTAINER_CRASH_AFTER + name, crashAfter), crashCode);
    }
    if (runFor != null) {
      return runFor.trim().equals("never") ? null
          : new ContainerExit(duration(CONTAINER_RUN_FOR + name, runFor), own != null ? own : completionCode(pod));
    }
    return own != null && podWide != null ? new ContainerExit(podWide.after(), own) : podWide;
  }

  /** Every per-container annotation must name one of the pod's containers: a typo would be ignored otherwise. */
  private static void checkContainerAnnotations(Resource pod) {
    for (String key : pod.annotations().keySet()) {
      for (String prefix : List.of(CONTAINER_CRASH_AFTER, CONTAINER_RUN_FOR, CONTAINER_EXIT_CODE,
          StartupFailure.ANNOTATION, LivenessFailure.ANNOTATION, ReadinessFlap.ANNOTATION)) {
        if (key.startsWith(prefix) && !hasContainer(pod, key.substring(prefix.length()))) {
          throw new IllegalArgumentException(key + ": the pod has no container " + key.substring(prefix.length()));
        }
      }
    }
  }

  private static boolean hasContainer(Resource pod, String name) {
    for (JsonNode container : pod.spec().path("containers")) {
      if (container.path("name").asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The duration {@code value} of {@code annotation}; an error names the annotation. */
  static Duration duration(String annotation, String value) {
    try {
      return CrashLoop.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(annotation + ": " + e.getMessage(), e);
    }
  }

  /** The code of a run to completion: {@value #EXIT_CODE} or 0, unless {@value #FAILING_INDEXES} decides. */
  private static int completionCode(Resource pod) {
    String failing = pod.annotations().get(FAILING_INDEXES);
    if (failing == null) {
      return exitCode(pod, 0);
    }
    boolean listed = listed(failing, pod.annotations().get(COMPLETION_INDEX));
    return listed ? exitCode(pod, 1) : 0;
  }

  /**
   * Whether {@code index} is among {@code indexes} ({@code 1,3-5}, written as {@code succeededIndexes} is); a pod
   * without an index is not.
   */
  private static boolean listed(String indexes, @Nullable String index) {
    try {
      IndexIntervals.count(indexes, Integer.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FAILING_INDEXES + ": not a list of indexes such as 1,3-5: " + indexes, e);
    }
    int wanted;
    try {
      wanted = index == null ? -1 : Integer.parseInt(index);
    } catch (NumberFormatException e) {
      return false;
    }
    return wanted >= 0 && wanted < Integer.MAX_VALUE && IndexIntervals.parse(indexes, wanted + 1).get(wanted);
  }

  private static int exitCode(Resource pod, int fallback) {
    String value = pod.annotations().get(EXIT_CODE);
    return value == null ? fallback : parseCode(EXIT_CODE, value);
  }

  private static int parseCode(String annotation, String value) {
    try {
      int code = Integer.parseInt(value.trim());
      if (code >= 0 && code <= 255) {
        return code;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new IllegalArgumentException(annotation + ": not an exit code from 0 to 255: " + value);
  }
}
