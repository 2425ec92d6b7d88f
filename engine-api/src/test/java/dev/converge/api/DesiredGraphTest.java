package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Properties of {@link DesiredGraph#builder()}: every problem reported at once, explicit cycles named edge by
 * edge, owned resources stamped with the owner's label, annotation and (where allowed) owner reference.
 */
class DesiredGraphTest {

  static Resource configMap(String ns, String name) {
    return Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"}}"));
  }

  static Resource clusterRole(String name) {
    return Resource.of(Json.parse(
        "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRole\",\"metadata\":{\"name\":\"" + name + "\"}}"));
  }

  static Resource primary() {
    return Resource.of(Json.parse(
        "{\"apiVersion\":\"example.com/v1\",\"kind\":\"App\",\"metadata\":{\"name\":\"shop\",\"namespace\":\"prod\",\"uid\":\"u-1\"}}"));
  }

  @Test
  void build_reportsEveryProblem() {
    DesiredGraph.Builder builder = DesiredGraph.builder()
        .add(configMap("prod", "a"))
        .add(configMap("prod", "a"))
        .add(configMap("prod", "Bad_Name"))
        .add(DesiredResource.of(configMap("prod", "c")).dependsOn(ResourceKey.parse("ConfigMap/prod/missing")));
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(InvalidGraphException.class, e -> assertThat(e.problems())
            .extracting(GraphProblem::toString)
            .containsExactly(
                "ConfigMap/prod/a: duplicate resource: ConfigMap/prod/a is already in the graph",
                "ConfigMap/prod/Bad_Name metadata.name: metadata.name 'Bad_Name' is invalid: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                "ConfigMap/prod/c dependsOn: depends on ConfigMap/prod/missing, which is not in the graph"));
  }

  @Test
  void build_namesEveryMemberOfAnExplicitCycle() {
    ResourceKey a = ResourceKey.parse("ConfigMap/prod/a");
    ResourceKey b = ResourceKey.parse("ConfigMap/prod/b");
    ResourceKey c = ResourceKey.parse("ConfigMap/prod/c");
    DesiredGraph.Builder builder = DesiredGraph.builder()
        .add(DesiredResource.of(configMap("prod", "a")).dependsOn(b))
        .add(DesiredResource.of(configMap("prod", "b")).dependsOn(c))
        .add(DesiredResource.of(configMap("prod", "c")).dependsOn(a));
    assertThatThrownBy(builder::build)
        .isInstanceOf(DependencyCycleException.class)
        .hasMessage("dependency cycle: ConfigMap/prod/a -> ConfigMap/prod/c (explicit dependency)"
            + " -> ConfigMap/prod/b (explicit dependency) -> ConfigMap/prod/a (explicit dependency)");
  }

  @Test
  void build_stampsOwnedResourcesWithTheOwner() {
    DesiredGraph graph = DesiredGraph.builder()
        .owner(primary())
        .add(configMap("prod", "settings"))
        .add(configMap("other", "elsewhere"))
        .add(clusterRole("reader"))
        .add(DesiredResource.of(configMap("prod", "shared")).unowned())
        .build();
    String label = Ownership.labelValue(primary().key());

    Resource settings = graph.get(ResourceKey.parse("ConfigMap/prod/settings")).orElseThrow().resource();
    assertThat(settings.labels()).containsEntry(Ownership.OWNER_LABEL, label);
    assertThat(settings.annotations()).containsEntry(Ownership.OWNER_ANNOTATION, "example.com/App/prod/shop");
    assertThat(settings.ownerReferences()).containsExactly(new OwnerReference("example.com/v1", "App", "shop", "u-1", true, true));
    assertThat(Ownership.isOwnedBy(settings, primary().key())).isTrue();

    // Kubernetes ignores owner references across namespaces and from cluster-scoped dependents to namespaced owners.
    assertThat(graph.get(ResourceKey.parse("ConfigMap/other/elsewhere")).orElseThrow().resource().ownerReferences()).isEmpty();
    Resource role = graph.get(ResourceKey.parse("rbac.authorization.k8s.io/ClusterRole/reader")).orElseThrow().resource();
    assertThat(role.ownerReferences()).isEmpty();
    assertThat(Ownership.isOwnedBy(role, primary().key())).isTrue();

    Resource shared = graph.get(ResourceKey.parse("ConfigMap/prod/shared")).orElseThrow().resource();
    assertThat(shared.labels()).doesNotContainKey(Ownership.OWNER_LABEL);
  }

  @Test
  void ownership_requiresBothMarks() {
    Resource labelOnly = configMap("prod", "x").withLabel(Ownership.OWNER_LABEL, Ownership.labelValue(primary().key()));
    assertThat(Ownership.isOwnedBy(labelOnly, primary().key())).isFalse();
  }

  @Test
  void conditions_moveTransitionTimeOnlyOnAFlip() {
    var t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");
    var t1 = t0.plusSeconds(60);
    var first = Conditions.set(Json.array(), "Ready", "False", "Starting", "", t0);
    var same = Conditions.set(first, "Ready", "False", "Starting", "still", t1);
    var flipped = Conditions.set(same, "Ready", "True", "Ok", "", t1);
    assertThat(same.get(0).path("lastTransitionTime").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(flipped.get(0).path("lastTransitionTime").asText()).isEqualTo("2026-01-01T00:01:00Z");
  }

  @Test
  void explicitDependencies_areFoundWhenTheGraphIsBuilt_fromDependsOnOrTheAnnotation() {
    Resource plain = configMap("prod", "a");
    Resource annotated = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\","
        + "\"namespace\":\"prod\",\"annotations\":{\"" + Ownership.DEPENDS_ON_ANNOTATION + "\":\"ConfigMap/prod/a\"}}}"));

    assertThat(DesiredGraph.builder().add(plain).build().hasExplicitDependencies()).isFalse();
    assertThat(DesiredGraph.builder().add(plain).add(annotated).build().hasExplicitDependencies()).isTrue();
    assertThat(DesiredGraph.builder().add(plain)
        .add(DesiredResource.of(configMap("prod", "c")).dependsOn(plain.key())).build().hasExplicitDependencies()).isTrue();
    assertThat(DesiredGraph.empty().hasExplicitDependencies()).isFalse();
  }
}
