package dev.converge.core.exec;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.converge.api.ResourceKey;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How one action ended.
 *
 * @param key the resource acted upon
 * @param verb the action's verb: {@code create}, {@code update}, {@code delete} or {@code replace}
 * @param status how it ended
 * @param attempts write requests made for it (0 when it did not run; more than 1 after retries)
 * @param reason a short explanation: what was done, what it waits for, why it was skipped, or the error
 * @param error the failure ({@code "503 Unavailable: etcd is down"}), or null unless {@link ActionStatus#FAILED}
 * @param retryable whether the same action may succeed later without a change (conflict, unavailability, a
 *     namespace or kind not there yet, an old object still terminating)
 * @param retryAfter the server's hint ({@code Retry-After}) for a retryable failure, else zero
 * @param requests the API requests made for it, in order ({@code "apply apps/Deployment/ns/web"}, {@code
 *     "get ..."}, {@code "delete ..."})
 * @param warnings the API server's warnings on those requests, each once, in order ({@code "example.com/v1alpha1
 *     Widget is deprecated; use example.com/v1 Widget"}, {@code "unknown field \"spec.replicass\""})
 */
public record ActionOutcome(
    ResourceKey key,
    String verb,
    ActionStatus status,
    int attempts,
    String reason,
    @Nullable String error,
    boolean retryable,
    Duration retryAfter,
    ImmutableList<String> requests,
    ImmutableList<String> warnings) {

  public ActionOutcome {
    checkArgument(attempts >= 0, "attempts must not be negative");
    checkArgument((status == ActionStatus.FAILED) == (error != null), "an error is given exactly for FAILED outcomes");
    checkArgument(!retryAfter.isNegative(), "retryAfter must not be negative");
  }

  /**
   * An outcome without server warnings.
   *
   * @param key the resource acted upon
   * @param verb the action's verb
   * @param status how it ended
   * @param attempts write requests made for it
   * @param reason a short explanation
   * @param error the failure, or null unless {@link ActionStatus#FAILED}
   * @param retryable whether the same action may succeed later without a change
   * @param retryAfter the server's hint for a retryable failure, else zero
   * @param requests the API requests made for it, in order
   */
  public ActionOutcome(ResourceKey key, String verb, ActionStatus status, int attempts, String reason, @Nullable String error,
      boolean retryable, Duration retryAfter, ImmutableList<String> requests) {
    this(key, verb, status, attempts, reason, error, retryable, retryAfter, requests, ImmutableList.of());
  }

  static ActionOutcome succeeded(ResourceKey key, String verb, ActionStatus status, int attempts, String reason,
      ImmutableList<String> requests, ImmutableList<String> warnings) {
    return new ActionOutcome(key, verb, status, attempts, reason, null, false, Duration.ZERO, requests, warnings);
  }

  static ActionOutcome waiting(ResourceKey key, String verb, String reason, ImmutableList<String> requests) {
    return new ActionOutcome(key, verb, ActionStatus.WAITING, 0, reason, null, false, Duration.ZERO, requests);
  }

  static ActionOutcome skipped(ResourceKey key, String verb, String reason) {
    return new ActionOutcome(key, verb, ActionStatus.SKIPPED, 0, reason, null, false, Duration.ZERO, ImmutableList.of());
  }

  static ActionOutcome failed(ResourceKey key, String verb, int attempts, String error, boolean retryable,
      Duration retryAfter, ImmutableList<String> requests, ImmutableList<String> warnings) {
    return new ActionOutcome(key, verb, ActionStatus.FAILED, attempts, error, error, retryable, retryAfter, requests, warnings);
  }

  /** Write requests ({@code apply}, {@code delete}) among {@link #requests()}. */
  public int writes() {
    int writes = 0;
    for (String request : requests) {
      if (request.startsWith("apply ") || request.startsWith("delete ")) {
        writes++;
      }
    }
    return writes;
  }

  /** One transcript line: {@code update apps/Deployment/ns/web FAILED x3: 503 Unavailable: busy (retryable)}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(verb).append(' ').append(key).append(' ').append(status);
    if (attempts > 1) {
      out.append(" x").append(attempts);
    }
    if (status != ActionStatus.APPLIED && status != ActionStatus.DELETED) {
      out.append(": ").append(reason);
    }
    if (retryable) {
      out.append(retryAfter.isZero() ? " (retryable)" : " (retryable after " + retryAfter + ")");
    }
    return out.toString();
  }
}
