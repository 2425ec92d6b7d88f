package dev.converge.examples.datadog.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.examples.datadog.render.AgentRbacRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RbacEscalationCheck} follows Kubernetes' escalation check, atom by atom. */
class RbacEscalationCheckTest {

  @Test
  void missingVerbGroupOrResource_isReportedPerAtom() {
    List<AgentRbacRule> held = List.of(AgentRbacRule.of("", List.of("pods"), List.of("get", "list")));
    assertThat(RbacEscalationCheck.uncovered(held, List.of(AgentRbacRule.of("", List.of("pods", "nodes"), List.of("get", "watch")))))
        .containsExactly("watch core/pods", "get core/nodes", "watch core/nodes");
    assertThat(RbacEscalationCheck.uncovered(held, List.of(AgentRbacRule.of("apps", List.of("pods"), List.of("get")))))
        .containsExactly("get apps/pods");
  }

  @Test
  void resourceNames_narrowWhatIsCovered() {
    List<AgentRbacRule> named = List.of(AgentRbacRule.named("", List.of("configmaps"), List.of("a"), List.of("get")));
    assertThat(RbacEscalationCheck.uncovered(named, List.of(AgentRbacRule.named("", List.of("configmaps"), List.of("a"), List.of("get"))))).isEmpty();
    assertThat(RbacEscalationCheck.uncovered(named, List.of(AgentRbacRule.named("", List.of("configmaps"), List.of("b"), List.of("get")))))
        .containsExactly("get core/configmaps/b");
    assertThat(RbacEscalationCheck.uncovered(named, List.of(AgentRbacRule.of("", List.of("configmaps"), List.of("get")))))
        .containsExactly("get core/configmaps");
    List<AgentRbacRule> all = List.of(AgentRbacRule.of("", List.of("configmaps"), List.of("get")));
    assertThat(RbacEscalationCheck.uncovered(all, List.of(AgentRbacRule.named("", List.of("configmaps"), List.of("b"), List.of("get"))))).isEmpty();
  }

  @Test
  void wildcards_coverAsKubernetesDoes() {
    List<AgentRbacRule> held = List.of(
        AgentRbacRule.of(List.of("*"), List.of("*/scale"), List.of("get")),
        AgentRbacRule.of("apps", List.of("*"), List.of("*")),
        AgentRbacRule.nonResource(List.of("/metrics*"), List.of("get")));
    assertThat(RbacEscalationCheck.uncovered(held, List.of(
        AgentRbacRule.of("apps", List.of("deployments/scale", "daemonsets"), List.of("delete", "get")),
        AgentRbacRule.of("batch", List.of("jobs/scale"), List.of("get")),
        AgentRbacRule.nonResource(List.of("/metrics", "/metrics/slis"), List.of("get"))))).isEmpty();
    assertThat(RbacEscalationCheck.uncovered(held, List.of(
        AgentRbacRule.of("batch", List.of("jobs"), List.of("get")),
        AgentRbacRule.nonResource(List.of("/healthz"), List.of("get")))))
        .containsExactly("get batch/jobs", "get /healthz");
  }

  @Test
  void resourceRules_neverCoverNonResourceUrls() {
    List<AgentRbacRule> held = List.of(AgentRbacRule.of(List.of("*"), List.of("*"), List.of("*")));
    assertThat(RbacEscalationCheck.uncovered(held, List.of(AgentRbacRule.nonResource(List.of("/version"), List.of("get")))))
        .containsExactly("get /version");
  }
}
