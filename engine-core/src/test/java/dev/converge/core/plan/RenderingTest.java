package dev.converge.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import dev.converge.api.Observed;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renderings never show secret values, in resources or in field changes; the JSON follows issue 2's shape;
 * an empty plan says so; a cycle among live objects being deleted is reported like one among desired ones.
 */
class RenderingTest {
  private static final Planner PLANNER = Planner.defaults();

  @Test
  void secretValues_neverAppearInTextOrJson() {
    Resource desired = Manifests.yaml("""
        apiVersion: v1
        kind: Secret
        metadata: {name: creds, namespace: p}
        stringData: {password: new-hunter2}
        data: {token: bmV3LXRva2Vu}
        """);
    Resource live = ServerView.of(Manifests.yaml("""
        apiVersion: v1
        kind: Secret
        metadata: {name: creds, namespace: p}
        stringData: {password: old-hunter2}
        data: {token: b2xkLXRva2Vu}
        """), 1);
    Plan update = PLANNER.plan(DesiredGraph.builder().add(desired).build(), Observed.of(List.of(live)));
    Plan create = PLANNER.plan(DesiredGraph.builder().add(desired).build(), Observed.empty());
    for (Plan plan : List.of(update, create)) {
      for (String rendered : List.of(PlanPrinter.text(plan), PlanPrinter.json(plan))) {
        assertThat(rendered).doesNotContain("hunter2", "bmV3LXRva2Vu", "b2xkLXRva2Vu", "new-token");
      }
    }
    assertThat(PlanPrinter.text(update)).contains(
        "      data.token: \"(sensitive)\" \u2192 \"(sensitive)\"\n",
        "      stringData.password: (none) \u2192 \"(sensitive)\"\n");
  }

  @Test
  void json_hasTheIssueShapeWithNamespaceOmittedForClusterScopedObjects() {
    Plan plan = PLANNER.plan(DesiredGraph.builder()
        .add(Manifests.yaml("{apiVersion: v1, kind: Namespace, metadata: {name: team}}"))
        .add(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: team}}"))
        .build(), Observed.empty());
    var json = Json.parse(PlanPrinter.json(plan));
    var namespace = json.path("steps").get(0).path("actions").get(0);
    var configMap = json.path("steps").get(1).path("actions").get(0);
    assertThat(namespace.has("namespace")).isFalse();
    assertThat(Json.write(configMap)).isEqualTo("{\"action\":\"create\",\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"namespace\":\"team\",\"name\":\"c\",\"key\":\"ConfigMap/team/c\",\"reasons\":[\"not found\"],"
        + "\"after\":[\"Namespace/team\"],\"orderedBy\":[{\"prerequisite\":\"Namespace/team\",\"rule\":\"NAMESPACE\","
        + "\"explanation\":\"namespaced object\"}]}");
    assertThat(Json.write(json.path("summary"))).isEqualTo("{\"create\":2,\"update\":0,\"replace\":0,\"delete\":0,\"steps\":2}");
  }

  @Test
  void emptyPlan_rendersAsNoChanges() {
    assertThat(PlanPrinter.text(Plan.empty())).isEqualTo("No changes: the actual state matches the desired state.\n");
    assertThat(Json.write(Json.parse(PlanPrinter.json(Plan.empty()))))
        .isEqualTo("{\"steps\":[],\"summary\":{\"create\":0,\"update\":0,\"replace\":0,\"delete\":0,\"steps\":0}}");
  }

  @Test
  void deleteCycle_throughDependsOnAnnotations_isReported() {
    ResourceKey owner = ResourceKey.parse("example.com/App/p/app");
    DesiredGraph.Builder builder = DesiredGraph.builder().owner(owner);
    builder.add(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: p, annotations: {converge.dev/depends-on: ConfigMap/p/b}}}"));
    builder.add(Manifests.yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: p}}"));
    List<Resource> live = new java.util.ArrayList<>(GoldenPlanTest.applied(builder.build()));
    live.set(1, live.get(1).withAnnotation("converge.dev/depends-on", "ConfigMap/p/a"));
    assertThatThrownBy(() -> PLANNER.planTeardown(owner, Observed.of(live)))
        .isInstanceOf(DependencyCycleException.class)
        .hasMessage("dependency cycle: ConfigMap/p/a -> ConfigMap/p/b (explicit dependency (metadata.annotations[\"converge.dev/depends-on\"]))"
            + " -> ConfigMap/p/a (explicit dependency (metadata.annotations[\"converge.dev/depends-on\"]))");
  }
}
