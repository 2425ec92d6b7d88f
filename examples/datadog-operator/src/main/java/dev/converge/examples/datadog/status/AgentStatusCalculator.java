package dev.converge.examples.datadog.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Conditions;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.ResourceKey;
import dev.converge.api.StatusContext;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.render.FeatureCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The DatadogAgent's {@code status}: the Datadog Operator's conditions and the per-component summaries, from the
 * live objects after a pass ({@link StatusContext#live()}), never from what the pass just wrote, so a freshly
 * created DaemonSet reads as what the server holds rather than an echo of the request. Conditions go through
 * {@link Conditions#set}, so {@code lastTransitionTime} moves only when a status flips and an unchanged state
 * produces an identical status, which the engine then does not write.
 */
public final class AgentStatusCalculator {
  public static final String RECONCILE_ERROR = "DatadogAgentReconcileError";
  public static final String AGENT = "AgentReconcile";
  public static final String CLUSTER_AGENT = "ClusterAgentReconcile";
  public static final String CLUSTER_CHECKS_RUNNER = "ClusterChecksRunnerReconcile";
  public static final String OVERRIDE_CONFLICT = "OverrideReconcileConflict";
  public static final String REASON_ERROR = "DatadogAgent_reconcile_error";
  public static final String REASON_OK = "DatadogAgent_reconcile_ok";
  public static final String MESSAGE_OK = "DatadogAgent reconcile ok";
  public static final String REASON_SUCCEED = "reconcile_succeed";
  public static final String MESSAGE_SUCCEED = "reconcile succeed";
  public static final String REASON_FAILED = "reconcile_failed";
  public static final String REASON_PENDING = "reconcile_pending";

  private AgentStatusCalculator() {}

  /** The status to hold after a pass. */
  public static ObjectNode compute(StatusContext<DatadogAgent> context) {
    JsonNode previous = context.primary().status();
    Instant now = context.now();
    Outcome outcome = context.outcome();
    Optional<DatadogAgent> decoded = context.decoded();
    String name = context.primary().name();
    String namespace = context.primary().namespace();

    JsonNode conditions = previous.path("conditions").isArray() ? previous.path("conditions") : Json.array();
    if (outcome instanceof Outcome.Invalid invalid) {
      conditions = Conditions.set(conditions, RECONCILE_ERROR, "True", REASON_ERROR, invalid.message(), now);
    } else if (outcome instanceof Outcome.Failed failed) {
      conditions = Conditions.set(conditions, RECONCILE_ERROR, "True", REASON_ERROR, String.join("; ", failed.errors()), now);
    } else {
      conditions = Conditions.set(conditions, RECONCILE_ERROR, "False", REASON_OK, MESSAGE_OK, now);
    }
    ObjectNode status = Json.object();
    if (decoded.isPresent() && !(outcome instanceof Outcome.Invalid)) {
      DatadogAgent dda = decoded.get();
      conditions = component(conditions, dda, ComponentName.NODE_AGENT, AGENT, context.live(), outcome, now);
      conditions = component(conditions, dda, ComponentName.CLUSTER_AGENT, CLUSTER_AGENT, context.live(), outcome, now);
      conditions = component(conditions, dda, ComponentName.CLUSTER_CHECKS_RUNNER, CLUSTER_CHECKS_RUNNER, context.live(), outcome, now);
      List<String> conflicts = FeatureCatalog.conflicts(dda.spec());
      conditions = conflicts.isEmpty()
          ? Conditions.set(conditions, OVERRIDE_CONFLICT, "False", "NoConflict", "", now)
          : Conditions.set(conditions, OVERRIDE_CONFLICT, "True", OVERRIDE_CONFLICT, String.join("; ", conflicts), now);
    }
    status.set("conditions", conditions);
    summaries(status, name, namespace, decoded, context.live());
    return status;
  }

  private static JsonNode component(JsonNode conditions, DatadogAgent dda, ComponentName component, String type,
      Observed live, Outcome outcome, Instant now) {
    if (!dda.spec().runs(component)) {
      return without(conditions, type);
    }
    ResourceKey key = workloadKey(dda.name(), dda.namespace(), component);
    if (outcome instanceof Outcome.Failed failed) {
      for (String error : failed.errors()) {
        if (error.contains(key.toString())) {
          return Conditions.set(conditions, type, "False", REASON_FAILED, error, now);
        }
      }
    }
    return live.contains(key)
        ? Conditions.set(conditions, type, "True", REASON_SUCCEED, MESSAGE_SUCCEED, now)
        : Conditions.set(conditions, type, "False", REASON_PENDING, key + " does not exist yet", now);
  }

  /** The summaries of the components that run, or, when the spec did not decode, of the workloads that exist. */
  private static void summaries(ObjectNode status, String name, String namespace, Optional<DatadogAgent> decoded, Observed live) {
    String[] fields = {"agent", "clusterAgent", "clusterChecksRunner"};
    ComponentName[] components = ComponentName.values();
    for (int i = 0; i < components.length; i++) {
      ComponentName component = components[i];
      ResourceKey key = workloadKey(name, namespace, component);
      boolean wanted = decoded.map(dda -> dda.spec().runs(component)).orElse(live.contains(key));
      if (wanted) {
        status.set(fields[i], component == ComponentName.NODE_AGENT
            ? WorkloadSummary.daemonSet(live.get(key))
            : WorkloadSummary.deployment(live.get(key)));
      }
    }
  }

  /** The workload of {@code component} for the DatadogAgent {@code name} in {@code namespace}. */
  public static ResourceKey workloadKey(String name, String namespace, ComponentName component) {
    return ResourceKey.namespaced("apps", component == ComponentName.NODE_AGENT ? "DaemonSet" : "Deployment", namespace,
        name + "-" + component.suffix());
  }

  private static JsonNode without(JsonNode conditions, String type) {
    ArrayNode result = Json.array();
    for (JsonNode condition : conditions) {
      if (!type.equals(condition.path("type").asText())) {
        result.add(condition.deepCopy());
      }
    }
    return result;
  }
}
