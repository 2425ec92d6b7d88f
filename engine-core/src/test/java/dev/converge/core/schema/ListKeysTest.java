package dev.converge.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The list-merge table follows the markers of {@code k8s.io/api}. */
class ListKeysTest {
  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  @Test
  void podTemplateLists() {
    assertThat(ListKeys.of(DEPLOYMENT, List.of("spec", "template", "spec", "containers")).keys()).containsExactly("name");
    assertThat(ListKeys.of(DEPLOYMENT, List.of("spec", "template", "spec", "containers", "env")).keys()).containsExactly("name");
    assertThat(ListKeys.of(DEPLOYMENT, List.of("spec", "template", "spec", "volumes")).keys()).containsExactly("name");
    assertThat(ListKeys.of(DEPLOYMENT, List.of("spec", "template", "spec", "initContainers", "volumeMounts")).keys())
        .containsExactly("mountPath");
    ListType ports = ListKeys.of(DEPLOYMENT, List.of("spec", "template", "spec", "containers", "ports"));
    assertThat(ports.keys()).containsExactly("containerPort", "protocol");
    assertThat(ports.keyDefaults()).containsEntry("protocol", "TCP");
    assertThat(ports.patchMergeKey()).isEqualTo("containerPort");
    assertThat(ListKeys.of(DEPLOYMENT, List.of("spec", "template", "spec", "tolerations")).kind()).isEqualTo(ListType.Kind.ATOMIC);
  }

  @Test
  void servicePortsAreKeyedByPortAndProtocol() {
    assertThat(ListKeys.of(GroupKind.of("", "Service"), List.of("spec", "ports")).keys()).containsExactly("port", "protocol");
  }

  @Test
  void metadataListsOfEveryKind() {
    GroupKind custom = GroupKind.of("datadoghq.com", "DatadogAgent");
    assertThat(ListKeys.of(custom, List.of("metadata", "finalizers")).kind()).isEqualTo(ListType.Kind.SET);
    assertThat(ListKeys.of(custom, List.of("metadata", "ownerReferences")).keys()).containsExactly("uid");
    assertThat(ListKeys.of(custom, List.of("spec", "containers")).kind()).isEqualTo(ListType.Kind.ATOMIC);
  }
}
