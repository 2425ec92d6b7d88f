package dev.converge.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import dev.converge.api.DependencyCycleException;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Edge;
import dev.converge.api.EdgeRule;
import dev.converge.api.ResourceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ManifestSet} words cycles that only planning finds (an implicit edge closing a loop with a {@code
 * depends-on} annotation) like the reader's own errors, and hands its resources out for graphs with an owner.
 */
class ManifestSetTest {
  @TempDir Path dir;

  private static final ResourceKey NAMESPACE = ResourceKey.parse("Namespace/shop");
  private static final ResourceKey CONFIG = ResourceKey.parse("ConfigMap/shop/settings");

  private ManifestSet namespaceThatWaitsForItsContents() throws IOException {
    Path file = dir.resolve("shop.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          annotations: {converge.dev/depends-on: ConfigMap/shop/settings}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: shop}}
        """);
    return ManifestReader.defaults().read(file);
  }

  @Test
  void explain_startsAtTheAnnotationThatClosesTheCycle_andNamesEveryRule() throws IOException {
    ManifestSet set = namespaceThatWaitsForItsContents();
    // As the planner reports it: the ConfigMap waits for its Namespace, the Namespace (explicitly) for the ConfigMap.
    DependencyCycleException cycle = new DependencyCycleException(ImmutableList.of(
        Edge.of(NAMESPACE, CONFIG, EdgeRule.NAMESPACE, ""),
        Edge.of(CONFIG, NAMESPACE, EdgeRule.EXPLICIT, "")));

    ManifestException error = set.explain(cycle);

    assertThat(error.getMessage().replace(dir + "/", "")).isEqualTo(
        "shop.yaml: document 1: metadata.annotations[converge.dev/depends-on]: dependency cycle:"
            + " Namespace/shop depends on ConfigMap/shop/settings [document 2] (explicit dependency),"
            + " which depends on Namespace/shop (namespaced object)");
    assertThat(error.document()).isEqualTo(1);
    assertThat(error.field()).isEqualTo("metadata.annotations[converge.dev/depends-on]");
    assertThat(error.getCause()).isSameAs(cycle);
  }

  @Test
  void explain_withoutExplicitEdges_startsAtTheFirstMemberRead() throws IOException {
    ManifestSet set = namespaceThatWaitsForItsContents();
    DependencyCycleException cycle = new DependencyCycleException(ImmutableList.of(
        Edge.of(NAMESPACE, CONFIG, EdgeRule.NAMESPACE, ""),
        Edge.of(CONFIG, NAMESPACE, EdgeRule.CONFIG_MAP, "spec.volumes[0]")));

    assertThat(set.explain(cycle).getMessage().replace(dir + "/", "")).isEqualTo(
        "shop.yaml: document 1: dependency cycle: Namespace/shop"
            + " depends on ConfigMap/shop/settings [document 2] (referenced config map (spec.volumes[0])),"
            + " which depends on Namespace/shop (namespaced object)");
  }

  @Test
  void desiredResources_buildAGraphWithAnOwner() throws IOException {
    ManifestSet set = namespaceThatWaitsForItsContents();

    DesiredGraph owned = DesiredGraph.builder()
        .owner(ResourceKey.parse("example.com/App/shop/web"))
        .addAll(set.desiredResources())
        .build();

    assertThat(set.desiredResources()).extracting(DesiredResource::key).containsExactly(NAMESPACE, CONFIG);
    assertThat(owned.get(NAMESPACE).orElseThrow().dependsOn()).containsExactly(CONFIG);
    assertThat(owned.get(CONFIG).orElseThrow().resource().labels()).containsKey("converge.dev/owner");
  }
}
