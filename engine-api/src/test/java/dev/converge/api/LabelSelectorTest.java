package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label selector syntax and semantics, as {@code k8s.io/apimachinery/pkg/labels}. */
class LabelSelectorTest {

  private static final Map<String, String> WEB_PROD = Map.of("app", "web", "env", "prod");

  @Test
  void equalityAndSetBasedRequirements() {
    assertThat(LabelSelector.parse("app=web").matches(WEB_PROD)).isTrue();
    assertThat(LabelSelector.parse("app==web,env!=dev").matches(WEB_PROD)).isTrue();
    assertThat(LabelSelector.parse("env in (prod, staging)").matches(WEB_PROD)).isTrue();
    assertThat(LabelSelector.parse("env notin (prod)").matches(WEB_PROD)).isFalse();
    assertThat(LabelSelector.parse("app,!legacy").matches(WEB_PROD)).isTrue();
    assertThat(LabelSelector.parse("!app").matches(WEB_PROD)).isFalse();
  }

  @Test
  void negativeRequirementsMatchObjectsWithoutTheLabel() {
    assertThat(LabelSelector.parse("tier!=db").matches(WEB_PROD)).isTrue();
    assertThat(LabelSelector.parse("tier notin (db)").matches(WEB_PROD)).isTrue();
  }

  @Test
  void emptySelectorMatchesEverything() {
    assertThat(LabelSelector.parse("").isEverything()).isTrue();
    assertThat(LabelSelector.parse("  ").matches(Map.of())).isTrue();
  }

  @Test
  void fromJson_readsMatchLabelsAndExpressions() {
    LabelSelector s = LabelSelector.fromJson(Json.parse(
        "{\"matchLabels\":{\"app\":\"web\"},\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"prod\",\"qa\"]}]}"));
    assertThat(s.matches(WEB_PROD)).isTrue();
    assertThat(s).hasToString("app=web,env in (prod,qa)");
  }

  @Test
  void toString_parsesBack() {
    LabelSelector s = LabelSelector.parse("a=b,c in (x,y),!d,e,f notin (g,h)");
    assertThat(LabelSelector.parse(s.toString())).isEqualTo(s);
  }

  @Test
  void parse_reportsThePosition() {
    assertThatThrownBy(() -> LabelSelector.parse("app ~ web"))
        .hasMessageContaining("position")
        .hasMessageContaining("app ~ web");
  }

  @Test
  void fieldSelector_equalsAndNotEquals() {
    Resource pod = Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}"));
    assertThat(FieldSelector.parse("spec.nodeName=n1,status.phase!=Failed").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.nodeName==n2").matches(pod)).isFalse();
    assertThat(FieldSelector.parse("metadata.name=p").requiredValue("metadata.name")).contains("p");
  }
}
