package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Kinds and namespaces of resources share one string instance, so their keys compare on identity. */
class CanonicalTest {
  @Test
  void resourcesOfOneKindAndNamespace_shareTheStrings_andKeysStillOrderByValue() {
    Resource a = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"team-1\"}}"));
    Resource b = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"b\",\"namespace\":\"team-1\"}}"));
    assertThat(b.key().kind()).isSameAs(a.key().kind());
    assertThat(b.key().namespace()).isSameAs(a.key().namespace());
    assertThat(a.key()).isLessThan(b.key());
    assertThat(a.key().compareTo(ResourceKey.namespaced("", new String("ConfigMap"), new String("team-1"), "a"))).isZero();
    assertThat(a.key()).isGreaterThan(ResourceKey.namespaced("", "ConfigMap", "team-0", "z"));
  }

  @Test
  void equalStrings_giveOneInstance() {
    String first = Canonical.of(new String("Deployment"));
    assertThat(Canonical.of(new String("Deployment"))).isSameAs(first).isEqualTo("Deployment");
  }
}
