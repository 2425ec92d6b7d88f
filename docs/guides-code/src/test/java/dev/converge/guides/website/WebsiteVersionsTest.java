package dev.converge.guides.website;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.admission.ConversionReviews;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, a CRD with several versions: a Website written by an old client at a deprecated version is the same
 * object the operator reads at the current one, and the old client is told the version is deprecated; a conversion
 * webhook, answered in process, translates a field the old version named differently.
 */
@InMemoryClusterTest(seed = 7)
class WebsiteVersionsTest {

  // guide: begin versions
  @Test
  void aWebsiteWrittenAtTheOldVersion_isReadAtTheNewOne_andItsWriterIsWarned(InMemoryCluster cluster) {
    Backend admin = cluster.backend();
    admin.create(KubeObjects.namespace("web"));
    // Mid-migration: v1 is stored; v1alpha1 is still served, and deprecated.
    admin.create(WebsiteCrd.definition().edit(crd -> {
      ArrayNode versions = crd.withObjectProperty("spec").withArray("versions");
      ObjectNode old = versions.get(0).deepCopy();
      old.put("name", "v1alpha1").put("storage", false).put("deprecated", true);
      versions.add(old);
    }));

    List<String> warnings = new ArrayList<>();
    Resource written = ServerWarnings.collect(warnings::add, () -> admin.apply(
        KubeObjects.customResource("guides.converge.dev/v1alpha1", "Website", "web", "blog",
            Json.object().put("image", "nginx:1.27").put("replicas", 2)),
        ApplyOptions.manager("old-client")));

    assertThat(written.apiVersion()).isEqualTo("guides.converge.dev/v1alpha1");
    assertThat(warnings).containsExactly(
        "guides.converge.dev/v1alpha1 Website is deprecated; use guides.converge.dev/v1 Website");
    Resource read = admin.get(WebsiteCrd.key("web", "blog")).orElseThrow();
    assertThat(read.apiVersion()).isEqualTo("guides.converge.dev/v1");
    assertThat(read.uid()).isEqualTo(written.uid());
    assertThat(new WebsiteReconciler().decode(read).image()).as("what the operator reads").isEqualTo("nginx:1.27");
  }
  // guide: end versions

  // guide: begin conversion
  /** The operator's conversion webhook: v1alpha1 called the replica count {@code instances}. */
  static ObjectNode convert(ObjectNode website, String desiredApiVersion) {
    ObjectNode spec = (ObjectNode) website.get("spec");
    boolean toOld = desiredApiVersion.endsWith("/v1alpha1");
    JsonNode count = spec.remove(toOld ? "replicas" : "instances");
    if (count != null) {
      spec.set(toOld ? "instances" : "replicas", count);
    }
    return website.put("apiVersion", desiredApiVersion);
  }

  @Test
  void aConversionWebhook_translatesTheOldVersionsFields_forTheOperator(InMemoryCluster cluster) {
    Backend admin = cluster.backend();
    admin.create(KubeObjects.namespace("web"));
    admin.create(KubeObjects.namespace("website-system"));
    admin.create(Resource.of(Json.parse("""
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "website-webhook", "namespace": "website-system"},
         "spec": {"ports": [{"port": 443, "targetPort": 9443}], "selector": {"app": "website-operator"}}}""")));
    admin.create(WebsiteCrd.definition().edit(crd -> {
      ObjectNode spec = crd.withObjectProperty("spec");
      ObjectNode old = (ObjectNode) Json.parse(Json.write(spec.withArray("versions").get(0)));
      old.put("name", "v1alpha1").put("storage", false);
      ObjectNode fields = (ObjectNode) old.at("/schema/openAPIV3Schema/properties/spec/properties");
      fields.set("instances", fields.remove("replicas"));
      spec.withArray("versions").add(old);
      spec.set("conversion", Json.parse("""
          {"strategy": "Webhook", "webhook": {"conversionReviewVersions": ["v1"],
            "clientConfig": {"service": {"namespace": "website-system", "name": "website-webhook", "path": "/convert"}}}}"""));
    }));
    cluster.server().admission().endpoints().service("website-system", "website-webhook",
        ConversionReviews.endpoint(WebsiteVersionsTest::convert));

    admin.apply(KubeObjects.customResource("guides.converge.dev/v1alpha1", "Website", "web", "blog",
        Json.object().put("image", "nginx:1.27").put("instances", 3)), ApplyOptions.manager("old-client"));

    Resource read = admin.get(WebsiteCrd.key("web", "blog")).orElseThrow();
    assertThat(read.apiVersion()).isEqualTo("guides.converge.dev/v1");
    assertThat(new WebsiteReconciler().decode(read).replicas()).as("what the operator reads").isEqualTo(3);
  }
  // guide: end conversion
}
