package dev.converge.core.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input {@link ManifestReader} rejects, with its exact message: one line naming the
 * file, the 1-based document index and the field ({@code line L, column C} for YAML syntax), then the
 * problem. The whole set is rejected: {@code read} returns nothing partial.
 */
class ManifestReaderErrorsTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** The message for {@code text} in {@code bad.yaml}, with the temporary directory cut off. */
  private String error(String text) throws IOException {
    return errorReading(write("bad.yaml", text));
  }

  private String errorReading(Path... paths) {
    ManifestException e = catchThrowableOfType(ManifestException.class, () -> ManifestReader.defaults().read(paths));
    assertThat(e).as("expected a ManifestException").isNotNull();
    return e.getMessage().replace(dir + "/", "");
  }

  @Test
  void malformedYaml_namesDocumentLineAndColumn() throws IOException {
    assertThat(error("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: ok}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: broken: yes
        """)).isEqualTo("bad.yaml: document 2: line 8, column 15: mapping values are not allowed here");
  }

  @Test
  void malformedYaml_countsLinesInTheFile_andCitesTheConstructBeingParsed() throws IOException {
    assertThat(error("""
        {apiVersion: v1, kind: ConfigMap, metadata: {name: ok}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: broken
         labels: {}
        """)).isEqualTo("bad.yaml: document 2: line 7, column 2: expected <block end>, but found '<block mapping start>'"
            + " (while parsing a block mapping at line 3, column 1)");
  }

  @Test
  void malformedYaml_unclosedFlowSequence() throws IOException {
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [a, b\n"))
        .isEqualTo("bad.yaml: document 1: line 4, column 1: expected ',' or ']', but got <stream end>"
            + " (while parsing a flow sequence at line 3, column 18)");
  }

  @Test
  void tabIndentation_isASyntaxError() throws IOException {
    assertThat(error("apiVersion: v1\nkind:\tConfigMap\n"))
        .startsWith("bad.yaml: document 1: line 2, column 6: found character '\\t(TAB)' that cannot start any token.");
  }

  @Test
  void duplicateKey_isRejected_asKubernetesDoes() throws IOException {
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"))
        .isEqualTo("bad.yaml: document 1: line 5, column 7: duplicate key 'name'");
  }

  @Test
  void alias_isRejected_ratherThanReadAsItsName() throws IOException {
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: &l {x: y}}\ndata: *l\n"))
        .isEqualTo("bad.yaml: document 1: line 4, column 7: YAML aliases are not supported (*l): write the value out in full");
  }

  @Test
  void nonObjectDocument_isRejected() throws IOException {
    assertThat(error("{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n---\n- apiVersion: v1\n"))
        .isEqualTo("bad.yaml: document 2: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a list");
    assertThat(error("just words\n"))
        .isEqualTo("bad.yaml: document 1: expected a Kubernetes object (a mapping with apiVersion, kind and metadata), got a string");
  }

  @Test
  void missingApiVersion_kind_metadata_orName_isNamed() throws IOException {
    assertThat(error("kind: ConfigMap\nmetadata: {name: a}\n")).isEqualTo("bad.yaml: document 1: apiVersion: is required");
    assertThat(error("apiVersion: v1\nmetadata: {name: a}\n")).isEqualTo("bad.yaml: document 1: kind: is required");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\n")).isEqualTo("bad.yaml: document 1: metadata: is required");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.name: is required");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: a-}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.name: is required"
            + " (metadata.generateName is not supported: a plan needs the name of every resource)");
  }

  @Test
  void wronglyTypedFields_areNamed() throws IOException {
    assertThat(error("apiVersion: 1\nkind: ConfigMap\nmetadata: {name: a}\n"))
        .isEqualTo("bad.yaml: document 1: apiVersion: must be a non-empty string, got a number");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: [a]\n"))
        .isEqualTo("bad.yaml: document 1: metadata: must be a mapping, got a list");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: [x]}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.namespace: must be a string, got a list");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: 7}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.name: must be a non-empty string, got a number");
  }

  @Test
  void malformedApiVersionOrKind_isRejected() throws IOException {
    assertThat(error("apiVersion: apps/v1/x\nkind: Deployment\nmetadata: {name: a}\n"))
        .isEqualTo("bad.yaml: document 1: apiVersion: must be group/version, or version for the core group (apps/v1, v1), got 'apps/v1/x'");
    assertThat(error("apiVersion: Apps/v1\nkind: Deployment\nmetadata: {name: a}\n"))
        .isEqualTo("bad.yaml: document 1: apiVersion: must be group/version, or version for the core group (apps/v1, v1), got 'Apps/v1'");
    assertThat(error("apiVersion: apps/v1\nkind: deployment\nmetadata: {name: a}\n"))
        .isEqualTo("bad.yaml: document 1: kind: must be an UpperCamelCase kind such as Deployment, got 'deployment'");
  }

  @Test
  void listKinds_areRejected_withTheWayOut() throws IOException {
    assertThat(error("apiVersion: v1\nkind: List\nmetadata: {}\nitems: []\n"))
        .isEqualTo("bad.yaml: document 1: kind: lists are not supported (List): put each item in its own YAML document");
  }

  @Test
  void invalidName_citesTheDns1123Rule() throws IOException {
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Agent_Config}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.name: 'Agent_Config' is invalid: a lowercase RFC 1123 subdomain must consist"
            + " of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: Prod}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.namespace: 'Prod' is invalid: a lowercase RFC 1123 label must consist"
            + " of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character"
            + " (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    // Services need a DNS-1035 label: a letter first.
    assertThat(error("apiVersion: v1\nkind: Service\nmetadata: {name: 1st}\n"))
        .startsWith("bad.yaml: document 1: metadata.name: '1st' is invalid: a DNS-1035 label must consist");
  }

  @Test
  void labelsAndAnnotations_mustBeValidStrings() throws IOException {
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {enabled: true}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.labels[enabled]: must be a string, got a boolean: quote it (\"true\")");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {replicas: 3}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.annotations[replicas]: must be a string, got a number: quote it (\"3\")");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {\"-app\": x}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.labels[-app]: invalid key: name part must consist of alphanumeric characters,"
            + " '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {app: \"my app\"}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.labels[app]: invalid value 'my app': a valid label must be an empty string"
            + " or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
            + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    assertThat(error("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: [app]\n"))
        .isEqualTo("bad.yaml: document 1: metadata.labels: must be a mapping of strings, got a list");
  }

  @Test
  void duplicateResource_namesBothPlaces() throws IOException {
    Path first = write("first.yaml", "{apiVersion: v1, kind: ConfigMap, metadata: {name: settings}}\n");
    Path second = write("second.yaml", """
        {apiVersion: v1, kind: Secret, metadata: {name: settings}}
        ---
        {apiVersion: v1, kind: ConfigMap, metadata: {name: settings, namespace: default}}
        """);

    assertThat(errorReading(first, second))
        .isEqualTo("second.yaml: document 2: metadata.name: duplicate resource ConfigMap/default/settings: also defined in first.yaml document 1");
  }

  @Test
  void dependsOn_malformedEntry_isNamed() throws IOException {
    assertThat(error(dependsOn("ConfigMap")))
        .isEqualTo("bad.yaml: document 1: metadata.annotations[converge.dev/depends-on]: invalid resource key 'ConfigMap': expected [group/]Kind/[namespace/]name");
    assertThat(error(dependsOn("ConfigMap/default/b,,Secret/default/c")))
        .isEqualTo("bad.yaml: document 1: metadata.annotations[converge.dev/depends-on]: empty entry in 'ConfigMap/default/b,,Secret/default/c'");
  }

  @Test
  void dependsOn_unknownEntry_isNamed_withTheLikelyIntent() throws IOException {
    assertThat(error(dependsOn("ConfigMap/default/missing")))
        .isEqualTo("bad.yaml: document 1: metadata.annotations[converge.dev/depends-on]: ConfigMap/default/missing is not in the manifests");
    // A namespaced key written without its namespace parses as a cluster-scoped key; suggest the real one.
    assertThat(error(dependsOn("ConfigMap/b") + "---\n{apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n"))
        .isEqualTo("bad.yaml: document 1: metadata.annotations[converge.dev/depends-on]: ConfigMap/b is not in the manifests"
            + " (did you mean ConfigMap/default/b?)");
  }

  @Test
  void dependsOn_itself_isRejected() throws IOException {
    assertThat(error(dependsOn("ConfigMap/default/a")))
        .isEqualTo("bad.yaml: document 1: metadata.annotations[converge.dev/depends-on]: ConfigMap/default/a depends on itself");
  }

  @Test
  void dependencyCycle_namesEveryMembersFileAndDocument() throws IOException {
    Path a = write("a.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          annotations: {converge.dev/depends-on: ConfigMap/default/b}
        """);
    Path b = write("b.yaml", """
        {apiVersion: v1, kind: Secret, metadata: {name: unrelated}}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
          annotations: {converge.dev/depends-on: "ConfigMap/default/c"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: c
          annotations: {converge.dev/depends-on: "ConfigMap/default/a"}
        """);

    assertThat(errorReading(b, a)).isEqualTo("b.yaml: document 2: metadata.annotations[converge.dev/depends-on]: dependency cycle:"
        + " ConfigMap/default/b"
        + " depends on ConfigMap/default/c [document 3] (explicit dependency),"
        + " which depends on ConfigMap/default/a [a.yaml document 1] (explicit dependency),"
        + " which depends on ConfigMap/default/b (explicit dependency)");
  }

  @Test
  void crd_badScope_mismatchedName_andUnservedVersion_areRejected() throws IOException {
    String crd = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %s}
        spec:
          group: example.com
          scope: %s
          names: {kind: Widget, plural: widgets}
          versions: [{name: v1, served: true, storage: true}, {name: v0, served: false, storage: false}]
        """;
    assertThat(error(crd.formatted("widgets.example.com", "namespaced")))
        .isEqualTo("bad.yaml: document 1: spec.scope: must be Namespaced or Cluster, got 'namespaced'");
    assertThat(error(crd.formatted("widget.example.com", "Namespaced")))
        .isEqualTo("bad.yaml: document 1: metadata.name: must be spec.names.plural + \".\" + spec.group ('widgets.example.com'), got 'widget.example.com'");
    assertThat(error(crd.formatted("widgets.example.com", "Namespaced") + "---\n{apiVersion: example.com/v0, kind: Widget, metadata: {name: w}}\n"))
        .isEqualTo("bad.yaml: document 2: apiVersion: version 'example.com/v0' is not served by CustomResourceDefinition"
            + " widgets.example.com (" + dir.resolve("bad.yaml").toString().replace(dir + "/", "") + " document 1), which serves v1");
  }

  @Test
  void missingFile_andDirectoryWithoutManifests_areNamed() throws IOException {
    assertThat(errorReading(dir.resolve("nope.yaml"))).isEqualTo("nope.yaml: no such file or directory");
    write("docs/readme.txt", "hello");
    assertThat(errorReading(dir.resolve("docs"))).isEqualTo("docs: no .yaml, .yml or .json files in this directory");
  }

  private static String dependsOn(String value) {
    return """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          annotations:
            converge.dev/depends-on: "%s"
        """.formatted(value);
  }
}
