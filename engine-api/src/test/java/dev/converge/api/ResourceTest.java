package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resources copy their tree in, hand it out read-only, and derive their key from it. */
class ResourceTest {

  private static ObjectNode deployment() {
    return (ObjectNode) Json.parse("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},
         "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}}}""");
  }

  @Test
  void key_isDerivedFromApiVersionKindAndMetadata() {
    Resource r = Resource.of(deployment());
    assertThat(r.key()).hasToString("apps/Deployment/shop/web");
    assertThat(r.apiVersion()).isEqualTo("apps/v1");
    assertThat(r.version()).isEqualTo("v1");
    assertThat(r.labels()).containsEntry("app", "web");
  }

  @Test
  void tree_isCopiedIn() {
    ObjectNode source = deployment();
    Resource r = Resource.of(source);
    source.with("spec").put("replicas", 99);
    assertThat(r.spec().path("replicas").asInt()).isEqualTo(2);
  }

  @Test
  void tree_isReadOnlyOut() {
    Resource r = Resource.of(deployment());
    assertThatThrownBy(() -> ((ObjectNode) r.spec()).put("replicas", 3)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.json().withArrayProperty("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((com.fasterxml.jackson.databind.node.ArrayNode) r.at("spec.template.spec.containers")).removeAll())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void edit_returnsANewResourceAndLeavesTheOriginal() {
    Resource r = Resource.of(deployment());
    Resource scaled = r.edit(tree -> tree.withObjectProperty("spec").put("replicas", 5));
    assertThat(scaled.spec().path("replicas").asInt()).isEqualTo(5);
    assertThat(r.spec().path("replicas").asInt()).isEqualTo(2);
    assertThat(scaled.toMutableJson().withObjectProperty("spec").put("replicas", 7).path("replicas").asInt()).isEqualTo(7);
  }

  @Test
  void withLabel_copiesOnlyThePathToTheLabels_andLeavesTheOriginal() {
    Resource r = Resource.of(Json.parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\"},"
            + "\"spec\":{\"replicas\":1}}"));
    Resource labelled = r.withLabel("team", "a").withAnnotation("note", "x");
    assertThat(labelled.labels()).containsExactly(Map.entry("team", "a"));
    assertThat(labelled.annotations()).containsExactly(Map.entry("note", "x"));
    assertThat(labelled.spec()).isSameAs(r.spec());
    assertThat(Json.write(labelled.json())).isEqualTo("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\","
        + "\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\",\"labels\":{\"team\":\"a\"},\"annotations\":{\"note\":\"x\"}},"
        + "\"spec\":{\"replicas\":1}}");
    assertThat(r.labels()).isEmpty();
    assertThat(labelled.withLabel("team", "b").labels()).containsExactly(Map.entry("team", "b"));
    assertThat(labelled.withLabel("team", "a")).isSameAs(labelled);
  }

  @Test
  void of_namesTheMissingField() {
    assertThatThrownBy(() -> Resource.of(Json.parse("{\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"}}")))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessage("apiVersion: is required");
    assertThatThrownBy(() -> Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}")))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessage("metadata.name: is required");
  }

  @Test
  void toString_masksSecretValues() {
    Resource secret = Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s\",\"namespace\":\"d\"},\"stringData\":{\"api-key\":\"hunter2\"}}"));
    assertThat(secret.toString()).doesNotContain("hunter2").contains("api-key").contains(Redaction.MASK);
  }

  @Test
  void withJson_keepsTheKeyForTheSameObject_andReadsAChangedIdentityAsOfDoes() {
    Resource r = Resource.of(deployment());
    ObjectNode edited = Json.mutableCopy(r.json());
    edited.set("spec", Json.object().put("replicas", 3));
    Resource next = r.withJson(edited);
    assertThat(next.key()).isSameAs(r.key());
    assertThat(next.json().at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(Json.isFrozen(next.json())).isTrue();
    assertThat(r.spec().path("replicas").asInt()).isEqualTo(2);

    ObjectNode renamed = Json.mutableCopy(r.json());
    renamed.set("metadata", Json.mutableCopy((ObjectNode) r.metadata()).put("name", "api"));
    assertThat(r.withJson(renamed).key()).hasToString("apps/Deployment/shop/api");

    ObjectNode moved = Json.mutableCopy(r.json());
    moved.set("metadata", Json.mutableCopy((ObjectNode) r.metadata()).put("namespace", "a/b"));
    assertThatThrownBy(() -> r.withJson(moved)).isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining("metadata.namespace");
    ObjectNode versioned = Json.mutableCopy(r.json()).put("apiVersion", "apps/v1beta2");
    assertThat(r.withJson(versioned).apiVersion()).isEqualTo("apps/v1beta2");
  }
}
