package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.GroupKind;
import org.junit.jupiter.api.Test;

/** Wire JSON to resources and back: list items get their type, server fields stay out of writes. */
class WireTest {
  private static final ResourceType DEPLOYMENT = ResourceTypes.builtins().find(GroupKind.of("apps", "Deployment")).orElseThrow();

  @Test
  void listItemWithoutApiVersionAndKind_getsThemFromTheType_first() {
    Resource resource = Wire.toResource(Wire.parse("{\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\"},\"spec\":{}}"), DEPLOYMENT);

    assertThat(resource.key().toString()).isEqualTo("apps/Deployment/ns/web");
    assertThat(Json.write(resource.json()))
        .isEqualTo("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\"},\"spec\":{}}");
  }

  @Test
  void objectWithApiVersionAndKind_isTakenAsIs() {
    Resource resource = Wire.toResource(Wire.parse(
        "{\"apiVersion\":\"apps/v1beta2\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"ns\"}}"), DEPLOYMENT);

    assertThat(resource.apiVersion()).isEqualTo("apps/v1beta2");
  }

  @Test
  void items_areOrderedByNamespaceThenName() {
    String list = "{\"kind\":\"DeploymentList\",\"metadata\":{\"resourceVersion\":\"42\"},\"items\":["
        + "{\"metadata\":{\"name\":\"b\",\"namespace\":\"y\"}},"
        + "{\"metadata\":{\"name\":\"c\",\"namespace\":\"x\"}},"
        + "{\"metadata\":{\"name\":\"a\",\"namespace\":\"y\"}}]}";

    assertThat(Wire.items(Wire.parse(list), DEPLOYMENT)).extracting(r -> r.key().toString())
        .containsExactly("apps/Deployment/x/c", "apps/Deployment/y/a", "apps/Deployment/y/b");
    assertThat(Wire.resourceVersion(Wire.parse(list))).isEqualTo("42");
  }

  @Test
  void withoutServerFields_dropsServerOwnedMetadataOnly() {
    Resource live = Resource.of(Wire.parse("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\","
        + "\"namespace\":\"ns\",\"labels\":{\"x\":\"1\"},\"resourceVersion\":\"7\",\"uid\":\"u\",\"generation\":2,"
        + "\"creationTimestamp\":\"2024-01-01T00:00:00Z\",\"managedFields\":[{}],\"selfLink\":\"/x\"},\"data\":{\"k\":\"v\"}}"));

    assertThat(Json.write(Wire.withoutServerFields(live))).isEqualTo(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"ns\",\"labels\":{\"x\":\"1\"}},\"data\":{\"k\":\"v\"}}");
  }
}
