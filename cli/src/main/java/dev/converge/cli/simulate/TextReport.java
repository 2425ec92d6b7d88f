package dev.converge.cli.simulate;

import dev.converge.api.Condition;
import dev.converge.inmemory.sim.load.IdentityLoad;
import dev.converge.inmemory.sim.load.LoadReport;
import dev.converge.inmemory.sim.load.ProxyLoad;
import dev.converge.inmemory.sim.load.SloResult;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text report of one run: header, plan, rollout timeline, API-server load per identity (requests per
 * minute in total and by verb, p99, 429s), the events sent to its watches, reads answered by proxies, SLOs,
 * trace hash.
 */
final class TextReport {
  static final List<String> VERBS = List.of("get", "list", "watch", "create", "update", "patch", "delete");

  private TextReport() {}

  static String render(SimulationResult result) {
    StringBuilder out = new StringBuilder();
    out.append(header(result)).append("\n\n");
    out.append("Plan\n").append(indent(result.planText())).append('\n');
    out.append(rollout(result)).append('\n');
    if (!result.primaries().isEmpty()) {
      out.append(primaries(result)).append('\n');
    }
    if (!result.notes().isEmpty()) {
      out.append("At the end of the run\n");
      result.notes().forEach(line -> out.append("  ").append(line).append('\n'));
      out.append('\n');
    }
    out.append(load(result.load())).append('\n');
    out.append(slos(result.load()));
    out.append("\nTrace hash: ").append(result.traceHash()).append('\n');
    return out.toString();
  }

  static String header(SimulationResult result) {
    return String.format(Locale.ROOT, "Simulated %d nodes for %s (seed %d)%s in %d ms of wall time.", result.nodes(),
        Units.duration(Duration.ofMillis(Math.round(result.simulatedSeconds() * 1000))), result.seed(),
        result.edits().isEmpty() ? "" : " with " + String.join(", ", result.edits()), result.wallMillis());
  }

  static String rollout(SimulationResult result) {
    StringBuilder out = new StringBuilder("Rollout\n");
    if (result.rollout().isEmpty()) {
      return out.append("  (no DaemonSet, Deployment, StatefulSet or ReplicaSet in the input)\n").toString();
    }
    Table table = new Table("KIND", "NAMESPACE", "NAME", "AVAILABLE", "FULLY AVAILABLE AT");
    for (Rollout rollout : result.rollout()) {
      table.row(rollout.kind(), rollout.namespace(), rollout.name(), rollout.available() + "/" + rollout.desired(),
          rollout.availableAtSeconds() == null ? "never" : Units.seconds(rollout.availableAtSeconds()));
    }
    out.append(table.render("  "));
    boolean any = result.rollout().stream().anyMatch(r -> !r.notReady().isEmpty());
    if (any) {
      out.append("\nNot available at the end (kubectl get pods' STATUS)\n");
      for (Rollout rollout : result.rollout()) {
        if (rollout.notReady().isEmpty()) {
          continue;
        }
        out.append("  ").append(rollout.kind()).append(' ').append(rollout.namespace()).append('/')
            .append(rollout.name()).append('\n');
        Table stuck = new Table("STATUS", "PODS", "FOR EXAMPLE", "MESSAGE");
        for (StuckPods.Group group : rollout.notReady()) {
          stuck.row(group.status(), Integer.toString(group.pods()), group.example().isEmpty() ? "-" : group.example(),
              group.message().isEmpty() ? "-" : group.message());
        }
        out.append(stuck.render("    "));
      }
    }
    return out.toString();
  }

  /** The final conditions of every custom resource extensions reconciled, one row per condition. */
  static String primaries(SimulationResult result) {
    StringBuilder out = new StringBuilder("Custom resources (final status)\n");
    Table table = new Table("KIND", "NAMESPACE", "NAME", "CONDITION", "STATUS", "REASON", "MESSAGE");
    for (Primary primary : result.primaries()) {
      if (primary.conditions().isEmpty()) {
        table.row(primary.kind(), primary.namespace(), primary.name(), "(no conditions)", "", "", "");
      }
      for (Condition condition : primary.conditions()) {
        table.row(primary.kind(), primary.namespace(), primary.name(), condition.type(), condition.status(),
            condition.reason(), condition.message());
      }
    }
    return out.append(table.render("  ")).toString();
  }

