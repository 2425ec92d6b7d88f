package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Condition;
import dev.converge.api.Json;
import dev.converge.inmemory.sim.load.IdentityLoad;
import dev.converge.inmemory.sim.load.SloResult;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code --compare}: two runs side by side, the input as given and the input with one change. */
final class CompareReport {
  private CompareReport() {}

  static String text(SimulationResult given, SimulationResult changed, String change) {
    Table table = new Table("", "AS GIVEN", "WITH " + change);
    table.row("nodes", Integer.toString(given.nodes()), Integer.toString(changed.nodes()));
    table.row("simulated", Units.seconds(given.simulatedSeconds()), Units.seconds(changed.simulatedSeconds()));
    for (int i = 0; i < Math.max(given.rollout().size(), changed.rollout().size()); i++) {
      Rollout a = i < given.rollout().size() ? given.rollout().get(i) : null;
      Rollout b = i < changed.rollout().size() ? changed.rollout().get(i) : null;
      Rollout any = a != null ? a : b;
      table.row(any.kind() + " " + any.namespace() + "/" + any.name() + " available at", at(a), at(b));
    }
    Map<String, String[]> conditions = new LinkedHashMap<>();
    collect(conditions, given, 0);
    collect(conditions, changed, 1);
    conditions.forEach((row, cells) -> table.row(row, cells[0] == null ? "-" : cells[0], cells[1] == null ? "-" : cells[1]));
    table.row("API requests", Long.toString(given.load().requestsTotal()), Long.toString(changed.load().requestsTotal()));
    table.row("rejected (429)", Long.toString(given.load().rejectedTotal()), Long.toString(changed.load().rejectedTotal()));
    table.row("watch events sent", Long.toString(given.load().watchEventsTotal()),
        Long.toString(changed.load().watchEventsTotal()));
    Set<String> identities = new LinkedHashSet<>();
    given.load().identities().forEach(row -> identities.add(row.identity()));
    changed.load().identities().forEach(row -> identities.add(row.identity()));
    for (String identity : identities) {
      table.row(identity + " req/min", perMinute(given, identity), perMinute(changed, identity));
    }
    for (int i = 0; i < given.load().slos().size(); i++) {
      SloResult a = given.load().slos().get(i);
      SloResult b = changed.load().slos().get(i);
      table.row("p99 " + a.slo().label(), p99(a), p99(b));
    }
    table.row("SLO breaches", breaches(given), breaches(changed));
    table.row("trace hash", given.traceHash().substring(0, 16), changed.traceHash().substring(0, 16));
    return "Compare: the input as given and with " + change + "\n" + table.render("  ");
  }

  static String json(SimulationResult given, SimulationResult changed, String change) {
    ObjectNode root = Json.object();
    root.put("change", change);
    root.set("given", JsonReport.tree(given));
    root.set("changed", JsonReport.tree(changed));
    return Json.writePretty(root) + "\n";
  }

  /** One row per primary and condition type: {@code DatadogAgent default/datadog AgentReconcile} → {@code True reconcile_succeed}. */
  private static void collect(Map<String, String[]> rows, SimulationResult result, int column) {
    for (Primary primary : result.primaries()) {
      for (Condition condition : primary.conditions()) {
        String row = primary.kind() + " " + (primary.namespace().isEmpty() ? "" : primary.namespace() + "/")
            + primary.name() + " " + condition.type();
        rows.computeIfAbsent(row, r -> new String[2])[column] = condition.status()
            + (condition.reason().isEmpty() ? "" : " " + condition.reason());
      }
    }
  }

  private static String at(Rollout rollout) {
    if (rollout == null) {
      return "-";
    }
    if (rollout.availableAtSeconds() != null) {
      return Units.seconds(rollout.availableAtSeconds());
    }
    // The largest group of pods not ready says most of why: "never (0/3, 3 ImagePullBackOff)".
    String why = rollout.notReady().isEmpty() ? ""
        : ", " + rollout.notReady().get(0).pods() + " " + rollout.notReady().get(0).status();
    return "never (" + rollout.available() + "/" + rollout.desired() + why + ")";
  }

  private static String perMinute(SimulationResult result, String identity) {
    return result.load().identity(identity).map(IdentityLoad::perMinute).map(Units::rate).orElse("-");
  }

  private static String p99(SloResult slo) {
    return (slo.requests() == 0 ? "-" : Units.latency(slo.p99Nanos())) + (slo.breached() ? " BREACHED" : "");
  }

  private static String breaches(SimulationResult result) {
    String list = result.load().breaches().stream().map(s -> s.slo().label()).collect(Collectors.joining(", "));
    return list.isEmpty() ? "none" : list;
  }
}
