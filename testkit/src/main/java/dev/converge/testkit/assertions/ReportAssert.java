package dev.converge.testkit.assertions;

import dev.converge.api.ResourceKey;
import dev.converge.core.exec.ActionOutcome;
import dev.converge.core.exec.ActionStatus;
import dev.converge.core.exec.ExecutionReport;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.ListAssert;

/**
 * Checks on an {@link ExecutionReport}: whether everything ran, how each action ended, and the exact requests
 * made, as a transcript.
 *
 * <pre>{@code
 * assertThat(report).isComplete().hasSummary("3 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed");
 * assertThat(report).action("apps/Deployment/shop/web").hasStatus(ActionStatus.WAITING);
 * assertThat(report).requests().containsExactly("apply ServiceAccount/shop/web", "apply apps/Deployment/shop/web");
 * }</pre>
 */
public final class ReportAssert extends AbstractAssert<ReportAssert, ExecutionReport> {

  ReportAssert(ExecutionReport report) {
    super(report, ReportAssert.class);
  }

  /** Every action succeeded (applied or deleted). */
  public ReportAssert isComplete() {
    isNotNull();
    if (!actual.isComplete()) {
      failWithMessage("expected every action to succeed but: %s", actual);
    }
    return this;
  }

  /** No action failed (some may wait or be skipped). */
  public ReportAssert hasNoFailures() {
    isNotNull();
    if (actual.hasFailures()) {
      failWithMessage("expected no failed action but: %s", actual);
    }
    return this;
  }

  /** The one-line summary is {@code summary} ({@code "2 applied, 1 deleted, 0 waiting, 0 skipped, 0 failed"}). */
  public ReportAssert hasSummary(String summary) {
    isNotNull();
    if (!actual.summary().equals(summary)) {
      failWithMessage("expected the report \"%s\" but it is \"%s\":%n%s", summary, actual.summary(), actual);
    }
    return this;
  }

  /** The execution made {@code count} writes. */
  public ReportAssert hasWrites(int count) {
    isNotNull();
    if (actual.writes() != count) {
      failWithMessage("expected %s write(s) but the execution made %s:%n%s", count, actual.writes(), actual);
    }
    return this;
  }

  /** How the action on {@code key} ended. */
  public OutcomeAssert action(String key) {
    isNotNull();
    Optional<ActionOutcome> outcome = actual.outcome(ResourceKey.parse(key));
    if (outcome.isEmpty()) {
      failWithMessage("expected an outcome for %s but the report has none:%n%s", key, actual);
    }
    return new OutcomeAssert(outcome.orElseThrow());
  }

  /** The requests made, action by action ({@code "apply apps/Deployment/ns/web"}), as a list to assert on. */
  public ListAssert<String> requests() {
    isNotNull();
    return new ListAssert<>(actual.requests()).as("requests of the execution");
  }

  /** Checks on one action's outcome. */
  public static final class OutcomeAssert extends AbstractAssert<OutcomeAssert, ActionOutcome> {
    OutcomeAssert(ActionOutcome outcome) {
      super(outcome, OutcomeAssert.class);
    }

    public OutcomeAssert hasStatus(ActionStatus status) {
      if (actual.status() != status) {
        failWithMessage("expected %s %s to be %s but it is %s", actual.verb(), actual.key(), status, actual);
      }
      return this;
    }

    /** The action took {@code attempts} write requests. */
    public OutcomeAssert hasAttempts(int attempts) {
      if (actual.attempts() != attempts) {
        failWithMessage("expected %s %s to take %s attempt(s) but it took %s", actual.verb(), actual.key(), attempts,
            actual.attempts());
      }
      return this;
    }

    /** The outcome's reason (or error) contains {@code text}. */
    public OutcomeAssert because(String text) {
      if (!actual.reason().contains(text)) {
        failWithMessage("expected the reason of %s %s to contain \"%s\" but it is \"%s\"", actual.verb(), actual.key(), text,
            actual.reason());
      }
      return this;
    }
  }
}
