package dev.converge.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kubernetes' version priority, with the example list from {@code k8s.io/apimachinery/pkg/version}. */
class KubeVersionsTest {

  @Test
  void priority_matchesKubernetesOrder() {
    List<String> versions = new ArrayList<>(List.of(
        "foo10", "v1", "v3beta1", "v11alpha2", "v10beta3", "v12alpha1", "v2", "foo1", "v11beta2", "v10"));
    versions.sort(KubeVersions.PRIORITY);

    assertThat(versions).containsExactly(
        "v10", "v2", "v1", "v11beta2", "v10beta3", "v3beta1", "v12alpha1", "v11alpha2", "foo1", "foo10");
  }

  @Test
  void sameMajorBeta_higherMinorFirst() {
    assertThat(KubeVersions.compare("v1beta2", "v1beta1")).isNegative();
    assertThat(KubeVersions.compare("v1", "v1")).isZero();
  }
}
