package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import org.junit.jupiter.api.Test;

/** REST paths for the core group, named groups, namespaced and cluster-scoped kinds. */
class PathsTest {
  private final Paths paths = new Paths(s -> s.replace(" ", "%20"));

  private static ResourceType type(String group, String kind) {
    return ResourceTypes.builtins().find(GroupKind.of(group, kind)).orElseThrow();
  }

  @Test
  void coreNamespaced() {
    ResourceType pods = type("", "Pod");
    assertThat(paths.collection(pods, "ns")).isEqualTo("/api/v1/namespaces/ns/pods");
    assertThat(paths.collection(pods, null)).isEqualTo("/api/v1/pods");
    assertThat(paths.item(pods, ResourceKey.parse("Pod/ns/p"))).isEqualTo("/api/v1/namespaces/ns/pods/p");
    assertThat(paths.status(pods, ResourceKey.parse("Pod/ns/p"))).isEqualTo("/api/v1/namespaces/ns/pods/p/status");
  }

  @Test
  void groupClusterScoped_ignoresNamespace() {
    ResourceType roles = type("rbac.authorization.k8s.io", "ClusterRole");
    assertThat(paths.collection(roles, "ns")).isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles");
    assertThat(paths.item(roles, ResourceKey.parse("rbac.authorization.k8s.io/ClusterRole/view")))
        .isEqualTo("/apis/rbac.authorization.k8s.io/v1/clusterroles/view");
  }

  @Test
  void names_areEscaped() {
    assertThat(paths.item(type("", "Namespace"), ResourceKey.parse("Namespace/a b"))).isEqualTo("/api/v1/namespaces/a%20b");
  }
}
