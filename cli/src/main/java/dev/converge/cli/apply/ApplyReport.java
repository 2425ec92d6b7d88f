package dev.converge.cli.apply;

import dev.converge.api.ResourceKey;
import dev.converge.core.exec.ActionOutcome;
import dev.converge.core.exec.ActionStatus;
import dev.converge.core.exec.ExecutionReport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The execution reports of one apply's passes, folded: the last outcome of each action (an action that waited
 * in one pass and was applied in the next reports as applied), in the order actions first ran; the writes of
 * every pass; and whether the run gave up waiting.
 */
final class ApplyReport {
  private final Map<ResourceKey, ActionOutcome> outcomes = new LinkedHashMap<>();
  private int passes;
  private int writes;
  private @Nullable Duration timedOut;

  void add(ExecutionReport pass) {
    passes++;
    writes += pass.writes();
    for (ActionOutcome outcome : pass.outcomes()) {
      outcomes.put(outcome.key(), outcome);
    }
  }

  void timedOut(Duration after) {
    this.timedOut = after;
  }

  int passes() {
    return passes;
  }

  /** Write requests made, over all passes. */
  int writes() {
    return writes;
  }

  /** Whether every action ended applied or deleted (true when there was nothing to do). */
  boolean isComplete() {
    return outcomes.values().stream().allMatch(o -> o.status().isSuccess());
  }

  private int count(ActionStatus status) {
    return (int) outcomes.values().stream().filter(o -> o.status() == status).count();
  }

  /**
   * The report for stdout: one line if nothing had to change; else a summary line and one line per action
   * ({@code create ConfigMap/shop/settings APPLIED}, or the error, the gate waited for, the skipped reason).
   */
  String render() {
    if (passes == 0) {
      return "No changes: the cluster already matches the manifests; nothing was written (0 write requests).\n";
    }
    StringBuilder out = new StringBuilder();
    out.append(isComplete() ? "Apply complete: " : "Apply incomplete: ")
        .append(count(ActionStatus.APPLIED)).append(" applied, ")
        .append(count(ActionStatus.DELETED)).append(" deleted, ")
        .append(count(ActionStatus.WAITING)).append(" waiting, ")
        .append(count(ActionStatus.SKIPPED)).append(" skipped, ")
        .append(count(ActionStatus.FAILED)).append(" failed; ")
        .append(writes).append(writes == 1 ? " write request" : " write requests").append(" in ")
        .append(passes).append(passes == 1 ? " pass" : " passes").append(".\n");
    for (ActionOutcome outcome : outcomes.values()) {
      out.append("  ").append(outcome).append('\n');
    }
    if (timedOut != null) {
      out.append("Gave up waiting after ").append(timedOut.toSeconds()).append("s (--timeout); run apply again to continue.\n");
    }
    return out.toString();
  }
}
