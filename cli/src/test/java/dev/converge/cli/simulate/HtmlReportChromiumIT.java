package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import dev.converge.cli.ActualState;
import dev.converge.cli.Converge;
import dev.converge.inmemory.sim.load.IdentityLoad;
import dev.converge.inmemory.sim.load.LoadReport;
import dev.converge.inmemory.sim.load.SloClass;
import dev.converge.inmemory.sim.load.SloResult;
import dev.converge.inmemory.sim.load.SloSeries;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTML report as a person sees it: a {@code --compare} report opened in headless Chromium (Debian's {@code
 * chromium}; {@code .ci/run} installs it), offline and with networking off. Chromium prints the DOM after the
 * page's script ran and takes a screenshot (kept in {@code target/html-report-it/} for a look). The properties:
 *
 * <ul>
 *   <li>the script drew every chart: requests by identity, latency against the SLOs, one rollout chart per
 *       workload and 429s, each once per variant ({@code <body data-rendered>} counts them);
 *   <li>each chart's SVG holds a drawn {@code <path class="series">} and a legend entry for every series of
 *       its data (every identity, every SLO class with requests, available and desired), and the latency
 *       chart the four SLO threshold lines;
 *   <li>the screenshot is a real picture: a PNG of the window's size with the charts' colours in it;
 *   <li>429s are drawn stacked, one area per throttled identity (a report written from a hand-made result).
 * </ul>
 *
 * Skips, saying so, only when no Chromium can be found on this machine (CI installs it).
 */
class HtmlReportChromiumIT {
  private static final Path OUT = Path.of("target/html-report-it").toAbsolutePath();
  private static final String INPUT = "src/test/resources/simulate/telemetry";
  private static final Pattern FIGURE = Pattern.compile("<figure class=\"chart\" data-chart=\"([a-z]+)\">(.*?)</figure>",
      Pattern.DOTALL);
  private static final Pattern PATH = Pattern.compile("<path class=\"series [a-z]+\" data-series=\"([^\"]*)\" d=\"([^\"]*)\"");

  private static Path chromium;
  private static Path report;
  private static JsonNode data;

