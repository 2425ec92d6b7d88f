package dev.converge.cli.apply;

import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.Selection;
import dev.converge.cli.cluster.LiveObjects;
import dev.converge.core.exec.ActionOutcome;
import dev.converge.core.exec.ActionStatus;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.exec.PlanExecutor;
import dev.converge.core.exec.Sleeper;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.Planner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One {@code converge apply}: observe, plan, execute, and again while actions only wait for a readiness gate
 * and {@code timeout} has not passed. Each pass plans afresh from the live objects, so a pass never repeats a
 * write the previous one made: on a cluster that already matches, the first plan is empty and nothing is
 * written. A failure ends the run (the report says which action and why); so does a pass with nothing left.
 *
 * <p>Time comes from the injected {@link Ticker} and waits go through the injected {@link Sleeper}, so a test
 * drives the waiting without sleeping.
 */
final class Applier {
  /** How long to wait before looking again at an action held by a gate. */
  static final Duration RECHECK = Duration.ofSeconds(1);

  private final Backend backend;
  private final Planner planner;
  private final ApplyOptions applyOptions;
  private final Sleeper sleeper;
  private final Ticker ticker;
  private final Duration timeout;
  private final PrintWriter progress;

  Applier(Backend backend, Planner planner, ApplyOptions applyOptions, Sleeper sleeper, Ticker ticker,
      Duration timeout, PrintWriter progress) {
    this.backend = backend;
    this.planner = planner;
    this.applyOptions = applyOptions;
    this.sleeper = sleeper;
    this.ticker = ticker;
    this.timeout = timeout;
    this.progress = progress;
  }

  /** Applies {@code graph} (read from {@code manifests}), reading the live objects {@code selection} names. */
  ApplyReport apply(ManifestSet manifests, DesiredGraph graph, Selection selection) throws InterruptedException {
    PlanExecutor executor = PlanExecutor.builder(new ProgressBackend(backend, progress))
        .applyOptions(applyOptions)
        .sleeper(sleeper)
        .waitingRecheck(RECHECK)
        .build();
    ApplyReport report = new ApplyReport();
    Set<String> warned = new HashSet<>();
    long deadline = ticker.nanoTime() + timeout.toNanos();
    while (true) {
      Observed actual = LiveObjects.observe(backend, selection, warning -> say("converge: warning: " + warning));
      Plan plan = plan(manifests, graph, actual);
      if (plan.isEmpty()) {
        return report;
      }
      say("converge: pass " + (report.passes() + 1) + ": " + plan.size() + " change" + (plan.size() == 1 ? "" : "s")
          + " in " + plan.steps().size() + " step" + (plan.steps().size() == 1 ? "" : "s"));
      ExecutionReport pass = executor.execute(plan, actual);
      report.add(pass);
      // The server's warnings (a deprecated version, a dropped field), each once over the passes, as kubectl shows them.
      pass.warnings().stream().filter(warned::add).forEach(warning -> say("converge: warning: " + warning));
      if (pass.hasFailures() || !pass.isWaiting()) {
        return report;
      }
      if (ticker.nanoTime() - deadline >= 0) {
        report.timedOut(timeout);
        return report;
      }
      say("converge: waiting: " + pass.withStatus(ActionStatus.WAITING).stream().map(ActionOutcome::reason)
          .distinct().collect(Collectors.joining("; ")) + "; looking again in " + RECHECK.toSeconds() + "s");
      sleeper.sleep(RECHECK);
    }
  }

  private Plan plan(ManifestSet manifests, DesiredGraph graph, Observed actual) {
    try {
      return planner.plan(graph, actual);
    } catch (DependencyCycleException e) {
      throw manifests.explain(e);
    }
  }

  private void say(String line) {
    synchronized (progress) {
      progress.println(line);
      progress.flush();
    }
  }
}
