package dev.converge.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.DesiredResource;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ManifestReader} accepts: multi-document files (empty documents skipped but counted),
 * directories (manifest files sorted by name), paths in the order given; namespaces defaulted to {@code
 * default} for namespaced kinds (built-in, or defined by a CRD of the set, or unknown) and dropped for
 * cluster-scoped ones; {@code converge.dev/depends-on} turned into explicit dependencies. Rejections are in
 * {@link ManifestReaderErrorsTest}.
 */
class ManifestReaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> keys(ManifestSet set) {
    return set.entries().stream().map(entry -> entry.key().toString()).toList();
  }

  private static List<String> sources(ManifestSet set) {
    return set.entries().stream().map(entry -> entry.source().toString().replaceAll("^.*/", "")).toList();
  }

  @Test
  void multiDocumentFile_skipsEmptyDocumentsButCountsThem() throws IOException {
    Path file = write("app.yaml", """
        # leading comment
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: first}
        ---
        ---
        # only a comment
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: second}
        ---
        """);

    ManifestSet set = ManifestReader.defaults().read(file);

    assertThat(keys(set)).containsExactly("ConfigMap/default/first", "ConfigMap/default/second");
    assertThat(sources(set)).containsExactly("app.yaml document 1", "app.yaml document 4");
    assertThat(set.graph().resources().keySet()).extracting(ResourceKey::toString)
        .containsExactly("ConfigMap/default/first", "ConfigMap/default/second");
  }

  @Test
  void directory_readsManifestFilesSortedByName_andNotSubdirectories() throws IOException {
    write("site/b.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: b}}");
    write("site/a.yml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}");
    write("site/c.json", "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"c\"}}");
    write("site/B.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: upper}}");
    write("site/notes.txt", "not a manifest");
    write("site/nested/d.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: d}}");

    ManifestSet set = ManifestReader.defaults().read(dir.resolve("site"));

    assertThat(sources(set)).containsExactly(
        "B.yaml document 1", "a.yml document 1", "b.yaml document 1", "c.json document 1");
    assertThat(set.entries().get(0).source().file()).isEqualTo(dir.resolve("site").resolve("B.yaml").toString());
  }

  @Test
  void paths_areReadInTheOrderGiven() throws IOException {
    Path z = write("z.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: z}}");
    Path a = write("a.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}");

    assertThat(sources(ManifestReader.defaults().read(z, a))).containsExactly("z.yaml document 1", "a.yaml document 1");
  }

  @Test
  void namespacedKindWithoutNamespace_getsDefault_placedAfterName() throws IOException {
    Path file = write("sa.yaml", """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: agent
          labels: {app: agent}
        """);

    DesiredResource sa = ManifestReader.defaults().read(file).entries().get(0).desired();

    assertThat(sa.key()).isEqualTo(ResourceKey.namespaced("", "ServiceAccount", "default", "agent"));
    assertThat(Json.write(sa.resource().metadata())).isEqualTo("{\"name\":\"agent\",\"namespace\":\"default\",\"labels\":{\"app\":\"agent\"}}");
  }

  @Test
  void explicitNamespace_isKept_andEmptyNamespaceMeansDefault() throws IOException {
    Path file = write("cm.yaml", """
        {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: datadog}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: ""}}
        """);

    assertThat(keys(ManifestReader.defaults().read(file))).containsExactly("ConfigMap/datadog/a", "ConfigMap/default/b");
  }

  @Test
  void clusterScopedKind_losesANamespace_asTheApiServerIgnoresIt() throws IOException {
    Path file = write("rbac.yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "system:reader", namespace: datadog}
        """);

    DesiredResource role = ManifestReader.defaults().read(file).entries().get(0).desired();

    assertThat(role.key().toString()).isEqualTo("rbac.authorization.k8s.io/ClusterRole/system:reader");
    assertThat(role.resource().metadata().has("namespace")).isFalse();
  }

  @Test
  void unknownKind_isNamespaced_asKubectlAssumes() throws IOException {
    Path file = write("agent.yaml", "{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}");

    assertThat(keys(ManifestReader.defaults().read(file))).containsExactly("example.com/Widget/default/w");
  }

  @Test
  void crdInTheSet_definesTheScopeOfItsCustomResources() throws IOException {
    Path file = write("crds.yaml", """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: clusterwidgets.example.com}
        spec:
          group: example.com
          scope: Cluster
          names: {kind: ClusterWidget, plural: clusterwidgets, shortNames: [cw]}
          versions:
            - {name: v1beta1, served: true, storage: false}
            - {name: v1, served: true, storage: true, subresources: {status: {}}}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets}
          versions: [{name: v1, served: true, storage: true}]
        ---
        {apiVersion: example.com/v1beta1, kind: ClusterWidget, metadata: {name: big, namespace: ignored}}
        ---
        {apiVersion: example.com/v1, kind: Widget, metadata: {name: small}}
        """);

    ManifestSet set = ManifestReader.defaults().read(file);

    assertThat(keys(set)).containsExactly(
        "apiextensions.k8s.io/CustomResourceDefinition/clusterwidgets.example.com",
        "apiextensions.k8s.io/CustomResourceDefinition/widgets.example.com",
        "example.com/ClusterWidget/big",
        "example.com/Widget/default/small");
    assertThat(set.types().find(GroupKind.of("example.com", "ClusterWidget"))).contains(
        ResourceType.cluster("example.com", "v1", "ClusterWidget", "clusterwidgets", "cw"));
    assertThat(set.types().find(GroupKind.of("example.com", "Widget"))).contains(
        ResourceType.namespaced("example.com", "v1", "Widget", "widgets").withoutStatus());
  }

  @Test
  void dependsOn_becomesExplicitDependencies() throws IOException {
    Path file = write("app.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          namespace: shop
          annotations:
            converge.dev/depends-on: " ConfigMap/shop/settings ,rbac.authorization.k8s.io/ClusterRole/reader"
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: shop}}
        ---
        {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: reader}}
        """);

    ManifestSet set = ManifestReader.defaults().read(file);

    assertThat(set.graph().get(ResourceKey.parse("apps/Deployment/shop/api")).orElseThrow().dependsOn())
        .containsExactly(ResourceKey.parse("ConfigMap/shop/settings"), ResourceKey.parse("rbac.authorization.k8s.io/ClusterRole/reader"));
    assertThat(set.graph().get(ResourceKey.parse("ConfigMap/shop/settings")).orElseThrow().dependsOn()).isEmpty();
  }

  @Test
  void nullLabelValue_isTheEmptyString_asGoDecodesIt() throws IOException {
    Path file = write("cm.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          labels:
            flag:
        """);

    assertThat(ManifestReader.defaults().read(file).entries().get(0).desired().resource().labels()).containsEntry("flag", "");
  }

  @Test
  void sourceOf_namesFileAndDocument() throws IOException {
    Path file = write("two.yaml", """
        {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
        ---
        {apiVersion: v1, kind: Secret, metadata: {name: b}}
        """);

    ManifestSet set = ManifestReader.defaults().read(file);

    assertThat(set.source(ResourceKey.parse("Secret/default/b"))).contains(new ManifestSource(file.toString(), 2));
    assertThat(set.source(ResourceKey.parse("Secret/default/nope"))).isEmpty();
    assertThat(set.size()).isEqualTo(2);
  }

  @Test
  void sharedExamples_loadExactlyAsWritten() {
    Path examples = Path.of("src/test/resources/manifest");

    ManifestSet set = ManifestReader.defaults().read(examples.resolve("datadog-agent.yaml"), examples.resolve("datadog-secret.yaml"));

    assertThat(keys(set)).containsExactly("datadoghq.com/DatadogAgent/default/datadog", "Secret/default/datadog-secret");
    assertThat(sources(set)).containsExactly("datadog-agent.yaml document 1", "datadog-secret.yaml document 1");
  }
}
