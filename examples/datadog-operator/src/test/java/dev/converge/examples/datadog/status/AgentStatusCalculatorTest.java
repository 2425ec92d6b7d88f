package dev.converge.examples.datadog.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Condition;
import dev.converge.api.Conditions;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Outcome;
import dev.converge.api.Resource;
import dev.converge.api.StatusContext;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.DatadogAgent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The DatadogAgent status: summaries and state strings computed by hand from DaemonSet and Deployment
 * counters; conditions with the Datadog Operator's types and reasons; {@code lastTransitionTime} moving only on
 * a flip; everything read from live objects.
 */
class AgentStatusCalculatorTest {
  private static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2025-01-01T00:05:00Z");
  private static final Instant T3 = Instant.parse("2025-01-01T00:10:00Z");

  record Ctx(Resource primary, Optional<DatadogAgent> decoded, Observed live, Outcome outcome, Instant now)
      implements StatusContext<DatadogAgent> {}

  private static Resource daemonSet(long desired, long current, long ready, long available, long updated) {
    return Resource.of(Json.parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"DaemonSet\",\"metadata\":{\"name\":\"datadog-agent\","
        + "\"namespace\":\"datadog\"},\"status\":{\"desiredNumberScheduled\":" + desired + ",\"currentNumberScheduled\":" + current
        + ",\"numberReady\":" + ready + ",\"numberAvailable\":" + available + ",\"updatedNumberScheduled\":" + updated + "}}"));
  }

  private static Resource deployment(long replicas, long ready, long updated, long available, String conditions) {
    return Resource.of(Json.parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"datadog-cluster-agent\","
        + "\"namespace\":\"datadog\"},\"status\":{\"replicas\":" + replicas + ",\"readyReplicas\":" + ready + ",\"updatedReplicas\":"
        + updated + ",\"availableReplicas\":" + available + ",\"conditions\":" + conditions + "}}"));
  }

  private static ObjectNode status(Resource primary, Observed live, Outcome outcome, Instant now) {
    Optional<DatadogAgent> decoded;
    try {
      decoded = Optional.of(DatadogAgentDecoder.decode(primary));
    } catch (dev.converge.api.InvalidSpecException e) {
      decoded = Optional.empty();
    }
    return AgentStatusCalculator.compute(new Ctx(primary, decoded, live, outcome, now));
  }

  private static Resource withStatus(Resource primary, JsonNode status) {
    return primary.edit(tree -> tree.set("status", status.deepCopy()));
  }

  private static Condition condition(JsonNode status, String type) {
    return Conditions.find(status.path("conditions"), type).orElseThrow(() -> new AssertionError("no condition " + type));
  }

  @Test
  void daemonSetSummary_runningUpdatingProgressingFailed() {
    assertThat(WorkloadSummary.daemonSet(Optional.of(daemonSet(5000, 5000, 5000, 5000, 5000)))).isEqualTo(Json.parse(
        "{\"desired\":5000,\"current\":5000,\"ready\":5000,\"available\":5000,\"upToDate\":5000,\"state\":\"Running\","
            + "\"status\":\"Running (5000/5000/5000)\",\"daemonsetName\":\"datadog-agent\"}"));
    assertThat(WorkloadSummary.daemonSet(Optional.of(daemonSet(5000, 5000, 4990, 4990, 4200))).path("status").asText())
        .isEqualTo("Updating (5000/4990/4200)");
    assertThat(WorkloadSummary.daemonSet(Optional.of(daemonSet(3, 3, 0, 0, 3))).path("status").asText())
        .isEqualTo("Progressing (3/0/3)");
    assertThat(WorkloadSummary.daemonSet(Optional.of(daemonSet(0, 0, 0, 0, 0))).path("status").asText())
        .isEqualTo("Running (0/0/0)");
    assertThat(WorkloadSummary.daemonSet(Optional.empty())).isEqualTo(Json.parse("{\"state\":\"Failed\",\"status\":\"Failed\"}"));
  }

  @Test
  void deploymentSummary_runningUpdatingProgressingFailed() {
    assertThat(WorkloadSummary.deployment(Optional.of(deployment(1, 1, 1, 1, "[]")))).isEqualTo(Json.parse(
        "{\"replicas\":1,\"readyReplicas\":1,\"updatedReplicas\":1,\"availableReplicas\":1,\"state\":\"Running\","
            + "\"status\":\"Running (1/1/1)\",\"deploymentName\":\"datadog-cluster-agent\"}"));
    assertThat(WorkloadSummary.deployment(Optional.of(deployment(2, 1, 1, 1, "[]"))).path("status").asText())
        .isEqualTo("Updating (2/1/1)");
    assertThat(WorkloadSummary.deployment(Optional.of(deployment(1, 0, 1, 0, "[]"))).path("status").asText())
        .isEqualTo("Progressing (1/0/1)");
    assertThat(WorkloadSummary.deployment(Optional.of(deployment(1, 0, 1, 0,
        "[{\"type\":\"ReplicaFailure\",\"status\":\"True\"}]"))).path("status").asText()).isEqualTo("Failed (1/0/1)");
    assertThat(WorkloadSummary.deployment(Optional.empty()).path("state").asText()).isEqualTo("Failed");
  }

  @Test
  void converged_reportsEveryConditionAndLiveSummaries() {
    Resource primary = DatadogFixtures.exampleAgent();
    Observed live = Observed.of(List.of(daemonSet(5000, 5000, 5000, 5000, 5000), deployment(1, 1, 1, 1, "[]")));
    ObjectNode status = status(primary, live, Outcome.converged(), T1);
    assertThat(status.path("conditions")).isEqualTo(Json.parse("["
        + "{\"type\":\"DatadogAgentReconcileError\",\"status\":\"False\",\"lastTransitionTime\":\"2025-01-01T00:00:00Z\","
        + "\"reason\":\"DatadogAgent_reconcile_ok\",\"message\":\"DatadogAgent reconcile ok\"},"
        + "{\"type\":\"AgentReconcile\",\"status\":\"True\",\"lastTransitionTime\":\"2025-01-01T00:00:00Z\","
        + "\"reason\":\"reconcile_succeed\",\"message\":\"reconcile succeed\"},"
        + "{\"type\":\"ClusterAgentReconcile\",\"status\":\"True\",\"lastTransitionTime\":\"2025-01-01T00:00:00Z\","
        + "\"reason\":\"reconcile_succeed\",\"message\":\"reconcile succeed\"},"
        + "{\"type\":\"OverrideReconcileConflict\",\"status\":\"False\",\"lastTransitionTime\":\"2025-01-01T00:00:00Z\","
        + "\"reason\":\"NoConflict\"}]"));
    assertThat(status.path("agent").path("status").asText()).isEqualTo("Running (5000/5000/5000)");
    assertThat(status.path("clusterAgent").path("status").asText()).isEqualTo("Running (1/1/1)");
    assertThat(status.has("clusterChecksRunner")).isFalse();
  }

  @Test
  void summaries_comeFromLiveObjectsOnly() {
    Resource primary = DatadogFixtures.exampleAgent();
    ObjectNode before = status(primary, Observed.empty(), new Outcome.Progressing(ImmutableList.of()), T1);
    assertThat(before.path("agent").path("state").asText()).isEqualTo("Failed");
    assertThat(condition(before, "AgentReconcile").status()).isEqualTo("False");
    assertThat(condition(before, "AgentReconcile").reason()).isEqualTo("reconcile_pending");
    ObjectNode after = status(primary, Observed.of(List.of(daemonSet(10, 10, 4, 4, 10))), new Outcome.Progressing(ImmutableList.of()), T2);
    assertThat(after.path("agent").path("status").asText()).isEqualTo("Running (10/4/10)");
  }

  @Test
  void lastTransitionTime_movesOnlyOnAFlip() {
    Resource primary = DatadogFixtures.exampleAgent();
    Observed live = Observed.of(List.of(daemonSet(3, 3, 3, 3, 3), deployment(1, 1, 1, 1, "[]")));
    ObjectNode first = status(primary, live, Outcome.converged(), T1);
    ObjectNode second = status(withStatus(primary, first), live, Outcome.converged(), T2);
    assertThat(second).isEqualTo(first);
    ObjectNode failed = status(withStatus(primary, second), live,
        new Outcome.Failed(ImmutableList.of("apps/Deployment/datadog/datadog-cluster-agent: 409 Conflict")), T3);
    assertThat(condition(failed, "DatadogAgentReconcileError").lastTransitionTime()).isEqualTo("2025-01-01T00:10:00Z");
    assertThat(condition(failed, "DatadogAgentReconcileError").status()).isEqualTo("True");
    assertThat(condition(failed, "ClusterAgentReconcile").reason()).isEqualTo("reconcile_failed");
    assertThat(condition(failed, "ClusterAgentReconcile").message()).isEqualTo("apps/Deployment/datadog/datadog-cluster-agent: 409 Conflict");
    assertThat(condition(failed, "AgentReconcile").lastTransitionTime()).isEqualTo("2025-01-01T00:00:00Z");
  }

  @Test
  void invalidSpec_setsTheErrorConditionWithTheValidationMessage() {
    Resource invalid = DatadogFixtures.agent("datadog", "  global:\n    site: datadoghq.eu\n");
    ObjectNode status = status(invalid, Observed.empty(),
        Outcome.invalid("credentials not configured in the DatadogAgent, can't reconcile"), T1);
    Condition error = condition(status, "DatadogAgentReconcileError");
    assertThat(error.status()).isEqualTo("True");
    assertThat(error.reason()).isEqualTo("DatadogAgent_reconcile_error");
    assertThat(error.message()).isEqualTo("credentials not configured in the DatadogAgent, can't reconcile");
    assertThat(status.path("conditions").size()).isEqualTo(1);
  }

  @Test
  void invalidSpec_keepsThePreviousComponentConditions() {
    Resource valid = DatadogFixtures.exampleAgent();
    Observed live = Observed.of(List.of(daemonSet(3, 3, 3, 3, 3), deployment(1, 1, 1, 1, "[]")));
    ObjectNode good = status(valid, live, Outcome.converged(), T1);
    Resource broken = withStatus(valid, good).edit(tree -> tree.withObjectProperty("spec").withObjectProperty("global").remove("credentials"));
    ObjectNode bad = status(broken, live, Outcome.invalid("credentials not configured in the DatadogAgent, can't reconcile"), T2);
    assertThat(condition(bad, "AgentReconcile")).isEqualTo(condition(good, "AgentReconcile"));
    assertThat(condition(bad, "DatadogAgentReconcileError").lastTransitionTime()).isEqualTo("2025-01-01T00:05:00Z");
    assertThat(bad.path("agent").path("status").asText()).isEqualTo("Running (3/3/3)");
  }

  @Test
  void disabledClusterAgent_dropsItsConditionAndReportsTheConflict() {
    Resource primary = DatadogFixtures.minimalAgent("  override:\n    clusterAgent:\n      disabled: true\n");
    ObjectNode status = status(primary, Observed.of(List.of(daemonSet(3, 3, 3, 3, 3))), Outcome.converged(), T1);
    assertThat(Conditions.find(status.path("conditions"), "ClusterAgentReconcile")).isEmpty();
    Condition conflict = condition(status, "OverrideReconcileConflict");
    assertThat(conflict.status()).isEqualTo("True");
    assertThat(conflict.reason()).isEqualTo("OverrideReconcileConflict");
    assertThat(conflict.message()).startsWith("features.admissionController requires clusterAgent");
    assertThat(status.has("clusterAgent")).isFalse();
  }
}
