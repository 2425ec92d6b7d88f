package dev.converge.cli.simulate;

import dev.converge.api.ResourceTypes;
import dev.converge.cli.OutputFormat;
import dev.converge.core.manifest.ManifestException;
import dev.converge.inmemory.sim.workload.SimManifests;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code converge simulate -f FILE… [--nodes N] [--duration D] [--seed S] [--set KIND/NAME:PATH=VALUE]…
 * [--compare KIND/NAME:PATH=VALUE] [--no-examples] [--use-service-account-credentials] [--kube-proxy] [-o text|json]
 * [--report FILE.html]}: applies the manifests
 * through the engine's control loop on a simulated cluster — nodes from {@code --nodes} or the input's {@code
 * NodePool}s, workloads from its
 * {@code WorkloadProfile}s — for the simulated duration, and prints the plan, the rollout timeline, the
 * API-server load and the trace hash; {@code --report} also writes the charts as one self-contained HTML file.
 * The same seed and input print the same report (but the wall time). Computes everything before printing: a
 * failure leaves stdout empty and writes no report.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Apply manifests on a simulated cluster; report the rollout, the API-server load and the trace hash.")
public final class SimulateCommand implements Callable<Integer> {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private final List<SimulationExtension> extensions;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE", required = true,
      description = "A manifest file, or a directory whose YAML and JSON files are read in name order. Repeatable.")
  private List<Path> files = new ArrayList<>();

  @Option(names = "--nodes", paramLabel = "N",
      description = "Simulate one pool of N plain nodes (instead of the input's NodePool objects).")
  private @Nullable Integer nodes;

  @Option(names = "--duration", paramLabel = "D", defaultValue = "1h",
      description = "Simulated time to run, as 90s, 15m, 1h30m (default: ${DEFAULT-VALUE}).")
  private String duration = "1h";

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "The seed of every random draw (default: ${DEFAULT-VALUE}).")
  private long seed = 1;

  @Option(names = "--set", paramLabel = "KIND/NAME:PATH=VALUE",
      description = "Change one field of one input object before the run (VALUE is YAML). Repeatable.")
  private List<String> sets = new ArrayList<>();

  @Option(names = "--compare", paramLabel = "KIND/NAME:PATH=VALUE",
      description = "Run the input as given and with this change, and print both side by side.")
  private @Nullable String compare;

  @Option(names = "--no-examples",
      description = "Leave out the repository's example operators (the DatadogAgent operator and its kind).")
  private boolean noExamples;

  @Mixin private ClusterOptions clusterOptions = new ClusterOptions();

  @Option(names = "--wait-for-jobs",
      description = "Hold what depends on a Job (converge.dev/depends-on) until the Job has completed in the simulated"
          + " cluster, as converge apply --wait-for-jobs and helm install --wait-for-jobs do (default: a dependency"
          + " orders creation only).")
  private boolean waitForJobs;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private OutputFormat output = OutputFormat.text;

  @Option(names = "--report", paramLabel = "FILE",
      description = "Also write the charts (load, latency against the SLOs, rollouts, 429s) to this HTML file.")
  private @Nullable Path report;

  /**
   * The command printing to {@code out}, with a progress bar on {@code err} when {@code terminal}, and
   * {@code extensions} installed in every run.
   */
  public SimulateCommand(PrintWriter out, PrintWriter err, boolean terminal, List<SimulationExtension> extensions) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.extensions = List.copyOf(extensions);
  }

  @Override
  public Integer call() {
    if (nodes != null && (nodes < 0 || nodes > 100_000)) {
      throw ManifestException.input("--nodes " + nodes + ": must be between 0 and 100000");
    }
    Duration simulated = SimManifests.parseDuration(duration);
    if (simulated == null || simulated.isZero()) {
      throw ManifestException.input("--duration '" + duration + "': not a positive duration (write 90s, 15m, 1h30m)");
    }
    List<FieldEdit> edits = new ArrayList<>();
    for (String set : sets) {
      edits.add(FieldEdit.parse("--set", set));
    }
    checkReportPath();
    List<SimulationExtension> active = extensions.stream().filter(e -> !(noExamples && e.example())).toList();
    UnaryOperator<ResourceTypes> types = SimulationExtension.typesOf(active);
    SimulationInput given = gated(SimulationInput.read(files, nodes, edits, types));
    SimulationRunner runner = new SimulationRunner(active, new ProgressBar(err, terminal), clusterOptions.customizer());
    String rendered;
    String html;
    if (compare == null) {
      SimulationResult result = runner.run(given, seed, simulated, "");
      rendered = output == OutputFormat.json ? JsonReport.render(result) : TextReport.render(result);
      html = report == null ? "" : HtmlReport.render(result);
    } else {
      FieldEdit change = FieldEdit.parse("--compare", compare);
      List<FieldEdit> changedEdits = new ArrayList<>(edits);
      changedEdits.add(change);
      SimulationInput changedInput = gated(SimulationInput.read(files, nodes, changedEdits, types));
      SimulationResult asGiven = runner.run(given, seed, simulated, "as given     ");
      SimulationResult changed = runner.run(changedInput, seed, simulated, "with change  ");
      rendered = output == OutputFormat.json ? CompareReport.json(asGiven, changed, change.toString())
          : TextReport.header(asGiven) + "\n" + TextReport.header(changed) + "\n\n"
              + CompareReport.text(asGiven, changed, change.toString());
      html = report == null ? "" : HtmlReport.compare(asGiven, changed, change.toString());
    }
    writeReport(html);
    out.print(rendered);
    out.flush();
    return 0;
  }

  private SimulationInput gated(SimulationInput input) {
    return waitForJobs ? input.withJobsGated() : input;
  }

  /** A report that cannot be written fails before the run, not after an hour of simulation. */
  private void checkReportPath() {
    Path file = report;
    if (file == null) {
      return;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (Files.isDirectory(file)) {
      throw ManifestException.input("--report " + file + ": is a directory (name the HTML file to write)");
    }
    if (parent == null || !Files.isDirectory(parent)) {
      throw ManifestException.input("--report " + file + ": directory " + parent + " does not exist");
    }
    if (!Files.isWritable(parent) || (Files.exists(file) && !Files.isWritable(file))) {
      throw ManifestException.input("--report " + file + ": not writable");
    }
  }

  private void writeReport(String html) {
    Path file = report;
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, html, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ManifestException.input("--report " + file + ": cannot write: " + e.getMessage());
    }
  }
}
