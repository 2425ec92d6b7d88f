package dev.converge.cli;

import dev.converge.api.DependencyCycleException;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.PlanPrinter;
import dev.converge.core.plan.Planner;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code converge plan -f FILE… [-o text|json]}: reads the manifests, observes the actual state and prints
 * the ordered plan with the reason for every action. Writes nothing anywhere; prints nothing on stdout unless
 * the whole plan could be made.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    versionProvider = ConvergeCommand.Version.class,
    description = "Show the ordered changes that would make the cluster match the manifests, with the reason for each.")
final class PlanCommand implements Callable<Integer> {
  private final ActualState actualState;
  private final PrintWriter out;

  @Mixin private ManifestOptions manifests = new ManifestOptions();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private OutputFormat output = OutputFormat.text;

  PlanCommand(ActualState actualState, PrintWriter out) {
    this.actualState = actualState;
    this.out = out;
  }

  @Override
  public Integer call() {
    ManifestSet desired = manifests.read();
    ManifestChecks.validate(desired);
    Observed actual = actualState.observe(desired);
    Plan plan;
    try {
      plan = Planner.defaults().plan(desired.graph(), actual);
    } catch (DependencyCycleException e) {
      // Implicit edges (namespace, CRD, references) can close a cycle with the set's depends-on annotations.
      throw desired.explain(e);
    }
    String rendered = output == OutputFormat.json ? PlanPrinter.json(plan) : PlanPrinter.text(plan);
    out.print(rendered);
    out.flush();
    return 0;
  }
}
