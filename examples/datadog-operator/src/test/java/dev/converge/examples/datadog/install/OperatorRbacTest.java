package dev.converge.examples.datadog.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.DesiredResource;
import dev.converge.api.GroupKind;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.examples.datadog.DatadogAgentReconciler;
import dev.converge.examples.datadog.DatadogFixtures;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import dev.converge.examples.datadog.model.DatadogAgent;
import dev.converge.examples.datadog.render.DesiredRenderer;
import dev.converge.examples.datadog.render.AgentRbacRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operator can never fail on RBAC escalation: its ClusterRole covers every rule of every Role and
 * ClusterRole that any combination of features and overrides renders (all 2^12 of them), and it may manage every
 * kind it owns.
 */
class OperatorRbacTest {
  private static final String[] SWITCHES = {
      "override.nodeAgent.disabled", "override.clusterAgent.disabled", "override.clusterChecksRunner.disabled",
      "features.clusterChecks.useClusterChecksRunners", "features.apm.enabled", "features.apm.instrumentation.enabled",
      "features.logCollection.enabled", "features.remoteConfiguration.enabled", "features.admissionController.enabled",
      "features.clusterChecks.enabled", "features.kubeStateMetricsCore.enabled", "features.eventCollection.collectKubernetesEvents"};

  /** Every combination of {@link #SWITCHES}, as decoded DatadogAgents. */
  static List<DatadogAgent> everyCombination() {
    List<DatadogAgent> all = new ArrayList<>();
    for (int bits = 0; bits < (1 << SWITCHES.length); bits++) {
      int mask = bits;
      all.add(DatadogAgentDecoder.decode(DatadogFixtures.minimalAgent("").edit(tree -> {
        for (int i = 0; i < SWITCHES.length; i++) {
          ObjectNode node = (ObjectNode) tree.path("spec");
          String[] path = SWITCHES[i].split("\\.");
          for (int j = 0; j < path.length - 1; j++) {
            node = node.withObjectProperty(path[j]);
          }
          node.put(path[path.length - 1], (mask & (1 << i)) != 0);
        }
      })));
    }
    return all;
  }

  static List<AgentRbacRule> grantedRules(DatadogAgent dda) {
    List<AgentRbacRule> rules = new ArrayList<>();
    for (DesiredResource entry : DesiredRenderer.resources(dda, "t")) {
      String kind = entry.key().kind();
      if (kind.equals("ClusterRole") || kind.equals("Role")) {
        for (JsonNode rule : entry.resource().json().path("rules")) {
          rules.add(new AgentRbacRule(strings(rule.path("apiGroups")), strings(rule.path("resources")),
              strings(rule.path("resourceNames")), strings(rule.path("nonResourceURLs")), strings(rule.path("verbs"))));
        }
      }
    }
    return rules;
  }

  private static ImmutableList<String> strings(JsonNode array) {
    ImmutableList.Builder<String> out = ImmutableList.builder();
    array.forEach(value -> out.add(value.asText()));
    return out.build();
  }

  @Test
  void operatorRules_coverEveryRuleAnyCombinationGrants() {
    Set<String> distinctRules = new LinkedHashSet<>();
    List<DatadogAgent> combinations = everyCombination();
    for (DatadogAgent dda : combinations) {
      List<AgentRbacRule> granted = grantedRules(dda);
      granted.forEach(rule -> distinctRules.add(rule.toString()));
      assertThat(RbacEscalationCheck.uncovered(OperatorRbac.rules(), granted)).as(dda.spec().toString()).isEmpty();
    }
    assertThat(combinations).hasSize(4096);
    // The combinations really exercise different grants (KSM, admission, events, no-cluster-agent reads, ...).
    assertThat(distinctRules.size()).isGreaterThan(25);
  }

  @Test
  void operatorRules_letItManageEveryOwnedKind() {
    List<AgentRbacRule> needed = new ArrayList<>();
    for (GroupKind kind : new DatadogAgentReconciler().ownedKinds()) {
      ResourceType type = ResourceTypes.builtins().find(kind).orElseThrow();
      needed.add(AgentRbacRule.of(kind.group(), List.of(type.plural()), List.of("create", "get", "list", "watch", "update", "patch", "delete")));
    }
    needed.add(AgentRbacRule.of("datadoghq.com", List.of("datadogagents"), List.of("get", "list", "watch", "update", "patch")));
    needed.add(AgentRbacRule.of("datadoghq.com", List.of("datadogagents/status"), List.of("update", "patch")));
    needed.add(AgentRbacRule.of("datadoghq.com", List.of("datadogagents/finalizers"), List.of("update")));
    assertThat(RbacEscalationCheck.uncovered(OperatorRbac.rules(), needed)).isEmpty();
  }
}
