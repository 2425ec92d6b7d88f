package dev.converge.inmemory.patch;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * A server-side apply that would change fields another manager owns (HTTP 409). Retrying with {@code force}
 * takes the fields over; leaving them out of the applied configuration, or applying the value they already
 * have (which shares ownership), avoids the conflict.
 *
 * <p>The message has Kubernetes' wording ({@code Apply failed with 1 conflict: conflict with "kubectl" using
 * apps/v1: .spec.replicas}), because clients and people grep for it.
 */
public final class ApplyConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * One field that another manager owns and the apply would change.
   *
   * @param manager the owning field manager's name
   * @param path the field, in structured-merge-diff's notation: {@code .spec.template.spec.containers[name="web"].image}
   */
  public record Conflict(String manager, String path) {}

  private final ImmutableList<Conflict> conflicts;

  /**
   * @param message the Kubernetes-worded summary
   * @param conflicts every conflicting field, ordered by manager and then by path
   */
  public ApplyConflictException(String message, List<Conflict> conflicts) {
    super(message);
    this.conflicts = ImmutableList.copyOf(conflicts);
  }

  /** Every conflicting field, ordered by manager and then by path. */
  public List<Conflict> conflicts() {
    return conflicts;
  }

  /** Always 409 Conflict. */
  public int code() {
    return 409;
  }
}
