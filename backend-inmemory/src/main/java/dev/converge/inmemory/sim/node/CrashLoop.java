package dev.converge.inmemory.sim.node;

import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Crash loops on demand: every container of a matching pod exits with an error {@code runFor} after each
 * start; the kubelet restarts it after its back-off ({@code CrashLoopBackOff}), counting restarts, and the pod
 * is not Ready meanwhile. A pod also crash-loops when it carries the annotation {@value #ANNOTATION} with a
 * duration ({@code 30s}, {@code 2m}).
 *
 * @param namespace the namespace of matching pods, or null for any
 * @param selector the labels of matching pods
 * @param runFor how long each start lasts before the crash
 */
public record CrashLoop(@Nullable String namespace, LabelSelector selector, Duration runFor) {
  /** The pod annotation that makes a pod crash-loop. */
  public static final String ANNOTATION = "sim.converge.dev/crash-after";

  public boolean matches(Resource pod) {
    return (namespace == null || namespace.equals(pod.namespace())) && selector.matches(pod);
  }

  /** The crash delay an annotation asks for ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}), or null. */
  public static @Nullable Duration fromAnnotation(Resource pod) {
    String value = pod.annotations().get(ANNOTATION);
    return value == null ? null : parseDuration(value);
  }

  /** A Go-style duration of one unit: {@code ms}, {@code s}, {@code m} or {@code h}. */
  public static Duration parseDuration(String text) {
    String t = text.trim();
    try {
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long amount = Long.parseLong(t.substring(0, t.length() - 1));
      switch (t.charAt(t.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        case 'h':
          return Duration.ofHours(amount);
        default:
          break;
      }
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      // fall through to the error below
    }
    throw new IllegalArgumentException("not a duration (like 30s, 2m, 500ms): " + text);
  }
}
