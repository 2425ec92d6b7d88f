package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import dev.converge.inmemory.sim.load.SloClass;
import dev.converge.inmemory.sim.load.SloSeries;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge simulate --report FILE} on the small telemetry input (3 nodes, 2 simulated minutes, seed 7):
 *
 * <ul>
 *   <li>the page is self-contained: no element loads anything (no {@code src}, {@code href}, {@code <link>},
 *       {@code url(} or {@code @import}), and no address appears but the SVG namespace;
 *   <li>the data the script charts is the run's accounting, exactly: requests per identity per bucket summing
 *       to the JSON report's counts, each SLO class with its threshold, each workload's desired and available
 *       pods sampled over time;
 *   <li>with {@code --compare}, both variants are in the page;
 *   <li>a {@code </script>} in the user's input cannot end the data early;
 *   <li>stdout is what it is without {@code --report};
 *   <li>a DatadogAgent run charts the operator's DaemonSet and Cluster Agent and lists its notes.
 * </ul>
 *
 * That the charts are drawn from this data is {@link HtmlReportChromiumIT}'s job.
 */
class HtmlReportTest {
  private static final String INPUT = "src/test/resources/simulate/telemetry";
  private static final String DATA_START = "<script type=\"application/json\" id=\"converge-data\">";

  @TempDir Path dir;

  @Test
  void report_isSelfContained_nothingIsFetched() throws IOException {
    String html = report("--nodes", "3", "--duration", "2m", "--seed", "7");
    assertThat(html).startsWith("<!DOCTYPE html>");
    String lower = html.toLowerCase(java.util.Locale.ROOT);
    assertThat(lower).doesNotContain("src=", "href=", "<link", "url(", "@import", "<iframe", "<img");
    // document.createElementNS needs the SVG namespace's name; it is an identifier, never fetched.
    assertThat(lower.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http:", "https:", "ftp:", "//cdn");
    assertThat(html).contains("Content-Security-Policy\" content=\"default-src 'none'");
  }

  @Test
  void aRolloutThatNeverFinishes_carriesWhy() throws IOException {
    JsonNode daemonSet = data(report("--nodes", "3", "--duration", "2m", "--seed", "7", "--missing-image",
        "example.com/collector:1.0")).path("variants").get(0).path("rollouts").get(0);
    assertThat(daemonSet.path("availableAtSeconds").isNull()).isTrue();
    assertThat(daemonSet.path("notReady").toString()).isEqualTo("[{\"status\":\"ImagePullBackOff\",\"pods\":3,"
        + "\"example\":\"collector-5p9rg\",\"message\":\"Back-off pulling image \\\"example.com/collector:1.0\\\"\"}]");
  }

  @Test
  void data_isTheRunsAccounting_exactly() throws IOException {
    JsonNode variant = data(report("--nodes", "3", "--duration", "2m", "--seed", "7")).path("variants").get(0);
    assertThat(variant.path("requestsTotal").asLong()).isEqualTo(251);
    assertThat(variant.path("rejectedTotal").asLong()).isZero();
    assertThat(variant.path("bucketSeconds").asDouble()).isEqualTo(60.0);
    assertThat(variant.path("buckets").asInt()).isEqualTo(2);
    List<String> requests = new ArrayList<>();
    variant.path("requests").forEach(row -> requests.add(row.path("name").asText() + " " + row.path("values")));
    // The JSON report's byIdentity totals, split by minute: kubelets register, open their watches, start pods and
    // record their Events in the first minute, then renew leases; the agents' reads wait for their pods, and both
    // fall in the second minute with this seed.
    assertThat(requests).containsExactly(
        "system:node:* [122,18]",
        "system:kube-controller-manager [63]",
        "converge [22]",
        "system:kube-scheduler [18]",
        "system:serviceaccount:telemetry:collector-proxy [6]",
        "system:serviceaccount:telemetry:collector [0,2]");
    assertThat(variant.path("rejected")).isEmpty();
    List<String> slos = new ArrayList<>();
    variant.path("slos").forEach(slo -> slos.add(slo.path("name").asText() + " " + slo.path("thresholdMs").asLong()));
    assertThat(slos).containsExactly("mutating 1000", "read-resource 1000", "read-namespace 5000", "read-cluster 30000");
    // Reads of one object: the kubelets' GETs of their CSINode and Node and their LISTs of their own Node and of
    // kube-root-ca.crt by name (2 ms each) in the first minute, the agents' GETs of their node in the second.
    assertThat(variant.path("slos").get(1).path("values").toString()).isEqualTo("[2.022,1.022]");
    // A minute without requests of a class is a gap (null), not a zero latency.
    assertThat(HtmlReport.p99Values(new SloSeries(SloClass.READ_RESOURCE, ImmutableList.of(0L, 1L),
        ImmutableList.of(0L, 1_022_000L))).toString()).isEqualTo("[null,1.022]");
    assertThat(variant.path("slos").get(0).path("values").toString()).isEqualTo("[10.0,10.0]");
    JsonNode daemonSet = variant.path("rollouts").get(0);
    assertThat(daemonSet.path("name").asText()).isEqualTo("DaemonSet telemetry/collector");
    assertThat(daemonSet.path("availableAtSeconds").asDouble()).isEqualTo(11.048);
    // One sample at the start and one after each of the run's 100 steps.
    assertThat(daemonSet.path("seconds")).hasSize(101);
    assertThat(daemonSet.path("seconds").get(0).asDouble()).isEqualTo(0.0);
    assertThat(daemonSet.path("seconds").get(100).asDouble()).isEqualTo(120.0);
    assertThat(daemonSet.path("desired").get(0).asInt()).isZero();
    assertThat(daemonSet.path("desired").get(100).asInt()).isEqualTo(3);
    assertThat(daemonSet.path("available").get(100).asInt()).isEqualTo(3);
    assertThat(variant.path("rollouts").get(1).path("available").get(100).asInt()).isEqualTo(2);
  }

  @Test
  void compare_putsBothVariantsInThePage() throws IOException {
    JsonNode data = data(report("--nodes", "3", "--duration", "1m", "--compare", "Deployment/collector-proxy:spec.replicas=3"));
    assertThat(data.path("change").asText()).isEqualTo("--compare Deployment/collector-proxy:spec.replicas=3");
    assertThat(data.path("variants")).hasSize(2);
    assertThat(data.path("variants").get(0).path("label").asText()).isEqualTo("as given");
    assertThat(data.path("variants").get(1).path("label").asText())
        .isEqualTo("with --compare Deployment/collector-proxy:spec.replicas=3");
    assertThat(data.path("variants").get(1).path("rollouts").get(1).path("desired").get(100).asInt()).isEqualTo(3);
  }

  @Test
  void aScriptEndTagInTheInput_cannotEndTheDataEarly() throws IOException {
    String edit = "Deployment/collector-proxy:metadata.annotations.note=</script><b>x</b>";
    String html = report("--nodes", "1", "--duration", "10s", "--set", edit);
    // The page's own two scripts end; the user's text is written <\/script>, which JSON reads back as </script>.
    assertThat(html.split("</script>", -1)).hasSize(3);
    assertThat(data(html).path("variants").get(0).path("edits").get(0).asText()).isEqualTo("--set " + edit);
  }

  @Test
  void aDatadogAgentRun_chartsTheOperatorsWorkloads_andListsItsNotes() throws IOException {
    Path file = dir.resolve("dd.html");
    int code = Converge.commandLine(ActualState.emptyCluster(), new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), new java.util.concurrent.CountDownLatch(1), false,
        DatadogOperatorExtension.examples()).execute("simulate", "-f", "src/test/resources/examples/datadog-secret.yaml",
        "-f", "src/test/resources/examples/datadog-agent.yaml", "--nodes", "3", "--duration", "2m", "--report", file.toString());
    assertThat(code).isZero();
    JsonNode variant = data(Files.readString(file, StandardCharsets.UTF_8)).path("variants").get(0);
    List<String> rollouts = new ArrayList<>();
    variant.path("rollouts").forEach(r -> rollouts.add(r.path("name").asText()));
    assertThat(rollouts).containsExactly("DaemonSet default/datadog-agent", "Deployment default/datadog-cluster-agent");
    assertThat(variant.path("notes").get(0).asText())
        .isEqualTo("DatadogAgent default/datadog: agent Running (3/3/3), clusterAgent Running (1/1/1)");
  }

  @Test
  void stdout_isTheSameWithOrWithoutTheReport() {
    Path file = dir.resolve("r.html");
    Run with = run("simulate", "-f", INPUT, "--nodes", "1", "--duration", "10s", "--report", file.toString());
    Run without = run("simulate", "-f", INPUT, "--nodes", "1", "--duration", "10s");
    assertThat(with.code).isZero();
    assertThat(with.out.replaceAll("\\d+ ms of wall time", "")).isEqualTo(without.out.replaceAll("\\d+ ms of wall time", ""));
    assertThat(file).exists();
  }

  private String report(String... args) throws IOException {
    Path file = dir.resolve("report.html");
    List<String> all = new ArrayList<>(List.of("simulate", "-f", INPUT));
    all.addAll(List.of(args));
    all.addAll(List.of("--report", file.toString()));
    Run run = run(all.toArray(String[]::new));
    assertThat(run.code).as(run.err).isZero();
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  /** The JSON the page's script reads. */
  static JsonNode data(String html) {
    int start = html.indexOf(DATA_START) + DATA_START.length();
    return Json.parse(html.substring(start, html.indexOf("</script>", start)));
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}
}