  @BeforeAll
  static void openTheReport() throws IOException {
    Optional<Path> found = findChromium();
    Assumptions.assumeTrue(found.isPresent(), "SKIPPED: no Chromium found (looked at $CHROMIUM, /usr/bin/chromium, "
        + "chromium and chromium-browser on the PATH); install it with 'apt-get install -y chromium' (.ci/run does)");
    chromium = found.orElseThrow();
    Files.createDirectories(OUT);
    report = OUT.resolve("report.html");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(out, true), new PrintWriter(err, true),
        "simulate", "-f", INPUT, "--nodes", "3", "--duration", "3m", "--seed", "7",
        "--compare", "Deployment/collector-proxy:spec.replicas=3", "--report", report.toString());
    assertThat(code).as(err.toString()).isZero();
    data = HtmlReportTest.data(Files.readString(report, StandardCharsets.UTF_8));
  }

  @Test
  void everyChart_isDrawn_withEverySeriesOfItsData() throws Exception {
    String dom = chromium("dom", "--dump-dom", report.toUri().toString());
    Files.writeString(OUT.resolve("dom.html"), dom, StandardCharsets.UTF_8);
    int workloads = data.path("variants").get(0).path("rollouts").size();
    assertThat(workloads).isEqualTo(2);
    assertThat(dom).contains("data-rendered=\"" + (2 * (3 + workloads)) + "\"");

    List<String> charts = new ArrayList<>();
    List<Set<String>> seriesByChart = new ArrayList<>();
    Matcher figure = FIGURE.matcher(dom);
    while (figure.find()) {
      charts.add(figure.group(1));
      String body = figure.group(2);
      assertThat(body).as(figure.group(1)).contains("<svg");
      Set<String> drawn = new HashSet<>();
      Matcher path = PATH.matcher(body);
      while (path.find()) {
        // A drawn series moves to a first point and draws on from it.
        assertThat(path.group(2)).as("series %s of chart %s", path.group(1), figure.group(1)).matches("M[-0-9.,]+L.*");
        drawn.add(path.group(1));
      }
      for (String name : drawn) {
        assertThat(body).as("legend of %s", name).contains("<g class=\"legend-item\" data-series=\"" + name + "\"");
      }
      if (figure.group(1).equals("latency")) {
        assertThat(body.split("<line class=\"threshold\" data-threshold=", -1)).hasSize(5);
      }
      seriesByChart.add(drawn);
    }
    // Each section has one chart per variant, in page order.
    assertThat(charts).containsExactly("requests", "requests", "latency", "latency", "rollout", "rollout", "rollout",
        "rollout", "rejections", "rejections");
    for (int v = 0; v < 2; v++) {
      JsonNode variant = data.path("variants").get(v);
      assertThat(seriesByChart.get(v)).as("requests").isEqualTo(names(variant.path("requests")));
      // A class is drawn when the run has requests of it (a p99 in some minute); its threshold is drawn anyway.
      Set<String> slos = new HashSet<>();
      variant.path("slos").forEach(slo -> {
        for (JsonNode ms : slo.path("values")) {
          if (!ms.isNull()) {
            slos.add(slo.path("name").asText());
          }
        }
      });
      assertThat(slos).contains("mutating", "read-cluster");
      assertThat(seriesByChart.get(2 + v)).as("latency").isEqualTo(slos);
      assertThat(seriesByChart.get(4 + v)).as("rollout 1").containsExactlyInAnyOrder("available", "desired");
      assertThat(seriesByChart.get(6 + v)).as("rollout 2").containsExactlyInAnyOrder("available", "desired");
      // No request was rejected: the chart shows the zero line of all identities.
      assertThat(variant.path("rejectedTotal").asLong()).isZero();
      assertThat(seriesByChart.get(8 + v)).as("rejections").containsExactly("all identities");
    }
  }

  @Test
  void aRolloutThatNeverFinishes_saysWhyInTheSummary() throws Exception {
    Path stuck = OUT.resolve("stuck.html");
    int code = Converge.run(ActualState.emptyCluster(), new PrintWriter(new StringWriter(), true),
        new PrintWriter(new StringWriter(), true), "simulate", "-f", INPUT, "--nodes", "3", "--duration", "2m",
        "--seed", "7", "--missing-image", "example.com/collector:1.0", "--report", stuck.toString());
    assertThat(code).isZero();
    String dom = chromium("stuck", "--dump-dom", stuck.toUri().toString());
    assertThat(dom).contains("title=\"Back-off pulling image &quot;example.com/collector:1.0&quot;\">not available: 3 "
        + "ImagePullBackOff</td>");
  }

  @Test
  void screenshot_isAPictureOfTheCharts() throws Exception {
    Path png = OUT.resolve("report.png");
    Files.deleteIfExists(png);
    chromium("screenshot", "--window-size=1400,2400", "--screenshot=" + png, report.toUri().toString());
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG at " + png).isNotNull();
    assertThat(image.getWidth()).isEqualTo(1400);
    assertThat(image.getHeight()).isEqualTo(2400);
    // The first series colour (#4269d0) fills the stacked requests chart: plenty of its pixels.
    int blue = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        int r = rgb >> 16;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (b > 150 && r < 150 && g < 180 && b - r > 60) {
          blue++;
        }
      }
    }
    assertThat(blue).as("bluish pixels of the charts").isGreaterThan(1000);
  }

  @Test
  void rejections_areDrawnStackedPerIdentity() throws Exception {
    // A run whose agents were throttled (the shape of SimulateScenarioIT's overload, small enough to write
    // down): two identities with 429s in minutes 1 and 2 of 3.
    ImmutableList<Long> none = ImmutableList.of();
    IdentityLoad agents = new IdentityLoad("system:serviceaccount:telemetry:collector", 1, 900, 300, ImmutableSortedMap.of(
        "list", 900L), ImmutableSortedMap.of("list pods", 900L), 500, 0, 15_000_000_000L, ImmutableList.of(100L, 400L, 400L),
        ImmutableList.of(0L, 250L, 250L), 0, 0, 0, ImmutableSortedMap.of());
    IdentityLoad poller = new IdentityLoad("poller", 1, 60, 20, ImmutableSortedMap.of("get", 60L),
        ImmutableSortedMap.of("get nodes", 60L), 6, 0, 2_000_000L, ImmutableList.of(20L, 20L, 20L), ImmutableList.of(0L, 6L),
        0, 0, 0, ImmutableSortedMap.of());
    ImmutableList<SloSeries> series = ImmutableList.copyOf(java.util.Arrays.stream(SloClass.values())
        .map(slo -> new SloSeries(slo, none, none)).toList());
    ImmutableList<SloResult> slos = ImmutableList.copyOf(java.util.Arrays.stream(SloClass.values())
        .map(slo -> new SloResult(slo, 0, 0, false)).toList());
    LoadReport load = new LoadReport(0, 180_000_000_000L, 60_000_000_000L, 960, 506, ImmutableList.of(agents, poller), slos,
        series, ImmutableList.of(), ImmutableList.of(), 0);
    SimulationResult result = new SimulationResult(5000, 42, "0".repeat(64), 180, 1, "", "{}", ImmutableList.of(), load,
        ImmutableList.of());
    Path throttled = OUT.resolve("throttled.html");
    Files.writeString(throttled, HtmlReport.render(result), StandardCharsets.UTF_8);

    String dom = chromium("throttled", "--dump-dom", throttled.toUri().toString());
    Matcher figure = FIGURE.matcher(dom);
    String rejections = null;
    while (figure.find()) {
      if (figure.group(1).equals("rejections")) {
        rejections = figure.group(2);
      }
    }
    assertThat(rejections).as("the 429 chart").isNotNull();
    List<String> drawn = new ArrayList<>();
    Matcher path = PATH.matcher(rejections);
    while (path.find()) {
      assertThat(path.group(2)).matches("M[-0-9.,]+L.*Z");
      drawn.add(path.group(1));
    }
    assertThat(drawn).containsExactly("system:serviceaccount:telemetry:collector", "poller");
    assertThat(rejections).contains("506 requests answered 429");
  }

  private static Set<String> names(JsonNode rows) {
    Set<String> names = new HashSet<>();
    rows.forEach(row -> names.add(row.path("name").asText()));
    return names;
  }

  /** Runs headless Chromium on its own profile, offline, and returns its stdout. */
  private static String chromium(String name, String... args) throws IOException, InterruptedException {
    Path profile = Files.createDirectories(OUT.resolve("profile-" + name));
    List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path stdout = OUT.resolve(name + ".out");
    Path stderr = OUT.resolve(name + ".err");
    Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s: " + command);
    }
    assertThat(process.exitValue()).as("chromium exit code; stderr in " + stderr).isZero();
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  private static Optional<Path> findChromium() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("CHROMIUM");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    candidates.add(Path.of("/usr/bin/chromium"));
    String pathVar = System.getenv().getOrDefault("PATH", "");
    for (String dir : pathVar.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "chromium"));
        candidates.add(Path.of(dir, "chromium-browser"));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }
}
