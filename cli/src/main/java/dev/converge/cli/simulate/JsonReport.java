package dev.converge.cli.simulate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Condition;
import dev.converge.api.Json;
import dev.converge.inmemory.sim.load.IdentityLoad;
import dev.converge.inmemory.sim.load.LevelStats;
import dev.converge.inmemory.sim.load.LoadReport;
import dev.converge.inmemory.sim.load.ProxyLoad;
import dev.converge.inmemory.sim.load.SloResult;

/**
 * The JSON report of one run ({@code -o json}): one object with {@code nodes}, {@code seed}, {@code traceHash},
 * {@code simulatedSeconds}, {@code wallMillis}, {@code rollout}, {@code primaries} ({@code kind, namespace, name, conditions: [{type, status, reason,
 * message}]}: the custom resources extensions reconciled), {@code apiServer} ({@code requestsTotal},
 * {@code rejectedTotal}, {@code byIdentity}, …), {@code sloBreaches}, and the plan, the proxies' load and the
 * priority levels besides.
 */
final class JsonReport {
  private JsonReport() {}

  static String render(SimulationResult result) {
    return Json.writePretty(tree(result)) + "\n";
  }

  static ObjectNode tree(SimulationResult result) {
    ObjectNode root = Json.object();
    root.put("nodes", result.nodes());
    root.put("seed", result.seed());
    root.put("traceHash", result.traceHash());
    root.put("simulatedSeconds", result.simulatedSeconds());
    root.put("wallMillis", result.wallMillis());
    ArrayNode edits = root.putArray("edits");
    result.edits().forEach(edits::add);
    ArrayNode rollout = root.putArray("rollout");
    for (Rollout r : result.rollout()) {
      ObjectNode item = rollout.addObject();
      item.put("kind", r.kind());
      item.put("namespace", r.namespace());
      item.put("name", r.name());
      item.put("desired", r.desired());
      item.put("available", r.available());
      if (r.availableAtSeconds() == null) {
        item.putNull("availableAtSeconds");
      } else {
        item.put("availableAtSeconds", Units.round3(r.availableAtSeconds()));
      }
      if (!r.notReady().isEmpty()) {
        item.set("notReady", StuckPods.json(r.notReady()));
      }
    }
    ArrayNode primaries = root.putArray("primaries");
    for (Primary primary : result.primaries()) {
      ObjectNode item = primaries.addObject();
      item.put("kind", primary.kind());
      item.put("namespace", primary.namespace());
      item.put("name", primary.name());
      ArrayNode conditions = item.putArray("conditions");
      for (Condition condition : primary.conditions()) {
        conditions.addObject().put("type", condition.type()).put("status", condition.status())
            .put("reason", condition.reason()).put("message", condition.message());
      }
    }
    ArrayNode notes = root.putArray("notes");
    result.notes().forEach(notes::add);
    root.set("apiServer", apiServer(result.load()));
    root.set("proxied", proxied(result.load()));
    ArrayNode breaches = root.putArray("sloBreaches");
    for (SloResult slo : result.load().breaches()) {
      breaches.add(slo(slo));
    }
    root.set("plan", Json.parse(result.planJson()));
    return root;
  }

  private static ObjectNode apiServer(LoadReport load) {
    ObjectNode node = Json.object();
    node.put("requestsTotal", load.requestsTotal());
    node.put("rejectedTotal", load.rejectedTotal());
    node.put("perMinute", Units.round3(load.requestsTotal() / Math.max(load.minutes(), 1e-9)));
    node.put("watchEventsTotal", load.watchEventsTotal());
    node.put("watchEventsPerMinute", Units.round3(load.watchEventsPerMinute()));
    ArrayNode identities = node.putArray("byIdentity");
    for (IdentityLoad row : load.identities()) {
      ObjectNode item = identities.addObject();
      item.put("identity", row.identity());
      item.put("clients", row.clients());
      item.put("requests", row.requests());
      item.put("perMinute", Units.round3(row.perMinute()));
      ObjectNode byVerb = item.putObject("perMinuteByVerb");
      row.byVerb().keySet().forEach(verb -> byVerb.put(verb, Units.round3(row.perMinute(verb))));
      ObjectNode counts = item.putObject("requestsByVerb");
      row.byVerb().forEach(counts::put);
      ObjectNode resources = item.putObject("requestsByResource");
      row.byResource().forEach(resources::put);
      ArrayNode series = item.putArray("requestsPerMinuteOverTime");
      row.perBucket().forEach(series::add);
      item.put("p99Ms", Units.millis(row.p99Nanos()));
      item.put("rejected", row.rejected());
      item.put("errors", row.errors());
      item.put("watchEvents", row.watchEvents());
      item.put("watchEventsPerMinute", Units.round3(row.watchEventsPerMinute()));
      item.put("watchBookmarks", row.watchBookmarks());
      ObjectNode events = item.putObject("watchEventsByResource");
      row.watchEventsByResource().forEach(events::put);
    }
    ArrayNode slos = node.putArray("slos");
    load.slos().forEach(slo -> slos.add(slo(slo)));
    ArrayNode levels = node.putArray("priorityLevels");
    for (LevelStats level : load.levels()) {
      ObjectNode item = levels.addObject();
      item.put("level", level.level());
      item.put("seats", level.seats());
      item.put("dispatched", level.dispatched());
      item.put("rejected", level.rejected());
      item.put("timedOut", level.timedOut());
      item.put("peakWaiting", level.peakWaiting());
      item.put("peakSeatsInUse", level.peakSeatsInUse());
    }
    return node;
  }

  private static ObjectNode proxied(LoadReport load) {
    ObjectNode node = Json.object();
    node.put("requestsTotal", load.proxiedTotal());
    ArrayNode rows = node.putArray("byProxy");
    for (ProxyLoad row : load.proxied()) {
      ObjectNode item = rows.addObject();
      item.put("proxy", row.proxy());
      item.put("identity", row.identity());
      item.put("requests", row.requests());
      item.put("perMinute", Units.round3(row.perMinute()));
      item.put("unavailable", row.unavailable());
    }
    return node;
  }

  private static ObjectNode slo(SloResult slo) {
    ObjectNode item = Json.object();
    item.put("class", slo.slo().label());
    item.put("requests", slo.requests());
    item.put("p99Ms", Units.millis(slo.p99Nanos()));
    item.put("thresholdMs", slo.slo().threshold().toMillis());
    item.put("breached", slo.breached());
    return item;
  }
}
