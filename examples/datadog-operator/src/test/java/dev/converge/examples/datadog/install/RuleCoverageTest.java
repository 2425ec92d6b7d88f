package dev.converge.examples.datadog.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.examples.datadog.render.RbacRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RuleCoverage} follows Kubernetes' escalation check, atom by atom. */
class RuleCoverageTest {

  @Test
  void missingVerbGroupOrResource_isReportedPerAtom() {
    List<RbacRule> held = List.of(RbacRule.of("", List.of("pods"), List.of("get", "list")));
    assertThat(RuleCoverage.uncovered(held, List.of(RbacRule.of("", List.of("pods", "nodes"), List.of("get", "watch")))))
        .containsExactly("watch core/pods", "get core/nodes", "watch core/nodes");
    assertThat(RuleCoverage.uncovered(held, List.of(RbacRule.of("apps", List.of("pods"), List.of("get")))))
        .containsExactly("get apps/pods");
  }

  @Test
  void resourceNames_narrowWhatIsCovered() {
    List<RbacRule> named = List.of(RbacRule.named("", List.of("configmaps"), List.of("a"), List.of("get")));
    assertThat(RuleCoverage.uncovered(named, List.of(RbacRule.named("", List.of("configmaps"), List.of("a"), List.of("get"))))).isEmpty();
    assertThat(RuleCoverage.uncovered(named, List.of(RbacRule.named("", List.of("configmaps"), List.of("b"), List.of("get")))))
        .containsExactly("get core/configmaps/b");
    assertThat(RuleCoverage.uncovered(named, List.of(RbacRule.of("", List.of("configmaps"), List.of("get")))))
        .containsExactly("get core/configmaps");
    List<RbacRule> all = List.of(RbacRule.of("", List.of("configmaps"), List.of("get")));
    assertThat(RuleCoverage.uncovered(all, List.of(RbacRule.named("", List.of("configmaps"), List.of("b"), List.of("get"))))).isEmpty();
  }

  @Test
  void wildcards_coverAsKubernetesDoes() {
    List<RbacRule> held = List.of(
        RbacRule.of(List.of("*"), List.of("*/scale"), List.of("get")),
        RbacRule.of("apps", List.of("*"), List.of("*")),
        RbacRule.nonResource(List.of("/metrics*"), List.of("get")));
    assertThat(RuleCoverage.uncovered(held, List.of(
        RbacRule.of("apps", List.of("deployments/scale", "daemonsets"), List.of("delete", "get")),
        RbacRule.of("batch", List.of("jobs/scale"), List.of("get")),
        RbacRule.nonResource(List.of("/metrics", "/metrics/slis"), List.of("get"))))).isEmpty();
    assertThat(RuleCoverage.uncovered(held, List.of(
        RbacRule.of("batch", List.of("jobs"), List.of("get")),
        RbacRule.nonResource(List.of("/healthz"), List.of("get")))))
        .containsExactly("get batch/jobs", "get /healthz");
  }

  @Test
  void resourceRules_neverCoverNonResourceUrls() {
    List<RbacRule> held = List.of(RbacRule.of(List.of("*"), List.of("*"), List.of("*")));
    assertThat(RuleCoverage.uncovered(held, List.of(RbacRule.nonResource(List.of("/version"), List.of("get")))))
        .containsExactly("get /version");
  }
}
