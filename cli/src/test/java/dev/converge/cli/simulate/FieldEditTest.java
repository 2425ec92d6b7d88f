package dev.converge.cli.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.core.manifest.ManifestException;
import org.junit.jupiter.api.Test;

/**
 * {@code --set KIND/NAME:PATH=VALUE}: the target, a dotted path with list indexes, a YAML value (a string, a
 * number, an object), missing objects created on the way, and one-line errors naming the option.
 */
class FieldEditTest {
  private static final Resource DAEMON_SET = Resource.of(Json.parse("""
      {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"collector","namespace":"telemetry"},
       "spec":{"template":{"spec":{"containers":[{"name":"c","image":"a:1"}]}}}}"""));

  @Test
  void valuesAreYaml_pathsTakeIndexes_andMissingObjectsAreCreated() {
    Resource edited = FieldEdit.parse("--set", "DaemonSet/collector:spec.updateStrategy.rollingUpdate.maxUnavailable=10%")
        .apply(DAEMON_SET);
    assertThat(edited.json().at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asText()).isEqualTo("10%");
    edited = FieldEdit.parse("--set", "DaemonSet/collector:spec.template.spec.containers[0].image=b:2").apply(edited);
    assertThat(edited.json().at("/spec/template/spec/containers/0/image").asText()).isEqualTo("b:2");
    edited = FieldEdit.parse("--set", "DaemonSet/collector:spec.minReadySeconds=5").apply(edited);
    assertThat(edited.json().at("/spec/minReadySeconds").isInt()).isTrue();
    edited = FieldEdit.parse("--set", "DaemonSet/telemetry/collector:metadata.labels={tier: agents}").apply(edited);
    assertThat(edited.labels()).containsEntry("tier", "agents");
  }

  @Test
  void aDotInAFieldName_isEscaped_asHelmTakesIt() {
    Resource edited = FieldEdit.parse("--set",
        "DaemonSet/collector:spec.template.metadata.annotations.crash-after\\.sim\\.converge\\.dev/agent=30s")
        .apply(DAEMON_SET);
    assertThat(edited.json().at("/spec/template/metadata/annotations").toString())
        .isEqualTo("{\"crash-after.sim.converge.dev/agent\":\"30s\"}");
    assertThatThrownBy(() -> FieldEdit.parse("--set", "DaemonSet/collector:spec.a\\.b[7].c=1").apply(DAEMON_SET))
        .hasMessageContaining("spec.a\\.b");
  }

  @Test
  void aTarget_matchesKindName_andNamespaceWhenGiven() {
    assertThat(FieldEdit.parse("--set", "DaemonSet/collector:spec.x=1").matches(DAEMON_SET)).isTrue();
    assertThat(FieldEdit.parse("--set", "DaemonSet/telemetry/collector:spec.x=1").matches(DAEMON_SET)).isTrue();
    assertThat(FieldEdit.parse("--set", "DaemonSet/default/collector:spec.x=1").matches(DAEMON_SET)).isFalse();
    assertThat(FieldEdit.parse("--set", "Deployment/collector:spec.x=1").matches(DAEMON_SET)).isFalse();
  }

  @Test
  void mistakes_areOneLineErrorsNamingTheOption() {
    assertThatThrownBy(() -> FieldEdit.parse("--compare", "collector:spec.x=1"))
        .isInstanceOf(ManifestException.class)
        .hasMessage("--compare collector:spec.x=1: expected KIND/NAME or KIND/NAMESPACE/NAME before ':'");
    assertThatThrownBy(() -> FieldEdit.parse("--set", "DaemonSet/collector:spec..x=1"))
        .hasMessage("--set DaemonSet/collector:spec..x=1: PATH 'spec..x' is not a dotted path "
            + "(spec.template.spec.containers[0].image; a dot in a field name as \\., "
            + "metadata.annotations.example\\.com/key)");
    assertThatThrownBy(() -> FieldEdit.parse("--set", "DaemonSet/collector:spec.template.spec.containers[3].image=x")
        .apply(DAEMON_SET))
        .hasMessage("--set DaemonSet/collector:spec.template.spec.containers[3].image=x: spec.template.spec.containers "
            + "has no item 3");
    assertThatThrownBy(() -> FieldEdit.parse("--set", "DaemonSet/collector:spec.x=[unclosed"))
        .hasMessageStartingWith("--set DaemonSet/collector:spec.x=[unclosed: VALUE is not YAML: ");
  }
}
