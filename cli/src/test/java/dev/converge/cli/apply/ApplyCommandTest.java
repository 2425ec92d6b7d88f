package dev.converge.cli.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge apply} without a real cluster: applied to a new in-memory cluster, with progress on stderr
 * and the report on stdout; and the option errors that stop it before anything is read or written (exit code 2,
 * one line on stderr, nothing on stdout). Against {@code converge serve} over HTTP: {@code ApplyKubeconfigIT}.
 */
class ApplyCommandTest {
  private static final String SHOP = "src/test/resources/fixtures/shop";

  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run converge(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void waitForJobs_holdsWhatDependsOnAJob_untilItCompletes_andAPlainInMemoryClusterRunsNoJobs() {
    Run run = converge("apply", "-f", SHOP, "--wait-for-jobs", "--timeout", "0");

    // The in-memory cluster of a plain apply has no Job controller: the migration never completes, so the API
    // Deployment that depends on it waits, and one pass (--timeout 0) ends the run incomplete.
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).startsWith("Apply incomplete: 8 applied, 0 deleted, 1 waiting, 0 skipped, 0 failed")
        .contains("create batch/Job/shop/migrate APPLIED")
        .contains("create apps/Deployment/shop/api WAITING: waiting for batch/Job/shop/migrate: Job complete: "
            + "0/1 succeeded, 0 active, 0 failed")
        .endsWith("Gave up waiting after 0s (--timeout); run apply again to continue.\n");
    // Without the flag the dependency orders creation only.
    assertThat(converge("apply", "-f", SHOP, "--timeout", "0").exitCode()).isZero();
  }

  @Test
  void apply_withoutKubeconfig_appliesToANewInMemoryCluster_inPlanOrder() {
    Run run = converge("apply", "-f", SHOP);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).isEqualTo("""
        Apply complete: 9 applied, 0 deleted, 0 waiting, 0 skipped, 0 failed; 9 write requests in 1 pass.
          create Namespace/shop APPLIED
          create ServiceAccount/shop/api APPLIED
          create Secret/shop/api-credentials APPLIED
          create ConfigMap/shop/api-settings APPLIED
          create rbac.authorization.k8s.io/ClusterRole/shop-reader APPLIED
          create rbac.authorization.k8s.io/ClusterRoleBinding/shop-reader APPLIED
          create Service/shop/api APPLIED
          create batch/Job/shop/migrate APPLIED
          create apps/Deployment/shop/api APPLIED
        """);
    assertThat(run.err()).isEqualTo("""
        converge: applying 9 resources to a new in-memory cluster (discarded on exit; give --kubeconfig for a real one)
        converge: pass 1: 9 changes in 9 steps
          applied Namespace/shop
          applied ServiceAccount/shop/api
          applied Secret/shop/api-credentials
          applied ConfigMap/shop/api-settings
          applied rbac.authorization.k8s.io/ClusterRole/shop-reader
          applied rbac.authorization.k8s.io/ClusterRoleBinding/shop-reader
          applied Service/shop/api
          applied batch/Job/shop/migrate
          applied apps/Deployment/shop/api
        """);
  }

  @Test
  void apply_showsTheServersWarnings_onceEach() {
    Run run = converge("apply", "-f", "src/test/resources/fixtures/deprecated-crd-version.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).containsOnlyOnce("converge: warning: example.com/Gadget/default/g: example.com/v1alpha1 Gadget "
        + "is deprecated; use example.com/v1 Gadget\n");
    assertThat(run.out()).startsWith("Apply complete: 2 applied");
  }

  @Test
  void apply_ofInvalidManifests_isBadInput_andAppliesNothing() {
    Run run = converge("apply", "-f", SHOP, "-f", "src/test/resources/bad/missing-kind.yaml");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: src/test/resources/bad/missing-kind.yaml: document 2: kind: is required\n");
  }

  @Test
  void prune_withoutOwner_isBadInput_forApplyAndPlan() {
    for (String command : new String[] {"apply", "plan"}) {
      Run run = converge(command, "-f", SHOP, "--prune");

      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).isEqualTo("error: --prune needs --owner NAME: only objects owned by a named manifest set "
          + "are ever pruned (see 'converge " + command + " --help')\n");
    }
  }

  @Test
  void owner_mustBeADnsLabel() {
    Run run = converge("apply", "-f", SHOP, "--owner", "Shop_1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --owner Shop_1: a lowercase RFC 1123 label must consist of lower case ");
  }

  @Test
  void context_withoutKubeconfig_isBadInput() {
    Run run = converge("apply", "-f", SHOP, "--context", "prod");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("error: --context needs --kubeconfig (see 'converge apply --help')\n");
  }

  @Test
  void missingKubeconfig_isBadInput_namingTheFile() {
    Path missing = dir.resolve("nothing-here");
    Run run = converge("plan", "-f", SHOP, "--kubeconfig", missing.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: --kubeconfig " + missing + ": no such kubeconfig file (see 'converge plan --help')\n");
  }

  @Test
  void unknownContext_isBadInput_listingTheContextsTheFileHas() throws Exception {
    Path kubeconfig = dir.resolve("config");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: a
          cluster: {server: "https://127.0.0.1:1"}
        users:
        - name: u
          user: {token: t}
        contexts:
        - name: dev
          context: {cluster: a, user: u}
        - name: staging
          context: {cluster: a, user: u}
        current-context: dev
        """);
    Run run = converge("apply", "-f", SHOP, "--kubeconfig", kubeconfig.toString(), "--context", "prod");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("error: --kubeconfig " + kubeconfig + ": no context \"prod\" (it has dev, staging) "
        + "(see 'converge apply --help')\n");
  }

  @Test
  void timeout_mustBeADuration() {
    Run run = converge("apply", "-f", SHOP, "--timeout", "soon");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: invalid value for option '--timeout': 'soon' is not a duration such as 30s, 2m or 500ms");
  }

  @Test
  void durations_readSecondsMinutesAndMilliseconds() {
    ApplyCommand.Durations durations = new ApplyCommand.Durations();

    assertThat(durations.convert("90s")).hasSeconds(90);
    assertThat(durations.convert("2m")).hasMinutes(2);
    assertThat(durations.convert("500ms")).hasMillis(500);
    assertThat(durations.convert("0")).isZero();
  }
}
