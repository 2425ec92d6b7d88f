package dev.converge.inmemory.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import org.junit.jupiter.api.Test;

class KindsTest {
  @Test
  void is_agreesWithGroupKindEquality() {
    Resource pod = Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"}}"));
    Resource deployment = Resource.of(Json.parse(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"}}"));
    for (GroupKind kind : new GroupKind[] {GroupKind.of("", "Pod"), GroupKind.of("apps", "Pod"),
        GroupKind.of("apps", "Deployment"), GroupKind.of("", "Deployment")}) {
      assertThat(Kinds.is(pod, kind)).isEqualTo(pod.groupKind().equals(kind));
      assertThat(Kinds.is(deployment, kind)).isEqualTo(deployment.groupKind().equals(kind));
    }
  }
}
