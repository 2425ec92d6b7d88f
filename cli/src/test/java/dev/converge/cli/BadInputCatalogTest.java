package dev.converge.cli;

import static dev.converge.cli.CliRun.converge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.examples.datadog.install.OperatorInstall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input a CLI user can give {@code plan}, {@code simulate} and {@code serve} (those that fail
 * before a socket opens; {@code ServeBadInputIT} has the rest), each checked exactly: one line on stderr with the
 * cause and, where there is one, the file, document and field; exit code 2; nothing on stdout; nothing written
 * (no HTML report, no kubeconfig). Files, flags, manifests of built-in kinds, DatadogAgent specs (against the
 * operator's own CRD), NodePool and WorkloadProfile specs, {@code --set}/{@code --compare} expressions.
 * {@code --verbose} adds the stack trace after the same first line.
 */
class BadInputCatalogTest {
  private static final String BAD = "src/test/resources/bad/catalog/";
  private static final String TELEMETRY = "src/test/resources/simulate/telemetry";
  private static final Path WORK = Path.of("target/bad-input");
  /** The DatadogAgent CRD exactly as the example operator installs it. */
  private static final String CRD = "target/bad-input/datadog-crd.json";
  private static final String REPORT = "target/bad-input/report.html";
  private static final String KUBECONFIG = "target/bad-input/kubeconfig";

  @BeforeAll
  static void writeTheCrd() throws IOException {
    Files.createDirectories(WORK);
    Files.writeString(Path.of(CRD), Json.writePretty(OperatorInstall.crd().json()), StandardCharsets.UTF_8);
  }

  static Stream<Arguments> badInputs() {
    return Stream.of(
        // files
        bad("a missing file", "error: " + BAD + "nope.yaml: no such file or directory", "plan", "-f", BAD + "nope.yaml"),
        bad("a directory without manifests", "error: " + BAD + "empty-dir: no .yaml, .yml or .json files in this directory",
            "plan", "-f", BAD + "empty-dir"),
        bad("a binary file", "error: " + BAD + "binary.yaml: document 1: line 1, column 1: special characters are not allowed",
            "plan", "-f", BAD + "binary.yaml"),
        bad("truncated JSON", "error: " + BAD + "bad-json.json: document 1: line 2, column 1: expected the node content, but found"
            + " '<stream end>' (while parsing a flow node at line 2, column 1)", "plan", "-f", BAD + "bad-json.json"),
        bad("a YAML list instead of an object", "error: " + BAD + "list-doc.yaml: document 1: expected a Kubernetes object (a"
            + " mapping with apiVersion, kind and metadata), got a list", "plan", "-f", BAD + "list-doc.yaml"),
        // manifests
        bad("no apiVersion", "error: " + BAD + "no-apiversion.yaml: document 1: apiVersion: is required",
            "plan", "-f", BAD + "no-apiversion.yaml"),
        bad("no metadata.name", "error: " + BAD + "no-name.yaml: document 1: metadata.name: is required",
            "plan", "-f", BAD + "no-name.yaml"),
        bad("negative replicas", "error: " + BAD + "neg-replicas.yaml: document 1: spec.replicas: invalid value: -2: must be"
            + " greater than or equal to 0", "plan", "-f", BAD + "neg-replicas.yaml"),
        bad("replicas as a word", "error: " + BAD + "replicas-string.yaml: document 1: spec.replicas: invalid value: \"three\":"
            + " must be an integer", "plan", "-f", BAD + "replicas-string.yaml"),
        bad("a misspelled field of a built-in kind", "error: " + BAD + "deployment-unknown-field.yaml: document 1:"
            + " spec.template.spec.containers[0].imagePullPolicyy: unknown field", "plan", "-f", BAD + "deployment-unknown-field.yaml"),
        bad("a ConfigMap value that is a list", "error: " + BAD + "data-not-string.yaml: document 1: data[a]: invalid value:"
            + " [1,2]: must be a string (quote it)", "plan", "-f", BAD + "data-not-string.yaml"),
        bad("a selector that does not match the template", "error: " + BAD + "selector-mismatch.yaml: document 1:"
            + " spec.template.metadata.labels: invalid value: map[string]string{\"app\":\"b\"}: `selector` does not match"
            + " template `labels`", "plan", "-f", BAD + "selector-mismatch.yaml"),
        // DatadogAgent specs, with the operator's CRD in the input
        bad("a DatadogAgent field of the wrong type", "error: " + BAD + "datadog-agent-bad-spec.yaml: document 1:"
            + " spec.features.logCollection.enabled: must be of type boolean, not string (\"maybe\")",
            "plan", "-f", CRD, "-f", BAD + "datadog-agent-bad-spec.yaml"),
        bad("a misspelt DatadogAgent field", "error: " + BAD + "datadog-agent-unknown-field.yaml: document 1: spec.featurs:"
            + " unknown field (allowed: features, global, override)",
            "plan", "-f", CRD, "-f", BAD + "datadog-agent-unknown-field.yaml"),
        bad("a DatadogAgent version the CRD does not serve", "error: " + BAD + "datadog-agent-v9.yaml: document 1: apiVersion:"
            + " version 'datadoghq.com/v9' is not served by CustomResourceDefinition datadogagents.datadoghq.com"
            + " (target/bad-input/datadog-crd.json document 1), which serves v2alpha1", "plan", "-f", CRD, "-f", BAD + "datadog-agent-v9.yaml"),
        bad("a DatadogAgent without a name", "error: " + BAD + "datadog-agent-no-name.yaml: document 1: metadata.name: is required",
            "plan", "-f", BAD + "datadog-agent-no-name.yaml"),
        bad("a DatadogAgent with an invalid name", "error: " + BAD + "datadog-agent-bad-name.yaml: document 1: metadata.name:"
            + " 'Datadog_Agent' is invalid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters,"
            + " '-' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", "plan", "-f", BAD + "datadog-agent-bad-name.yaml"),
        bad("a DatadogAgent served by no CRD", "error: " + BAD + "datadog-agent-no-crd.yaml: document 1: kind: no"
            + " CustomResourceDefinition in the input defines datadoghq.com/DatadogAgent (apiVersion datadoghq.com/v2alpha1),"
            + " and the simulated cluster starts empty: add the CRD to the files",
            "serve", "--kubeconfig", KUBECONFIG, "-f", BAD + "datadog-agent-no-crd.yaml"),
        bad("a DatadogAgent applied without its CRD", "error: " + BAD + "datadog-agent-no-crd.yaml: document 1: kind: no"
            + " CustomResourceDefinition in the input defines datadoghq.com/DatadogAgent (apiVersion datadoghq.com/v2alpha1),"
            + " and the in-memory cluster starts empty: add the CRD to the files",
            "apply", "-f", BAD + "datadog-agent-no-crd.yaml"),
        // flags
        bad("an unknown option", "error: unknown option: '--frobnicate' (see 'converge plan --help')",
            "plan", "--frobnicate", "-f", BAD + "no-name.yaml"),
        bad("no -f", "error: missing required option: '--filename=FILE' (see 'converge plan --help')", "plan"),
        bad("an unknown output format", "error: invalid value for option '--output': expected one of [text, json]"
            + " (case-insensitive) but was 'yaml' (see 'converge simulate --help')", "simulate", "-f", TELEMETRY, "-o", "yaml"),
        bad("a misspelt command", "error: unmatched arguments from index 0: 'simulat', '-f', 'x' (did you mean simulate or plan?)"
            + " (see 'converge --help')", "simulat", "-f", "x"),
        bad("a duration without unit", "error: --duration 'soon': not a positive duration (write 90s, 15m, 1h30m)",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--duration", "soon"),
        bad("nodes as a word", "error: invalid value for option '--nodes': 'many' is not an int (see 'converge simulate --help')",
            "simulate", "-f", TELEMETRY, "--nodes", "many"),
        bad("negative nodes", "error: --nodes -1: must be between 0 and 100000", "simulate", "-f", TELEMETRY, "--nodes", "-1"),
        bad("a seed that is not a number", "error: invalid value for option '--seed': 'abc' is not a long"
            + " (see 'converge simulate --help')", "simulate", "-f", TELEMETRY, "--nodes", "3", "--seed", "abc"),
        bad("a report in a missing directory", "error: --report target/bad-input/missing/r.html: directory "
            + WORK.toAbsolutePath().resolve("missing") + " does not exist",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--report", "target/bad-input/missing/r.html"),
        bad("a report path that is a directory", "error: --report target/bad-input: is a directory (name the HTML file to write)",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--report", "target/bad-input"),
        bad("serve on port 70000", "error: --port 70000: must be between 0 and 65535 (0 picks a free port)",
            "serve", "--kubeconfig", KUBECONFIG, "--port", "70000"),
        bad("serve on port abc", "error: invalid value for option '--port': 'abc' is not an int (see 'converge serve --help')",
            "serve", "--kubeconfig", KUBECONFIG, "--port", "abc"),
        bad("serve at no speed", "error: --speed 0: must be above 0 and at most 1000", "serve", "--kubeconfig", KUBECONFIG,
            "--speed", "0"),
        bad("serve too fast", "error: --speed 1500.5: must be above 0 and at most 1000", "serve", "--kubeconfig", KUBECONFIG,
            "--speed", "1500.5"),
        bad("serve negative nodes", "error: --nodes -1: must be between 0 and 100000", "serve", "--kubeconfig", KUBECONFIG,
            "--nodes", "-1"),
        bad("a webhook service without a namespace", "error: --webhook-service hooks=127.0.0.1:9443: must be"
            + " NAMESPACE/NAME=HOST:PORT, such as system/webhook-service=127.0.0.1:9443",
            "serve", "--kubeconfig", KUBECONFIG, "--webhook-service", "hooks=127.0.0.1:9443"),
        bad("a webhook service without a port", "error: --webhook-service system/hooks=127.0.0.1: address \"127.0.0.1\" must"
            + " be HOST:PORT with a port between 1 and 65535",
            "serve", "--kubeconfig", KUBECONFIG, "--webhook-service", "system/hooks=127.0.0.1"),
        bad("a webhook service with an invalid name", "error: --webhook-service system/Hooks=127.0.0.1:9443: Service name"
            + " \"Hooks\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
            + " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used"
            + " for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", "serve", "--kubeconfig", KUBECONFIG, "--webhook-service", "system/Hooks=127.0.0.1:9443"),
        bad("plain text under a Secret's data", "error: " + BAD + "secret-plain-data.yaml: document 1: data.password: illegal"
            + " base64 data at input byte 6 (values under data are base64; plain text goes under stringData)",
            "plan", "-f", BAD + "secret-plain-data.yaml"),
        bad("serve an invalid manifest", "error: " + BAD + "neg-replicas.yaml: document 1: spec.replicas: invalid value: -2: must"
            + " be greater than or equal to 0", "serve", "--kubeconfig", KUBECONFIG, "-f", BAD + "neg-replicas.yaml"),
        // NodePool / WorkloadProfile specs and the nodes to simulate
        bad("no nodes at all", "error: no nodes to simulate: give --nodes N or a NodePool (sim.converge.dev/v1alpha1)",
            "simulate", "-f", TELEMETRY),
        bad("--nodes beside NodePools", "error: --nodes cannot be combined with NodePool objects (found NodePool/worker): set the"
            + " pools' spec.count instead", "simulate", "-f", TELEMETRY, "-f", "src/test/resources/simulate/pools.yaml", "--nodes", "3"),
        bad("a NodePool with a negative count", "error: " + BAD + "pool-neg.yaml: document 1: spec.count: must be between 0 and"
            + " 100000, not -3", "simulate", "-f", TELEMETRY, "-f", BAD + "pool-neg.yaml"),
        bad("a NodePool label a kubelet may not set", "error: " + BAD + "pool-node-role.yaml: document 1:"
            + " spec.labels.node-role.kubernetes.io/worker: a kubelet may not set this label on its Node (the kubelet"
            + " refuses such --node-labels, and the NodeRestriction admission plugin would refuse the Node): labels in"
            + " the kubernetes.io and k8s.io namespaces must begin with an allowed prefix (kubelet.kubernetes.io,"
            + " node.kubernetes.io) or be one of kubernetes.io/hostname, topology.kubernetes.io/zone,"
            + " topology.kubernetes.io/region, failure-domain.beta.kubernetes.io/zone,"
            + " failure-domain.beta.kubernetes.io/region, beta.kubernetes.io/instance-type,"
            + " node.kubernetes.io/instance-type, kubernetes.io/os, kubernetes.io/arch, beta.kubernetes.io/os,"
            + " beta.kubernetes.io/arch", "simulate", "-f", TELEMETRY, "-f", BAD + "pool-node-role.yaml"),
        bad("a WorkloadProfile with an unknown field", "error: src/test/resources/simulate/bad/unknown-field.yaml: document 1:"
            + " spec.requests[0].evry: unknown field (allowed: every, resource, scope, verb, via)",
            "simulate", "-f", "src/test/resources/simulate/bad/unknown-field.yaml", "--nodes", "1"),
        bad("a WorkloadProfile period that is not a duration", "error: " + BAD + "profile-every.yaml: document 1:"
            + " spec.requests[0].every: not a duration: 'often' (write 15s, 5m, 1h30m, 500ms)",
            "simulate", "-f", TELEMETRY, "-f", BAD + "profile-every.yaml", "--nodes", "1"),
        bad("a WorkloadProfile verb Kubernetes does not have", "error: " + BAD + "profile-verb.yaml: document 1:"
            + " spec.requests[0].verb: must be one of create, get, list, patch, update, watch, not 'yell'",
            "simulate", "-f", TELEMETRY, "-f", BAD + "profile-verb.yaml", "--nodes", "1"),
        // --set / --compare expressions
        bad("--set on an object not in the input", "error: --set DaemonSet/nope:spec.x=1: no DaemonSet named nope in the input",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--set", "DaemonSet/nope:spec.x=1"),
        bad("--set without a value", "error: --set DaemonSet/collector:spec.x: expected KIND/NAME:PATH=VALUE",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--set", "DaemonSet/collector:spec.x"),
        bad("--set renaming the object", "error: --set DaemonSet/collector:metadata.name=x: metadata.name names the object and"
            + " cannot be changed", "simulate", "-f", TELEMETRY, "--nodes", "3", "--set", "DaemonSet/collector:metadata.name=x"),
        bad("--set with a value that is not YAML", "error: --set Deployment/collector-proxy:spec.replicas=[oops: VALUE is not YAML:"
            + " expected ',' or ']', but got <stream end> at column 6 (while parsing a flow sequence)",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--set", "Deployment/collector-proxy:spec.replicas=[oops"),
        bad("--set making the object invalid", "error: --set Deployment/collector-proxy:spec.replicas=-1: spec.replicas: invalid"
            + " value: -1: must be greater than or equal to 0",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--set", "Deployment/collector-proxy:spec.replicas=-1"),
        bad("--compare without KIND/NAME", "error: --compare nope: expected KIND/NAME:PATH=VALUE",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--compare", "nope"),
        bad("--compare on an object not in the input", "error: --compare Deployment/nope:spec.replicas=2: no Deployment named nope"
            + " in the input", "simulate", "-f", TELEMETRY, "--nodes", "3", "--compare", "Deployment/nope:spec.replicas=2"),
        bad("--compare making the object invalid", "error: --compare Deployment/collector-proxy:spec.replicas=three: spec.replicas:"
            + " invalid value: \"three\": must be an integer",
            "simulate", "-f", TELEMETRY, "--nodes", "3", "--compare", "Deployment/collector-proxy:spec.replicas=three"));
  }

  private static Arguments bad(String what, String line, String... args) {
    return Arguments.of(what, line, List.of(args));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInput_isOneLine_exitCode2_andNothingIsDone(String what, String line, List<String> args) throws IOException {
    Files.deleteIfExists(Path.of(REPORT));
    Files.deleteIfExists(Path.of(KUBECONFIG));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    // A stop latch already released: should serve ever accept bad input, it returns instead of serving forever.
    int code = Converge.commandLine(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true),
        new CountDownLatch(0)).execute(args.toArray(String[]::new));
    CliRun run = new CliRun(code, out.toString(), err.toString());
    assertThat(run.err()).as(what).isEqualTo(line + System.lineSeparator());
    assertThat(run.exitCode()).as(what).isEqualTo(2);
    assertThat(run.out()).as(what).isEmpty();
    assertThat(Path.of(KUBECONFIG)).as(what + ": no kubeconfig written").doesNotExist();
    assertThat(Path.of(REPORT)).as(what + ": no report written").doesNotExist();
  }

  @Test
  void theCatalog_hasAtLeastThirtyKinds_acrossPlanSimulateAndServe() {
    List<Arguments> all = badInputs().toList();
    assertThat(all).hasSizeGreaterThanOrEqualTo(30);
    List<String> commands = all.stream().map(a -> (String) ((List<?>) a.get()[2]).get(0)).distinct().toList();
    assertThat(commands).contains("plan", "simulate", "serve");
  }

  @Test
  void verbose_addsTheStackTrace_underTheSameLine() {
    CliRun run = converge("simulate", "--verbose", "-f", TELEMETRY, "--nodes", "3", "--set",
        "Deployment/collector-proxy:spec.replicas=-1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    List<String> lines = run.err().lines().toList();
    assertThat(lines.get(0)).isEqualTo("error: --set Deployment/collector-proxy:spec.replicas=-1: spec.replicas: invalid value:"
        + " -1: must be greater than or equal to 0");
    assertThat(lines.get(1)).startsWith("dev.converge.core.manifest.ManifestException: ");
    assertThat(lines.get(2)).startsWith("\tat dev.converge.");
  }
}
