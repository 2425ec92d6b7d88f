package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code converge simulate} in-process on a small input (a collector DaemonSet reading through a two-replica
 * proxy, 3 nodes, 2 simulated minutes): the text report (golden, wall time masked), the JSON fields the issue
 * lists with exact values, the same output for the same seed and another trace for another seed, {@code
 * --set} and {@code --compare}, the progress bar only on a terminal, and bad input as one line with exit code
 * 2 and nothing on stdout.
 */
class SimulateCommandTest {
  private static final String INPUT = "src/test/resources/simulate/telemetry";
  private static final Path GOLDEN = Path.of("src/test/resources/golden/simulate");

  @Test
  void text_printsPlanRolloutLoadSlosAndTraceHash() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7");
    assertThat(run.code).isZero();
    assertThat(run.err).isEmpty();
    golden("telemetry-3-nodes.txt", masked(run.out));
  }

  @Test
  void json_hasTheIssuesFields_withExactValues() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "-o", "json");
    assertThat(run.code).isZero();
    JsonNode json = Json.parse(run.out);
    assertThat(json.path("nodes").asInt()).isEqualTo(3);
    assertThat(json.path("seed").asLong()).isEqualTo(7);
    assertThat(json.path("traceHash").asText()).matches("[0-9a-f]{64}");
    assertThat(json.path("simulatedSeconds").asDouble()).isEqualTo(120.0);
    assertThat(json.path("wallMillis").isIntegralNumber()).isTrue();
    assertThat(json.path("rollout").toString()).isEqualTo(Json.parse("""
        [{"kind":"DaemonSet","namespace":"telemetry","name":"collector","desired":3,"available":3,"availableAtSeconds":11.048},
         {"kind":"Deployment","namespace":"telemetry","name":"collector-proxy","desired":2,"available":2,"availableAtSeconds":9.202}]
        """).toString());
    JsonNode api = json.path("apiServer");
    assertThat(api.path("requestsTotal").asLong()).isEqualTo(251);
    assertThat(api.path("rejectedTotal").asLong()).isZero();
    List<String> identities = new ArrayList<>();
    api.path("byIdentity").forEach(row -> identities.add(row.path("identity").asText() + " " + row.path("requests").asLong()
        + " " + row.path("perMinute").asDouble() + " " + row.path("p99Ms").asDouble() + " " + row.path("rejected").asLong()));
    // Kubelets renew leases every 10 s once registered, list and watch their pods, their Node, the Services, the
    // RuntimeClasses, the CSIDrivers and the kube-root-ca.crt their pods' token volumes project, make their CSINodes,
    // ask for those pods' tokens, and record their nodes' and pods' Events; the controller manager also gives the new namespace its default ServiceAccount and
    // kube-root-ca.crt; the engine
    // (user converge) reads through its watch cache (one LIST and WATCH per kind), so after its writes it mostly
    // waits on watch events.
    assertThat(identities).containsExactly(
        "system:node:* 140 70.0 10.0 0",
        "system:kube-controller-manager 63 31.5 10.0 0",
        "converge 22 11.0 10.0 0",
        "system:kube-scheduler 18 9.0 10.0 0",
        "system:serviceaccount:telemetry:collector-proxy 6 3.0 0.0 0",
        "system:serviceaccount:telemetry:collector 2 1.0 1.022 0");
    assertThat(json.path("sloBreaches").isArray()).isTrue();
    assertThat(json.path("sloBreaches")).isEmpty();
    assertThat(json.path("proxied").path("requestsTotal").asLong()).isEqualTo(4);
  }

  @Test
  void serviceAccountCredentials_splitTheManagersRow_byController_sameRequests() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "-o", "json",
        "--use-service-account-credentials");
    assertThat(run.code).isZero();
    JsonNode api = Json.parse(run.out).path("apiServer");
    assertThat(api.path("requestsTotal").asLong()).isEqualTo(250);
    List<String> identities = new ArrayList<>();
    api.path("byIdentity").forEach(row -> identities.add(row.path("identity").asText() + " " + row.path("requests").asLong()));
    // The 63 requests of the manager's row without the flag: its shared informers' lists and watches stay its
    // own, each controller's writes (and Events) are its service account's. (The accounts' objects drawn at the
    // start shift the seeded draws after them: the collector reads at other times than without the flag, here once
    // within the two minutes instead of twice.)
    assertThat(identities).containsExactly(
        "system:node:* 140",
        "system:kube-controller-manager 30",
        "converge 22",
        "system:kube-scheduler 18",
        "system:serviceaccount:kube-system:daemon-set-controller 14",
        "system:serviceaccount:kube-system:deployment-controller 7",
        "system:serviceaccount:kube-system:replicaset-controller 7",
        "system:serviceaccount:telemetry:collector-proxy 6",
        "system:serviceaccount:kube-system:node-controller 3",
        "system:serviceaccount:kube-system:root-ca-cert-publisher 1",
        "system:serviceaccount:kube-system:service-account-controller 1",
        "system:serviceaccount:telemetry:collector 1");
    assertThat(Json.parse(run.out).path("rollout").toString())
        .isEqualTo(Json.parse(simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "-o", "json").out)
            .path("rollout").toString());
  }

  @Test
  void aMissingImage_leavesItsWorkloadUnavailable_andTheReportSaysWhy() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "-o", "json",
        "--missing-image", "example.com/collector:1.0");
    assertThat(run.code).as(run.err).isZero();
    JsonNode json = Json.parse(run.out);
    assertThat(json.path("rollout").toString()).isEqualTo(Json.parse("""
        [{"kind":"DaemonSet","namespace":"telemetry","name":"collector","desired":3,"available":0,"availableAtSeconds":null,
          "notReady":[{"status":"ImagePullBackOff","pods":3,"example":"collector-5p9rg",
                       "message":"Back-off pulling image \\"example.com/collector:1.0\\""}]},
         {"kind":"Deployment","namespace":"telemetry","name":"collector-proxy","desired":2,"available":2,"availableAtSeconds":9.202}]
        """).toString());
    // The text report says the same under the rollout.
    Run text = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "--missing-image",
        "example.com/collector:1.0");
    assertThat(text.out).contains("""
        Not available at the end (kubectl get pods' STATUS)
          DaemonSet telemetry/collector
            STATUS            PODS  FOR EXAMPLE      MESSAGE
            ImagePullBackOff     3  collector-5p9rg  Back-off pulling image "example.com/collector:1.0"
        """);
  }

  @Test
  void podsThatCannotBeCreated_areReportedWithTheControllersFailedCreate() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "-o", "json",
        "--set", "DaemonSet/collector:spec.template.spec.serviceAccountName=nope");
    assertThat(run.code).as(run.err).isZero();
    JsonNode collector = Json.parse(run.out).path("rollout").get(0);
    assertThat(collector.path("availableAtSeconds").isNull()).isTrue();
    assertThat(collector.path("notReady").toString()).isEqualTo(Json.parse("""
        [{"status":"NotCreated","pods":3,"example":"","message":"Error creating: pods \\"collector-\\" is forbidden: error \
        looking up service account telemetry/nope: serviceaccount \\"nope\\" not found"}]""").toString());
    // Side by side, the largest group says why.
    Run compared = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "--compare",
        "DaemonSet/collector:spec.template.spec.serviceAccountName=nope");
    assertThat(compared.out).containsPattern("DaemonSet telemetry/collector available at\\s+11\\.0s\\s+never \\(0/3, 3 NotCreated\\)");
  }

  @Test
  void kubeProxy_addsItsWatchesOnEveryNode_asOneRow() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "2m", "--seed", "7", "-o", "json", "--kube-proxy");
    assertThat(run.code).isZero();
    JsonNode api = Json.parse(run.out).path("apiServer");
    List<String> identities = new ArrayList<>();
    api.path("byIdentity").forEach(row -> identities.add(row.path("identity").asText() + " " + row.path("requests").asLong()));
    // On each of the 3 nodes a GET of its Node, then a list and a watch of the Services, the EndpointSlices and its
    // own Node (251 requests without it). Its requests move the seeded draws: the collector pods get other
    // generated names, so other phases, and read 1 time in these 2 minutes instead of 2.
    assertThat(identities).contains("system:kube-proxy 21", "system:serviceaccount:telemetry:collector 1");
    assertThat(api.path("requestsTotal").asLong()).isEqualTo(251 + 21 - 1);
  }

  @Test
  void theSameSeed_printsTheSameReport_andAnotherSeedAnotherTrace() {
    String first = masked(simulate("-f", INPUT, "--nodes", "3", "--duration", "1m", "--seed", "7").out);
    String second = masked(simulate("-f", INPUT, "--nodes", "3", "--duration", "1m", "--seed", "7").out);
    String other = masked(simulate("-f", INPUT, "--nodes", "3", "--duration", "1m", "--seed", "8").out);
    assertThat(second).isEqualTo(first);
    assertThat(traceHash(other)).isNotEqualTo(traceHash(first));
  }

  @Test
  void set_changesOneFieldBeforeTheRun() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "1m", "--set",
        "Deployment/collector-proxy:spec.replicas=3", "-o", "json");
    assertThat(run.code).isZero();
    JsonNode json = Json.parse(run.out);
    assertThat(json.path("edits").toString()).isEqualTo("[\"--set Deployment/collector-proxy:spec.replicas=3\"]");
    assertThat(json.path("rollout").get(1).path("desired").asInt()).isEqualTo(3);
    assertThat(json.path("rollout").get(1).path("available").asInt()).isEqualTo(3);
  }

  @Test
  void compare_runsTheInputAsGivenAndChanged_sideBySide() {
    Run run = simulate("-f", INPUT, "--nodes", "3", "--duration", "1m", "--compare",
        "Deployment/collector-proxy:spec.replicas=1");
    assertThat(run.code).isZero();
    golden("telemetry-compare.txt", masked(run.out));
  }

  @Test
  void progressBar_isDrawnOnlyOnATerminal() {
    Run quiet = simulate("-f", INPUT, "--nodes", "1", "--duration", "10s");
    Run terminal = run(true, "simulate", "-f", INPUT, "--nodes", "1", "--duration", "10s");
    assertThat(quiet.err).isEmpty();
    assertThat(terminal.err).startsWith("\r[").contains("100%  10s of 10s simulated");
    assertThat(masked(terminal.out)).isEqualTo(masked(quiet.out));
  }

  @Test
  void badInput_isOneLine_exitCodeTwo_nothingOnStdout() {
    String bad = "src/test/resources/simulate/bad/";
    assertBad(simulate("-f", INPUT, "--nodes", "3", "--set", "DaemonSet/nope:spec.x=1"),
        "error: --set DaemonSet/nope:spec.x=1: no DaemonSet named nope in the input");
    assertBad(simulate("-f", INPUT, "--nodes", "3", "--set", "DaemonSet/collector:spec.x"),
        "error: --set DaemonSet/collector:spec.x: expected KIND/NAME:PATH=VALUE");
    assertBad(simulate("-f", INPUT, "--nodes", "3", "--set", "DaemonSet/collector:metadata.name=x"),
        "error: --set DaemonSet/collector:metadata.name=x: metadata.name names the object and cannot be changed");
    assertBad(simulate("-f", INPUT, "--nodes", "3", "--duration", "soon"),
        "error: --duration 'soon': not a positive duration (write 90s, 15m, 1h30m)");
    assertBad(simulate("-f", INPUT), "error: no nodes to simulate: give --nodes N or a NodePool (sim.converge.dev/v1alpha1)");
    assertBad(simulate("-f", INPUT, "-f", "src/test/resources/simulate/pools.yaml", "--nodes", "3"),
        "error: --nodes cannot be combined with NodePool objects (found NodePool/worker): set the pools' spec.count instead");
    assertBad(simulate("-f", bad + "unknown-field.yaml", "--nodes", "1"),
        "error: " + bad + "unknown-field.yaml: document 1: spec.requests[0].evry: unknown field (allowed: every, resource, "
            + "scope, verb, via)");
    assertBad(simulate("-f", INPUT, "--nodes", "many"),
        "error: invalid value for option '--nodes': 'many' is not an int (see 'converge simulate --help')");
  }

  @Test
  void nodePools_fromTheInput_areSimulated() {
    Run run = simulate("-f", INPUT, "-f", "src/test/resources/simulate/pools.yaml", "--duration", "1m", "-o", "json");
    assertThat(run.code).isZero();
    JsonNode json = Json.parse(run.out);
    assertThat(json.path("nodes").asInt()).isEqualTo(4);
    // The GPU node's taint keeps the DaemonSet (no toleration) off it.
    assertThat(json.path("rollout").get(0).path("desired").asInt()).isEqualTo(3);
  }

  @Test
  void aJob_isInTheRollout_completeWhenItsLastPodHasSucceeded() {
    Run run = simulate("-f", INPUT, "-f", "src/test/resources/simulate/job.yaml", "--nodes", "3", "--duration", "3m",
        "--seed", "7", "-o", "json");
    assertThat(run.code).as(run.err).isZero();
    JsonNode job = null;
    for (JsonNode rollout : Json.parse(run.out).path("rollout")) {
      if (rollout.path("kind").asText().equals("Job")) {
        job = rollout;
      }
    }
    assertThat(job).isNotNull();
    assertThat(job.path("name").asText()).isEqualTo("backfill");
    assertThat(job.path("desired").asInt()).isEqualTo(4);
    assertThat(job.path("available").asInt()).isEqualTo(4);
    // Two rounds of 20 s runs after the pulls and starts, the pods counted in batched syncs (seed 7).
    assertThat(job.path("availableAtSeconds").asDouble()).isEqualTo(54.562);
  }

  @Test
  void withWaitForJobs_aDeploymentThatDependsOnAJob_startsOnceTheJobHasCompleted() {
    String[] args = {"-f", INPUT, "-f", "src/test/resources/simulate/migrate-then-api.yaml", "--nodes", "3",
        "--duration", "3m", "--seed", "7", "-o", "json"};
    Map<String, Double> ordered = rolloutTimes(simulate(concat(args, "--wait-for-jobs")));
    Map<String, Double> unordered = rolloutTimes(simulate(args));
    // The Job runs 30 s after its pull and start; gated, the Deployment is created after it completes.
    assertThat(ordered.get("migrate")).isBetween(30.0, 50.0);
    assertThat(ordered.get("api")).isGreaterThan(ordered.get("migrate"));
    // Without the flag the dependency orders creation only: the Deployment is available before the Job completes.
    assertThat(unordered.get("api")).isLessThan(unordered.get("migrate"));
  }

  /** Each rollout's {@code availableAtSeconds} by name, from a successful JSON run. */
  private static Map<String, Double> rolloutTimes(Run run) {
    assertThat(run.code).as(run.err).isZero();
    Map<String, Double> out = new HashMap<>();
    for (JsonNode rollout : Json.parse(run.out).path("rollout")) {
      out.put(rollout.path("name").asText(), rollout.path("availableAtSeconds").asDouble());
    }
    return out;
  }

  private static String[] concat(String[] args, String... more) {
    String[] out = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, out, args.length, more.length);
    return out;
  }

  private static void assertBad(Run run, String message) {
    assertThat(run.code).as(message).isEqualTo(2);
    assertThat(run.out).as(message).isEmpty();
    assertThat(run.err).isEqualTo(message + "\n");
  }

  /** The output with the wall time, the one thing that differs between runs, replaced. */
  private static String masked(String out) {
    return out.replaceAll("in \\d+ ms of wall time", "in <wall> ms of wall time");
  }

  private static String traceHash(String text) {
    return text.substring(text.indexOf("Trace hash: "));
  }

  private static Run simulate(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "simulate";
    System.arraycopy(args, 0, all, 1, args.length);
    return run(false, all);
  }

  private static Run run(boolean terminal, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), terminal, args);
    return new Run(code, out.toString(), err.toString());
  }

  /**
   * Compares with a golden file; {@code -Dconverge.golden.update=true} rewrites it (review the diff before
   * committing).
   */
  private static void golden(String name, String actual) {
    Path file = GOLDEN.resolve(name);
    try {
      if (Boolean.getBoolean("converge.golden.update")) {
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      }
      assertThat(actual).as("output versus golden file %s", file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Run(int code, String out, String err) {}
}
