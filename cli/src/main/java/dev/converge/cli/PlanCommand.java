package dev.converge.cli;

import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.cli.cluster.Cluster;
import dev.converge.cli.cluster.ClusterOptions;
import dev.converge.cli.cluster.LiveObjects;
import dev.converge.cli.cluster.OwnerOptions;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.PlanPrinter;
import dev.converge.core.plan.Planner;
import dev.converge.k8s.KubeconfigContext;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code converge plan -f FILE… [-o text|json] [--kubeconfig PATH [--context NAME]] [--owner NAME [--prune]]}:
 * reads the manifests, observes the actual state and prints the ordered plan with the reason for every action.
 * Without {@code --kubeconfig} the actual state is the command's {@link ActualState} (an empty cluster); with
 * it, the live objects of that cluster, read through backend-k8s: only the fields the manifests set are
 * compared, so what the server defaulted or added is no change. Writes nothing anywhere; prints nothing on
 * stdout unless the whole plan could be made.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    versionProvider = ConvergeCommand.Version.class,
    description = "Show the ordered changes that would make the cluster match the manifests, with the reason for each.")
final class PlanCommand implements Callable<Integer> {
  private final ActualState actualState;
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private ManifestOptions manifests = new ManifestOptions();
  @Mixin private ClusterOptions cluster = new ClusterOptions();
  @Mixin private OwnerOptions ownership = new OwnerOptions();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private OutputFormat output = OutputFormat.text;

  PlanCommand(ActualState actualState, PrintWriter out, PrintWriter err) {
    this.actualState = actualState;
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    CommandSpec parsed = java.util.Objects.requireNonNull(spec, "picocli injects the spec");
    Optional<KubeconfigContext> context = cluster.context(parsed);
    ownership.owner(parsed); // option errors before any file or cluster is read
    Plan plan;
    if (context.isEmpty()) {
      ManifestSet desired = manifests.read();
      plan = plan(desired, ownership.graph(desired, parsed), Planner.defaults(), actualState.observe(desired));
    } else {
      try (Cluster live = Cluster.of(context.get())) {
        ManifestSet desired = manifests.read(live.types());
        ManifestChecks.requireKnownKinds(desired.entries(), desired.types(),
            ManifestChecks.NOT_SERVED);
        DesiredGraph graph = ownership.graph(desired, parsed);
        Observed actual = LiveObjects.observe(live.backend(), ownership.selection(graph, live.types()),
            warning -> err.println("converge: warning: " + warning));
        plan = plan(desired, graph, Planner.builder().types(desired.types()).build(), actual);
      }
    }
    String rendered = output == OutputFormat.json ? PlanPrinter.json(plan) : PlanPrinter.text(plan);
    out.print(rendered);
    out.flush();
    return 0;
  }

  private static Plan plan(ManifestSet desired, DesiredGraph graph, Planner planner, Observed actual) {
    try {
      return planner.plan(graph, actual);
    } catch (DependencyCycleException e) {
      // Implicit edges (namespace, CRD, references) can close a cycle with the set's depends-on annotations.
      throw desired.explain(e);
    }
  }
}
