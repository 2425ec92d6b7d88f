package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.inmemory.sim.load.IdentityLoad;
import dev.converge.inmemory.sim.load.LoadReport;
import dev.converge.inmemory.sim.load.SloResult;
import dev.converge.inmemory.sim.load.SloSeries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code --report FILE}: one self-contained HTML page — its style, its script and the run's data inline, nothing
 * fetched when it is opened, so that it can be mailed, attached to a ticket or opened offline years later. The
 * script draws the charts as SVG from the data: API-server requests per second stacked by identity, the p99
 * latency of each SLO class against its threshold, each workload's available and desired pods, and 429s per
 * second; with {@code --compare}, the two variants side by side on the same scales.
 */
final class HtmlReport {
  private static final String TEMPLATE = "report.html";

  private HtmlReport() {}

  /** The page of one run. */
  static String render(SimulationResult result) {
    return page(List.of(result), List.of("simulation"), "");
  }

  /** The page of a {@code --compare} run: the input as given, and with {@code change}. */
  static String compare(SimulationResult given, SimulationResult changed, String change) {
    return page(List.of(given, changed), List.of("as given", "with " + change), change);
  }

  private static String page(List<SimulationResult> results, List<String> labels, String change) {
    ObjectNode data = Json.object();
    data.put("change", change);
    ArrayNode variants = data.putArray("variants");
    for (int i = 0; i < results.size(); i++) {
      variants.add(variant(results.get(i), labels.get(i)));
    }
    // The data sits in a script element: "</" would end it early, so it is written as "<\/" (same JSON).
    String json = Json.write(data).replace("</", "<\\/");
    return resource(TEMPLATE)
        .replace("/*STYLE*/", resource("report.css"))
        .replace("/*SCRIPT*/", resource("report.js"))
        .replace("/*DATA*/", json);
  }

  static ObjectNode variant(SimulationResult result, String label) {
    LoadReport load = result.load();
    ObjectNode node = Json.object();
    node.put("label", label);
    node.put("nodes", result.nodes());
    node.put("seed", result.seed());
    node.put("traceHash", result.traceHash());
    node.put("simulatedSeconds", result.simulatedSeconds());
    node.put("requestsTotal", load.requestsTotal());
    node.put("rejectedTotal", load.rejectedTotal());
    ArrayNode edits = node.putArray("edits");
    result.edits().forEach(edits::add);
    node.put("bucketSeconds", load.bucketNanos() / 1e9);
    node.put("buckets", load.buckets());
    ArrayNode requests = node.putArray("requests");
    ArrayNode rejected = node.putArray("rejected");
    for (IdentityLoad row : load.identities()) {
      series(requests.addObject(), row.identity(), row.perBucket());
      if (row.rejected() > 0) {
        series(rejected.addObject(), row.identity(), row.rejectedPerBucket());
      }
    }
    ArrayNode slos = node.putArray("slos");
    for (SloSeries series : load.slosOverTime()) {
      SloResult whole = load.slo(series.slo());
      ObjectNode item = slos.addObject();
      item.put("name", series.slo().label());
      item.put("thresholdMs", series.slo().threshold().toMillis());
      item.put("p99Ms", Units.millis(whole.p99Nanos()));
      item.put("breached", whole.breached());
      item.set("values", p99Values(series));
    }
    // What extensions report (the DatadogAgent operator's status strings, …) and the custom resources they ran.
    ArrayNode notes = node.putArray("notes");
    result.notes().forEach(notes::add);
    for (Primary primary : result.primaries()) {
      StringBuilder line = new StringBuilder(primary.kind() + " " + (primary.namespace().isEmpty() ? "" : primary.namespace() + "/")
          + primary.name() + ":");
      primary.conditions().forEach(c -> line.append(' ').append(c.type()).append('=').append(c.status()));
      notes.add(line.toString());
    }
    ArrayNode rollouts = node.putArray("rollouts");
    for (int i = 0; i < result.rolloutOverTime().size(); i++) {
      RolloutSeries series = result.rolloutOverTime().get(i);
      Rollout rollout = result.rollout().get(i);
      ObjectNode item = rollouts.addObject();
      item.put("name", series.kind() + " " + series.namespace() + "/" + series.name());
      if (rollout.availableAtSeconds() == null) {
        item.putNull("availableAtSeconds");
      } else {
        item.put("availableAtSeconds", Units.round3(rollout.availableAtSeconds()));
      }
      // Why it is not available at the end, as the JSON report says it.
      item.set("notReady", StuckPods.json(rollout.notReady()));
      ArrayNode seconds = item.putArray("seconds");
      series.seconds().forEach(s -> seconds.add(Units.round3(s)));
      ArrayNode desired = item.putArray("desired");
      series.desired().forEach(desired::add);
      ArrayNode available = item.putArray("available");
      series.available().forEach(available::add);
    }
    return node;
  }

  private static void series(ObjectNode item, String name, ImmutableList<Long> perBucket) {
    item.put("name", name);
    ArrayNode values = item.putArray("values");
    perBucket.forEach(values::add);
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " beside " + HtmlReport.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A class's p99 per bucket, in milliseconds; a bucket without requests of the class has none: a gap (null), not a zero. */
  static ArrayNode p99Values(SloSeries series) {
    ArrayNode values = Json.array();
    for (int i = 0; i < series.p99NanosPerBucket().size(); i++) {
      if (series.requestsPerBucket().get(i) == 0) {
        values.addNull();
      } else {
        values.add(Units.millis(series.p99NanosPerBucket().get(i)));
      }
    }
    return values;
  }
}
