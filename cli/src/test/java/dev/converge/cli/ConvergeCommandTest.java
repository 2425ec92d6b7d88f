package dev.converge.cli;

import static dev.converge.cli.CliRun.converge;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The top-level command: usage without a sub-command (exit 2, on stderr), help and version (exit 0, on stdout). */
class ConvergeCommandTest {

  @Test
  void noSubcommand_printsUsageOnStderr_asAUsageError() {
    CliRun run = converge();

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("Usage: converge [-hV] [--verbose] [COMMAND]").contains("  plan      Show the ordered changes",
        "  apply     Make the cluster match the manifests", "  simulate  Apply manifests on a simulated cluster",
        "  serve     Serve an in-memory cluster over the Kubernetes API");
  }

  @Test
  void helpPlan_describesThePlanOptions() {
    CliRun run = converge("help", "plan");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("Usage: converge plan [-hV] [--prune] [--verbose] [--context=NAME]")
        .contains("  -o, --output=FORMAT     Output format: text, json (default: text).")
        .contains("      --kubeconfig=PATH   Act on the cluster of this kubeconfig");
  }

  @Test
  void version_outsideAJar_saysDevelopmentBuild() {
    CliRun run = converge("--version");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("converge (development build)" + System.lineSeparator());
  }
}