  static String load(LoadReport load) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "API server: %d requests (%s/min), %d rejected with 429\n", load.requestsTotal(),
        Units.rate(load.requestsTotal() / Math.max(load.minutes(), 1e-9)), load.rejectedTotal()));
    Table table = new Table("IDENTITY", "CLIENTS", "REQ/MIN", "GET", "LIST", "WATCH", "CREATE", "UPDATE", "PATCH",
        "DELETE", "P99", "429");
    for (IdentityLoad row : load.identities()) {
      String[] cells = new String[12];
      cells[0] = row.identity();
      cells[1] = Integer.toString(row.clients());
      cells[2] = Units.rate(row.perMinute());
      for (int i = 0; i < VERBS.size(); i++) {
        cells[3 + i] = row.byVerb().containsKey(VERBS.get(i)) ? Units.rate(row.perMinute(VERBS.get(i))) : "-";
      }
      cells[10] = row.requests() == row.rejected() + row.byVerb().getOrDefault("watch", 0L) ? "-" : Units.latency(row.p99Nanos());
      cells[11] = Long.toString(row.rejected());
      table.row(cells);
    }
    out.append(table.render("  "));
    out.append(watchEvents(load));
    if (!load.proxied().isEmpty()) {
      out.append(String.format(Locale.ROOT, "\nAnswered by proxies instead of the API server: %d requests\n",
          load.proxiedTotal()));
      Table proxies = new Table("PROXY", "IDENTITY", "REQ/MIN", "UNAVAILABLE");
      for (ProxyLoad row : load.proxied()) {
        proxies.row(row.proxy(), row.identity(), Units.rate(row.perMinute()), Long.toString(row.unavailable()));
      }
      out.append(proxies.render("  "));
    }
    return out.toString();
  }

  /**
   * The events the API server sent to each identity's watches ({@code apiserver_watch_events_total} by watcher), busiest
   * first, with the three resources that sent the most; empty when none were sent.
   */
  static String watchEvents(LoadReport load) {
    List<IdentityLoad> rows = load.identities().stream().filter(row -> row.watchEvents() > 0)
        .sorted(Comparator.comparingLong(IdentityLoad::watchEvents).reversed().thenComparing(IdentityLoad::identity))
        .toList();
    if (rows.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "\nWatch events sent: %d (%s/min), BOOKMARKs included\n", load.watchEventsTotal(),
        Units.rate(load.watchEventsPerMinute())));
    Table table = new Table("IDENTITY", "EVENTS/MIN", "BOOKMARKS/MIN", "MOST EVENTS, PER MINUTE");
    for (IdentityLoad row : rows) {
      double perEvent = row.watchEventsPerMinute() / row.watchEvents();
      String busiest = row.watchEventsByResource().entrySet().stream()
          .filter(e -> e.getValue() > 0)
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(3)
          .map(e -> e.getKey() + " " + Units.rate(e.getValue() * perEvent))
          .collect(Collectors.joining(", "));
      table.row(row.identity(), Units.rate(row.watchEventsPerMinute()), Units.rate(row.watchBookmarks() * perEvent), busiest);
    }
    return out.append(table.render("  ")).toString();
  }

  static String slos(LoadReport load) {
    StringBuilder out = new StringBuilder("API latency SLOs (p99)\n");
    Table table = new Table("CLASS", "REQUESTS", "P99", "SLO", "");
    for (SloResult slo : load.slos()) {
      table.row(slo.slo().label(), Long.toString(slo.requests()), slo.requests() == 0 ? "-" : Units.latency(slo.p99Nanos()),
          "<= " + Units.duration(slo.slo().threshold()), slo.breached() ? "BREACHED" : "ok");
    }
    return out.append(table.render("  ")).toString();
  }

  private static String indent(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        out.append("  ").append(line);
      }
      out.append('\n');
    }
    return out.toString().stripTrailing() + "\n";
  }
}
