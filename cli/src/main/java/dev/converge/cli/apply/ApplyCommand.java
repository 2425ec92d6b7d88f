package dev.converge.cli.apply;

import dev.converge.api.DesiredGraph;
import dev.converge.api.Ticker;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.cli.ConvergeCommand;
import dev.converge.cli.JobGates;
import dev.converge.cli.ManifestChecks;
import dev.converge.cli.ManifestOptions;
import dev.converge.cli.cluster.Cluster;
import dev.converge.cli.cluster.ClusterOptions;
import dev.converge.cli.cluster.OwnerOptions;
import dev.converge.core.manifest.ManifestSet;
import dev.converge.core.plan.Planner;
import dev.converge.k8s.KubeconfigContext;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code converge apply -f FILE… [--kubeconfig PATH [--context NAME]] [--owner NAME [--prune]]
 * [--force-conflicts] [--timeout 60s]}: plans the manifests against the cluster and executes the plan by
 * server-side apply (field manager {@value ApplyOptions#DEFAULT_FIELD_MANAGER}), printing each write on stderr
 * and the execution report on stdout. A second apply of the same files plans nothing and writes nothing, and
 * says so. Without {@code --kubeconfig} it applies to a new in-memory cluster, to show what would happen.
 *
 * <p>Exit codes: 0 when every action was carried out (or nothing had to change), {@value
 * ConvergeCommand#INCOMPLETE} when an action failed, was skipped or still waits, 2 for bad input (nothing is
 * applied: the manifests are validated whole before the first write).
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    versionProvider = ConvergeCommand.Version.class,
    description = "Make the cluster match the manifests: plan, then apply the changes in order, with progress.")
public final class ApplyCommand implements Callable<Integer> {
  private final PrintWriter out;
  private final PrintWriter err;

  @Spec private @Nullable CommandSpec spec;

  @Mixin private ManifestOptions manifests = new ManifestOptions();
  @Mixin private ClusterOptions cluster = new ClusterOptions();
  @Mixin private OwnerOptions ownership = new OwnerOptions();

  @Option(names = "--force-conflicts",
      description = "Take over fields another field manager owns instead of failing with a conflict "
          + "(kubectl apply --server-side --force-conflicts).")
  private boolean forceConflicts;

  @Option(names = "--wait-for-jobs",
      description = "Hold what depends on a Job (converge.dev/depends-on) until the Job has completed, as "
          + "helm install --wait-for-jobs waits for its Jobs; a failed Job holds it until --timeout.")
  private boolean waitForJobs;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Durations.class,
      description = "How long to keep applying while changes wait for a prerequisite to be ready, such as a CRD "
          + "to be Established (default: ${DEFAULT-VALUE}; 0 for one pass).")
  private Duration timeout = Duration.ofSeconds(60);

  /** The command, printing the report on {@code out} and progress on {@code err}. */
  public ApplyCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() throws InterruptedException {
    CommandSpec parsed = Objects.requireNonNull(spec, "picocli injects the spec");
    Optional<KubeconfigContext> context = cluster.context(parsed);
    ownership.owner(parsed); // option errors before any file or cluster is read
    try (Cluster target = context.map(Cluster::of).orElseGet(() -> Cluster.inMemory(1))) {
      ManifestSet desired = manifests.read(target.types());
      ManifestChecks.requireKnownKinds(desired.entries(), desired.types(), target.isInMemory()
          ? "and the in-memory cluster starts empty: add the CRD to the files"
          : ManifestChecks.NOT_SERVED);
      DesiredGraph graph = ownership.graph(desired, parsed);
      if (waitForJobs) {
        graph = JobGates.gate(graph);
      }
      err.println("converge: applying " + desired.size() + " resource" + (desired.size() == 1 ? "" : "s") + " to "
          + target.describe());
      err.flush();
      ApplyOptions options = new ApplyOptions(ApplyOptions.DEFAULT_FIELD_MANAGER, forceConflicts);
      Applier applier = new Applier(target.backend(), Planner.builder().types(desired.types()).build(), options,
          duration -> Thread.sleep(duration.toMillis()), Ticker.system(), timeout, err);
      ApplyReport report = applier.apply(desired, graph, ownership.selection(graph, target.types()));
      out.print(report.render());
      out.flush();
      return report.isComplete() ? ConvergeCommand.OK : ConvergeCommand.INCOMPLETE;
    }
  }

  /** {@code 90s}, {@code 2m}, {@code 500ms}, or a number of seconds. */
  static final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (text.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("s")) {
          return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.endsWith("m")) {
          return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(text));
      } catch (NumberFormatException e) {
        throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a duration such as 30s, 2m or 500ms");
      }
    }
  }
}
