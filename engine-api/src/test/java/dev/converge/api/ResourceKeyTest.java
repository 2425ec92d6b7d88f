package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The string form of keys: stable, omits empty parts, parses back unambiguously. */
class ResourceKeyTest {

  @Test
  void toString_omitsEmptyGroupAndNamespace() {
    assertThat(new ResourceKey("apps", "DaemonSet", "datadog", "datadog-agent")).hasToString("apps/DaemonSet/datadog/datadog-agent");
    assertThat(new ResourceKey("", "ServiceAccount", "datadog", "agent")).hasToString("ServiceAccount/datadog/agent");
    assertThat(new ResourceKey("", "Namespace", "", "datadog")).hasToString("Namespace/datadog");
    assertThat(new ResourceKey("rbac.authorization.k8s.io", "ClusterRole", "", "agent"))
        .hasToString("rbac.authorization.k8s.io/ClusterRole/agent");
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "apps/DaemonSet/datadog/datadog-agent",
    "ServiceAccount/datadog/agent",
    "Namespace/datadog",
    "rbac.authorization.k8s.io/ClusterRole/system:agent",
    "apps/Deployment/default/web"
  })
  void parse_roundTrips(String text) {
    assertThat(ResourceKey.parse(text)).hasToString(text);
  }

  @Test
  void parse_distinguishesGroupFromKindByCase() {
    assertThat(ResourceKey.parse("Secret/default/token")).isEqualTo(new ResourceKey("", "Secret", "default", "token"));
    assertThat(ResourceKey.parse("apps/Deployment/web")).isEqualTo(new ResourceKey("apps", "Deployment", "", "web"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "web", "deployment/web/x/y/z", "apps//default/web", "apps/deployment/web/x"})
  void parse_rejectsMalformedKeys(String text) {
    assertThatThrownBy(() -> ResourceKey.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ordering_isByGroupKindNamespaceName() {
    ResourceKey a = ResourceKey.parse("ConfigMap/a/z");
    ResourceKey b = ResourceKey.parse("ConfigMap/b/a");
    ResourceKey c = ResourceKey.parse("apps/Deployment/a/a");
    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
  }
}
