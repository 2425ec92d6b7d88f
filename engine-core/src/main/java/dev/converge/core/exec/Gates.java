package dev.converge.core.exec;

import dev.converge.api.Action;
import dev.converge.api.Edge;
import dev.converge.api.EdgeRule;
import dev.converge.api.Lookup;
import dev.converge.api.Observed;
import dev.converge.api.ReadyGate;
import dev.converge.api.Readiness;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates the readiness gates that hold an action, once per prerequisite per step. A gate looks at the live
 * prerequisite as this execution last saw it (its own write, or what the loop observed) and falls back to
 * the server for objects it has not seen (a Service's Endpoints). It never waits: a gate that is not met
 * makes the action WAITING and the control loop comes back later, as {@code kubectl wait} would poll.
 */
final class Gates {
  private final Backend backend;
  private final Map<ResourceKey, ReadyGate> gates;
  private final Observed state;
  private final Map<ResourceKey, Readiness> verdicts = new HashMap<>();

  Gates(Backend backend, Map<ResourceKey, ReadyGate> gates, Observed state) {
    this.backend = backend;
    this.gates = gates;
    this.state = state;
  }

  /**
   * Why {@code action} must wait, one line per unmet gate of its hard prerequisites (not those of the default
   * kind order); empty if it may run. Deletes never wait: taking something away needs nothing to be ready.
   *
   * @param requests receives the reads the evaluation made
   * @throws BackendException if a read fails
   */
  List<String> unmet(Action action, List<String> requests) {
    List<String> reasons = new ArrayList<>();
    if (action instanceof Action.Delete) {
      return reasons;
    }
    Set<ResourceKey> prerequisites = new LinkedHashSet<>();
    for (Edge edge : action.orderedBy()) {
      if (edge.rule() != EdgeRule.KIND_ORDER) { // a preference of order, not a dependency to wait for
        prerequisites.add(edge.prerequisite());
      }
    }
    for (ResourceKey prerequisite : prerequisites) {
      ReadyGate gate = gates.get(prerequisite);
      if (gate == null || prerequisite.equals(action.key())) {
        continue;
      }
      Readiness readiness = verdicts.get(prerequisite);
      if (readiness == null) {
        readiness = evaluate(prerequisite, gate, requests);
        verdicts.put(prerequisite, readiness);
      }
      if (!readiness.isReady()) {
        reasons.add("waiting for " + prerequisite + ": " + gate.describe() + ": " + readiness.reason());
      }
    }
    return reasons;
  }

  private Readiness evaluate(ResourceKey key, ReadyGate gate, List<String> requests) {
    Lookup cluster = other -> {
      Optional<Resource> seen = state.get(other);
      if (seen.isPresent()) {
        return seen;
      }
      requests.add("get " + other);
      try {
        return backend.get(other);
      } catch (BackendException.NotFound kindNotServed) {
        return Optional.empty();
      }
    };
    return cluster.get(key)
        .map(live -> gate.check(live, cluster))
        .orElseGet(() -> Readiness.notReady("does not exist"));
  }
}
