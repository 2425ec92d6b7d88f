package dev.converge.testkit.assertions;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Outcome;
import dev.converge.api.ResourceKey;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.inmemory.accounting.RequestLog;
import dev.converge.inmemory.accounting.RequestRecord;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractAssert;
import org.assertj.core.api.ListAssert;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a control loop converges on one primary, by running its passes directly (no queue, no
 * driver: one pass after another, as fast as the backend answers):
 *
 * <pre>{@code
 * assertThatConvergence(loop, primary).withRequestLog(cluster.requests())
 *     .convergesWithin(2)
 *     .writesNothingWhenConverged();
 * }</pre>
 *
 * A pass has converged when it reconciled the primary and every action succeeded ({@link Outcome.Converged});
 * "writes nothing" is then checked on the pass's own count and, with a request log, on the server's record of
 * mutating requests, which also sees writes the loop did not count.
 */
public final class ConvergenceAssert extends AbstractAssert<ConvergenceAssert, ControlLoop<?>> {
  private final ResourceKey primary;
  private final List<PassResult> passes = new ArrayList<>();
  private @Nullable RequestLog log;

  ConvergenceAssert(ControlLoop<?> loop, ResourceKey primary) {
    super(loop, ConvergenceAssert.class);
    this.primary = primary;
  }

  /** Checks writes against {@code requests} too (the in-memory cluster's log). */
  public ConvergenceAssert withRequestLog(RequestLog requests) {
    this.log = requests;
    return this;
  }

  /** Runs passes until one converges; fails if none of the first {@code maxPasses} does. */
  public ConvergenceAssert convergesWithin(int maxPasses) {
    checkArgument(maxPasses >= 1, "maxPasses must be at least 1");
    isNotNull();
    for (int i = 0; i < maxPasses; i++) {
      PassResult pass = actual.reconcile(primary);
      passes.add(pass);
      if (isConverged(pass)) {
        return this;
      }
    }
    failWithMessage("expected %s to converge within %s pass(es) but the passes were:%n%s", primary, maxPasses, render(passes));
    return this;
  }

  /** Runs one more pass: it must converge and make no mutating request. */
  public ConvergenceAssert writesNothingWhenConverged() {
    isNotNull();
    long mark = log != null ? log.mark() : 0;
    PassResult pass = actual.reconcile(primary);
    passes.add(pass);
    if (!isConverged(pass) || pass.writes() != 0) {
      failWithMessage("expected a converged pass over %s to write nothing but it was: %s", primary, pass);
    }
    if (log != null) {
      List<RequestRecord> writes = log.since(mark).stream().filter(RequestRecord::mutating).toList();
      if (!writes.isEmpty()) {
        failWithMessage("expected a converged pass over %s to make no mutating request but the server saw:%n%s", primary,
            String.join(System.lineSeparator(), LoadAssert.tokens(writes)));
      }
    }
    return this;
  }

  /** The passes run so far, as {@link PassResult#toString()} ({@code "converged writes=0 requeue=none"}). */
  public ListAssert<String> passes() {
    return new ListAssert<>(passes.stream().map(PassResult::toString).collect(ImmutableList.toImmutableList()))
        .as("passes over %s", primary);
  }

  private static boolean isConverged(PassResult pass) {
    return pass.phase() == PassResult.Phase.RECONCILED && pass.outcome() instanceof Outcome.Converged;
  }

  private static String render(List<PassResult> passes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < passes.size(); i++) {
      out.append("  pass ").append(i + 1).append(": ").append(passes.get(i)).append(System.lineSeparator());
      passes.get(i).report().outcomes().forEach(o -> out.append("    ").append(o).append(System.lineSeparator()));
    }
    return out.toString();
  }
}
