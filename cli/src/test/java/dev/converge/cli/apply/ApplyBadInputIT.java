package dev.converge.cli.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import dev.converge.cli.serve.ConvergeServer;
import dev.converge.examples.datadog.install.OperatorInstall;
import dev.converge.inmemory.accounting.RequestRecord;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to {@code converge plan|apply --kubeconfig} against {@code converge serve} in-process: each is one
 * line on stderr with the cause (and the file, document and field where there is one), a non-zero exit code,
 * nothing on stdout — and, read from the server's request log, not one mutating request: nothing was applied.
 * Manifests (an invalid object beside valid ones, a DatadogAgent spec its CRD refuses, a DatadogAgent with no
 * CRD), flags ({@code --timeout}, {@code --prune} without {@code --owner}, {@code --context} without a
 * kubeconfig) and kubeconfig problems (missing, not YAML, unknown context, a server that does not answer).
 */
class ApplyBadInputIT {
  private static final String BAD = "src/test/resources/bad/catalog/";
  private static final Path WORK = Path.of("target/apply-bad-input");
  private static ConvergeServer server;
  private static final List<RequestRecord> ADMIN_WRITES = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static String kubeconfig;
  private static String unreachable;
  private static int closedPort;

  @BeforeAll
  static void serve() throws IOException {
    Files.createDirectories(WORK);
    kubeconfig = WORK.resolve("converge.kubeconfig").toString();
    server = ConvergeServer.start(1, List.of(), 0, Path.of(kubeconfig), 3);
    server.cluster().requests().subscribe(record -> {
      if (record.mutating() && record.identity().equals(Identity.admin().name())) {
        ADMIN_WRITES.add(record);
      }
    });
    Files.writeString(WORK.resolve("datadog-crd.json"), Json.writePretty(OperatorInstall.crd().json()), StandardCharsets.UTF_8);
    // A valid ConfigMap beside an invalid Deployment: the valid one must not be applied either.
    Files.createDirectories(WORK.resolve("mixed"));
    Files.writeString(WORK.resolve("mixed/10-settings.yaml"), """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings, namespace: default}
        data: {LOG_LEVEL: info}
        """);
    Files.copy(Path.of(BAD + "neg-replicas.yaml"), WORK.resolve("mixed/20-api.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(WORK.resolve("not-yaml.kubeconfig"), "apiVersion: v1\nclusters: [\n");
    // The same kubeconfig pointing at a port nothing listens on.
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    closedPort = closed;
    unreachable = WORK.resolve("unreachable.kubeconfig").toString();
    Files.writeString(Path.of(unreachable), Files.readString(Path.of(kubeconfig))
        .replace(server.front().url(), "https://127.0.0.1:" + closed));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Stream<Arguments> badInputs() {
    String mixed = WORK.resolve("mixed").toString();
    return Stream.of(
        bad("an invalid object beside a valid one", 2, "error: " + WORK.resolve("mixed/20-api.yaml")
            + ": document 1: spec.replicas: invalid value: -2: must be greater than or equal to 0",
            "apply", "-f", mixed, "--kubeconfig", "KUBECONFIG"),
        bad("replicas as a word", 2, "error: " + BAD + "replicas-string.yaml: document 1: spec.replicas: invalid value:"
            + " \"three\": must be an integer", "apply", "-f", BAD + "replicas-string.yaml", "--kubeconfig", "KUBECONFIG"),
        bad("a DatadogAgent field of the wrong type, its CRD beside it", 2, "error: " + BAD + "datadog-agent-bad-spec.yaml:"
            + " document 1: spec.features.logCollection.enabled: must be of type boolean, not string (\"maybe\")",
            "apply", "-f", WORK.resolve("datadog-crd.json").toString(), "-f", BAD + "datadog-agent-bad-spec.yaml",
            "--kubeconfig", "KUBECONFIG"),
        bad("a misspelt DatadogAgent field, its CRD beside it", 2, "error: " + BAD + "datadog-agent-unknown-field.yaml:"
            + " document 1: spec.featurs: unknown field (allowed: features, global, override)",
            "apply", "-f", WORK.resolve("datadog-crd.json").toString(), "-f", BAD + "datadog-agent-unknown-field.yaml",
            "--kubeconfig", "KUBECONFIG"),
        bad("a missing manifest", 2, "error: " + BAD + "nope.yaml: no such file or directory",
            "apply", "-f", BAD + "nope.yaml", "--kubeconfig", "KUBECONFIG"),
        bad("a missing kubeconfig", 2, "error: --kubeconfig target/apply-bad-input/nope.kubeconfig: no such kubeconfig file (see 'converge apply --help')", "apply", "-f", mixed, "--kubeconfig", WORK.resolve("nope.kubeconfig").toString()),
        bad("a kubeconfig that is not YAML", 2, "error: --kubeconfig target/apply-bad-input/not-yaml.kubeconfig: not a readable kubeconfig (while parsing a flow node: expected the node content, but found '<stream end>') (see 'converge apply --help')", "apply", "-f", mixed, "--kubeconfig",
            WORK.resolve("not-yaml.kubeconfig").toString()),
        bad("an unknown context", 2, "error: --kubeconfig target/apply-bad-input/converge.kubeconfig: no context \"prod\" (it has converge) (see 'converge apply --help')", "apply", "-f", mixed, "--kubeconfig", "KUBECONFIG", "--context", "prod"),
        bad("--context without --kubeconfig", 2, "error: --context needs --kubeconfig (see 'converge apply --help')", "apply", "-f", mixed, "--context", "prod"),
        bad("--prune without --owner", 2, "error: --prune needs --owner NAME: only objects owned by a named manifest set are ever pruned (see 'converge apply --help')", "apply", "-f", mixed, "--kubeconfig", "KUBECONFIG", "--prune"),
        bad("a timeout that is not a duration", 2, "error: invalid value for option '--timeout': 'soon' is not a duration such as 30s, 2m or 500ms (see 'converge apply --help')", "apply", "-f", mixed, "--kubeconfig", "KUBECONFIG",
            "--timeout", "soon"),
        bad("a server that does not answer", 3, "error: cluster: discovery /api: no answer from the API server"
            + " (java.net.ConnectException: Failed to connect to /127.0.0.1:PORT)", "apply", "-f", "src/test/resources/fixtures/shop", "--kubeconfig",
            "UNREACHABLE"),
        bad("plan: an invalid object, against the cluster", 2, "error: " + WORK.resolve("mixed/20-api.yaml")
            + ": document 1: spec.replicas: invalid value: -2: must be greater than or equal to 0",
            "plan", "-f", mixed, "--kubeconfig", "KUBECONFIG"),
        bad("plan: a missing kubeconfig", 2, "error: --kubeconfig target/apply-bad-input/nope.kubeconfig: no such kubeconfig file (see 'converge plan --help')", "plan", "-f", mixed, "--kubeconfig",
            WORK.resolve("nope.kubeconfig").toString()));
  }

  private static Arguments bad(String what, int code, String line, String... args) {
    return Arguments.of(what, code, line, List.of(args));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInput_isOneLine_nonZero_andNothingIsApplied(String what, int code, String line, List<String> args) {
    int before = ADMIN_WRITES.size();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] argv = args.stream().map(a -> a.equals("KUBECONFIG") ? kubeconfig : a.equals("UNREACHABLE") ? unreachable : a)
        .toArray(String[]::new);
    int exit = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), argv);
    assertThat(err.toString()).as(what).isEqualTo(line.replace("PORT", Integer.toString(closedPort)) + System.lineSeparator());
    assertThat(exit).as(what).isEqualTo(code);
    assertThat(out.toString()).as(what).isEmpty();
    // The simulated node and controllers keep writing (Lease renewals, Events); the command's writes would be the
    // kubeconfig's identity's.
    assertThat(ADMIN_WRITES.subList(before, ADMIN_WRITES.size())).as(what + ": mutating requests").isEmpty();
  }
}
