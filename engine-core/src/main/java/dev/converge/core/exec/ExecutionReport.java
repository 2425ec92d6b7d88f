package dev.converge.core.exec;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Observed;
import dev.converge.api.ResourceKey;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What an execution did: every action's outcome in plan order, the state the executor ended with (the
 * observed state plus its own writes), and when the control loop should look again.
 */
public final class ExecutionReport {
  private final ImmutableList<ActionOutcome> outcomes;
  private final Observed observed;
  private final @Nullable Duration requeueAfter;

  ExecutionReport(ImmutableList<ActionOutcome> outcomes, Observed observed, @Nullable Duration requeueAfter) {
    this.outcomes = outcomes;
    this.observed = observed;
    this.requeueAfter = requeueAfter;
  }

  /** The report of an empty plan: nothing done, nothing to wait for. */
  public static ExecutionReport empty(Observed observed) {
    return new ExecutionReport(ImmutableList.of(), observed, null);
  }

  /** Every action's outcome, in plan order (step by step, in each step in the plan's order). */
  public ImmutableList<ActionOutcome> outcomes() {
    return outcomes;
  }

  /** The state after execution: the observed objects with the results of this execution's writes. */
  public Observed observed() {
    return observed;
  }

  /** The outcome of the action on {@code key}, if the plan had one. */
  public Optional<ActionOutcome> outcome(ResourceKey key) {
    for (ActionOutcome outcome : outcomes) {
      if (outcome.key().equals(key)) {
        return Optional.of(outcome);
      }
    }
    return Optional.empty();
  }

  /** The outcomes with {@code status}, in plan order. */
  public ImmutableList<ActionOutcome> withStatus(ActionStatus status) {
    return outcomes.stream().filter(o -> o.status() == status).collect(ImmutableList.toImmutableList());
  }

  public int count(ActionStatus status) {
    int n = 0;
    for (ActionOutcome outcome : outcomes) {
      if (outcome.status() == status) {
        n++;
      }
    }
    return n;
  }

  /** Whether every action succeeded (true for an empty plan). */
  public boolean isComplete() {
    return outcomes.stream().allMatch(o -> o.status().isSuccess());
  }

  /** Whether some action failed. */
  public boolean hasFailures() {
    return count(ActionStatus.FAILED) > 0;
  }

  /** Whether some action waits for a readiness gate. */
  public boolean isWaiting() {
    return count(ActionStatus.WAITING) > 0;
  }

  /** Write requests made ({@code apply} and {@code delete}). */
  public int writes() {
    return outcomes.stream().mapToInt(ActionOutcome::writes).sum();
  }

  /** Every request made, action by action. */
  public ImmutableList<String> requests() {
    return outcomes.stream().flatMap(o -> o.requests().stream()).collect(ImmutableList.toImmutableList());
  }

  /**
   * The API server's warnings, {@code "<key>: <warning>"}, action by action ({@link ActionOutcome#warnings()}): a
   * deprecated version written, unknown fields dropped, an admission plugin's note.
   */
  public ImmutableList<String> warnings() {
    return outcomes.stream().flatMap(o -> o.warnings().stream().map(warning -> o.key() + ": " + warning))
        .collect(ImmutableList.toImmutableList());
  }

  /**
   * When to look again: empty if every action succeeded; otherwise the longest of the servers' {@code
   * Retry-After} hints of retryable failures (zero if none gave one: back off as usual) and the executor's
   * recheck interval if an action waits for a gate.
   */
  public Optional<Duration> requeueAfter() {
    return Optional.ofNullable(requeueAfter);
  }

  /** {@code "2 applied, 1 deleted, 1 waiting, 0 skipped, 0 failed"}. */
  public String summary() {
    return count(ActionStatus.APPLIED) + " applied, " + count(ActionStatus.DELETED) + " deleted, "
        + count(ActionStatus.WAITING) + " waiting, " + count(ActionStatus.SKIPPED) + " skipped, "
        + count(ActionStatus.FAILED) + " failed";
  }

  /** The summary and one line per action. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(summary());
    for (ActionOutcome outcome : outcomes) {
      out.append('\n').append("  ").append(outcome);
    }
    return out.toString();
  }
}
