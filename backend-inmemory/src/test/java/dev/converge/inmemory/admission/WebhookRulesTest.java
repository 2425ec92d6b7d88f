package dev.converge.inmemory.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver's matching of a webhook rule's {@code resources} against a resource and subresource
 * ({@code k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules}).
 */
class WebhookRulesTest {

  private static boolean matches(String patterns, String resource, String subresource) {
    return WebhookRules.resourceMatches(Json.parse(patterns), resource, subresource);
  }

  @Test
  void aPlainResource_matchesItselfButNotItsSubresources() {
    assertThat(matches("[\"pods\"]", "pods", "")).isTrue();
    assertThat(matches("[\"pods\"]", "pods", "status")).isFalse();
    assertThat(matches("[\"pods\"]", "services", "")).isFalse();
  }

  @Test
  void wildcards_followKubernetesRules() {
    // A "*" subresource also matches no subresource: rules.Matcher compares sub == "*" || sub == opSub.
    assertThat(matches("[\"pods/*\"]", "pods", "binding")).isTrue();
    assertThat(matches("[\"pods/*\"]", "pods", "")).isTrue();
    assertThat(matches("[\"pods/*\"]", "services", "")).isFalse();
    assertThat(matches("[\"*\"]", "configmaps", "")).isTrue();
    assertThat(matches("[\"*\"]", "pods", "status")).isFalse();
    assertThat(matches("[\"*/*\"]", "pods", "status")).isTrue();
    assertThat(matches("[\"*/status\"]", "deployments", "status")).isTrue();
    assertThat(matches("[\"*/status\"]", "deployments", "scale")).isFalse();
  }

  @Test
  void noPatterns_matchNothing() {
    assertThat(matches("[]", "pods", "")).isFalse();
  }
}
