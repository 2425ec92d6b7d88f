package dev.converge.guides.website;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, a CRD's validation rules: the in-memory cluster compiles the CEL rules of the Website CRD when it is
 * created and refuses a Website that breaks one, with the cause kube-apiserver gives.
 */
@InMemoryClusterTest(seed = 7)
class WebsiteRulesTest {

  // guide: begin rules
  @Test
  void aWebsiteThatBreaksARuleOfItsCrd_isRefused_asTheApiServerRefusesIt(InMemoryCluster cluster) {
    Backend admin = cluster.backend();
    admin.create(KubeObjects.namespace("web"));
    admin.create(WebsiteCrd.definition().edit(crd -> {
      ObjectNode spec = (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
      spec.putArray("x-kubernetes-validations").addObject()
          .put("rule", "!self.image.endsWith(':latest')")
          .put("message", "pin the image to a version")
          .put("reason", "FieldValueForbidden")
          .put("fieldPath", ".image");
    }));

    Resource latest = KubeObjects.customResource("guides.converge.dev/v1", "Website", "web", "blog",
        Json.object().put("image", "nginx:latest"));
    assertThatThrownBy(() -> admin.apply(latest, ApplyOptions.manager("tester")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes())
            .containsExactly("spec.image: Forbidden: pin the image to a version"));
  }
  // guide: end rules
}
