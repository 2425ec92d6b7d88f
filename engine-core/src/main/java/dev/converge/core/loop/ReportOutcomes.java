package dev.converge.core.loop;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Outcome;
import dev.converge.core.exec.ActionOutcome;
import dev.converge.core.exec.ActionStatus;
import dev.converge.core.exec.ExecutionReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What an execution report means for the pass: the outcome the status function sees, and the requeue. */
final class ReportOutcomes {
  private ReportOutcomes() {}

  /**
   * Failures make the outcome {@link Outcome.Failed}; gates make it {@link Outcome.Progressing}; otherwise
   * {@link Outcome.Converged}, also when actions ran: they all succeeded, so the status written now is the
   * one the next (empty) pass would compute, and the pass after a change writes status once, not twice.
   */
  static Outcome outcomeOf(ExecutionReport report) {
    if (report.hasFailures()) {
      return new Outcome.Failed(describe(report.withStatus(ActionStatus.FAILED)));
    }
    if (!report.isComplete()) {
      return new Outcome.Progressing(describe(report.withStatus(ActionStatus.WAITING)));
    }
    return Outcome.converged();
  }

  private static ImmutableList<String> describe(List<ActionOutcome> outcomes) {
    return outcomes.stream().map(o -> o.key() + ": " + o.reason()).collect(ImmutableList.toImmutableList());
  }

  static Requeue requeueFor(ExecutionReport report) {
    Optional<Duration> hint = report.requeueAfter();
    if (hint.isEmpty()) {
      return Requeue.none();
    }
    return report.hasFailures() ? Requeue.backoff(hint.get()) : Requeue.after(hint.get());
  }
}
