package dev.converge.guides.website;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.testkit.KubeObjects;
import dev.converge.testkit.junit.InMemoryClusterTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guide 2, a CRD with several versions: a Website written by an old client at a deprecated version is the same
 * object the operator reads at the current one, and the old client is told the version is deprecated.
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
}
