package dev.converge.core.loop;

import dev.converge.api.Outcome;
import dev.converge.api.ResourceKey;
import dev.converge.core.exec.ExecutionReport;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link ControlLoop#reconcile} pass did.
 *
 * @param primary the primary's key
 * @param phase where the primary stood
 * @param outcome how a {@link Phase#RECONCILED} pass ended (what the status function saw), else null
 * @param report the execution of the pass's plan (empty when nothing was planned)
 * @param writes every mutating request of the pass: the plan's applies and deletes, finalizer updates and the
 *     status write
 * @param statusWritten whether the status changed and was written
 * @param requeue what the pass asks of the work queue
 * @param error why the pass stopped short, for {@link Phase#ERROR}; else null
 */
public record PassResult(
    ResourceKey primary,
    Phase phase,
    @Nullable Outcome outcome,
    ExecutionReport report,
    int writes,
    boolean statusWritten,
    Requeue requeue,
    @Nullable String error) {

  /** Where the primary stood in the pass. */
  public enum Phase {
    /** The primary does not exist: nothing to do. */
    ABSENT,
    /** The primary exists, but the reconciler does not {@link dev.converge.api.Reconciler#manages manage} it: nothing done. */
    IGNORED,
    /** The primary exists and was reconciled (including an invalid spec, reported in status). */
    RECONCILED,
    /** The primary is being deleted; owned objects are still being removed. */
    CLEANING_UP,
    /** The primary is being deleted; nothing it owned is left and the finalizer is removed (or was not ours). */
    CLEANED_UP,
    /** A request failed before the pass could finish; it will be retried with backoff. */
    ERROR
  }

  /** A short tag for metrics and transcripts: the outcome for reconciled passes, else the phase. */
  public String tag() {
    if (phase == Phase.RECONCILED && outcome != null) {
      if (outcome instanceof Outcome.Converged) {
        return "converged";
      }
      if (outcome instanceof Outcome.Progressing) {
        return "progressing";
      }
      if (outcome instanceof Outcome.Invalid) {
        return "invalid";
      }
      return "failed";
    }
    return phase.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** {@code "converged writes=4 status=written requeue=none"}. */
  @Override
  public String toString() {
    return tag() + " writes=" + writes + (statusWritten ? " status=written" : "") + " requeue=" + requeue
        + (error == null ? "" : " error=" + error);
  }
}
