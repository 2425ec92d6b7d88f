package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.FieldValidation;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Server-side field validation (KEP-2885): fields a kind's schema does not declare are refused under {@code
 * Strict}, dropped with one warning each under {@code Warn} (the default) and dropped silently under {@code
 * Ignore}; server-side apply refuses them whatever the directive. Built-in kinds are checked against the fields
 * of their Go types, custom resources against their CRD's structural schema. Messages are kube-apiserver's.
 */
class FieldValidationTest {
  private static final String DEPLOYMENT = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","bogus":1},
       "spec":{"replicass":3,"selector":{"matchLabels":{"app":"web"}},
        "template":{"metadata":{"labels":{"app":"web"}},
         "spec":{"containers":[{"name":"app","image":"nginx","imagee":"typo","env":[{"name":"A","valu":"1"}]}]}}}}""";
  private static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"widgets.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets"},
        "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
          "properties":{"spec":{"type":"object","properties":{
             "size":{"type":"integer"},
             "labels":{"type":"object","additionalProperties":{"type":"string"}},
             "parts":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}},
             "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
             "template":{"type":"object","x-kubernetes-embedded-resource":true,
                         "properties":{"spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}}}}}]}}""";
  private static final String WIDGET = """
      {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},
       "spec":{"size":2,"colour":"red","labels":{"a":"b"},"parts":[{"name":"x","weight":3}],
        "extra":{"anything":{"goes":true}},
        "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labelz":{}},"spec":{"free":1}}},
       "status":{"phase":"Ready"}}""";

  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 31).server();
  private final List<String> warnings = new ArrayList<>();

  @Test
  void strict_refusesACreate_namingEveryUnknownFieldAsGoStrictDecodingDoes() {
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(DEPLOYMENT), options(FieldValidation.STRICT)))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
            + "unknown field \"metadata.bogus\", unknown field \"spec.replicass\", "
            + "unknown field \"spec.template.spec.containers[0].imagee\", "
            + "unknown field \"spec.template.spec.containers[0].env[0].valu\"");
    assertThat(server.list(ADMIN, dev.converge.api.backend.ListRequest.all(dev.converge.api.GroupKind.of("apps", "Deployment")))
        .items()).as("nothing stored").isEmpty();
    assertThatThrownBy(() -> server.update(ADMIN, Fixtures.parse(DEPLOYMENT), options(FieldValidation.STRICT)))
        .as("the body is decoded before a missing object is refused: 400, not 404")
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void warn_theDefault_dropsUnknownFields_withOneWarningEach() {
    Resource stored = server.create(ADMIN, Fixtures.parse(DEPLOYMENT), new WriteOptions(null, warnings::add));
    assertThat(warnings).containsExactly("unknown field \"metadata.bogus\"", "unknown field \"spec.replicass\"",
        "unknown field \"spec.template.spec.containers[0].imagee\"",
        "unknown field \"spec.template.spec.containers[0].env[0].valu\"");
    assertThat(stored.metadata().has("bogus")).isFalse();
    assertThat(stored.spec().has("replicass")).isFalse();
    assertThat(stored.spec().path("replicas").asInt()).as("defaulted, not taken from the typo").isEqualTo(1);
    assertThat(stored.json().at("/spec/template/spec/containers/0").has("imagee")).isFalse();
    assertThat(stored.json().at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx");
    assertThat(stored.json().at("/spec/template/spec/containers/0/env/0").toString()).isEqualTo("{\"name\":\"A\"}");
  }

  @Test
  void ignore_dropsThemSilently() {
    Resource stored = server.create(ADMIN, Fixtures.parse(DEPLOYMENT), options(FieldValidation.IGNORE));
    assertThat(warnings).isEmpty();
    assertThat(stored.spec().has("replicass")).isFalse();
  }

  @Test
  void updatesAndMergePatches_areDecodedToo() {
    Resource stored = server.create(ADMIN, Fixtures.parse(DEPLOYMENT), options(FieldValidation.IGNORE));
    Resource edited = stored.edit(t -> t.withObjectProperty("spec").put("pausd", true));
    assertThatThrownBy(() -> server.update(ADMIN, edited, options(FieldValidation.STRICT)))
        .hasMessageEndingWith("strict decoding error: unknown field \"spec.pausd\"");
    Resource updated = server.update(ADMIN, edited, new WriteOptions(null, warnings::add));
    assertThat(updated.spec().has("pausd")).isFalse();
    assertThat(updated.resourceVersion()).as("nothing else changed: no write").isEqualTo(stored.resourceVersion());

    PatchOptions strict = PatchOptions.defaults().withFieldValidation(FieldValidation.STRICT);
    assertThatThrownBy(() -> server.patch(ADMIN, stored.key(), PatchType.MERGE,
        Json.parse("{\"spec\":{\"minReadySecond\":5}}"), strict))
        .hasMessageEndingWith("strict decoding error: unknown field \"spec.minReadySecond\"");
    Resource patched = server.patch(ADMIN, stored.key(), PatchType.STRATEGIC,
        Json.parse("{\"spec\":{\"minReadySeconds\":5,\"minReadySecond\":5}}"), PatchOptions.defaults().withWarnings(warnings::add));
    assertThat(patched.spec().path("minReadySeconds").asInt()).isEqualTo(5);
    assertThat(patched.spec().has("minReadySecond")).isFalse();
    assertThat(warnings).containsExactly("unknown field \"spec.pausd\"", "unknown field \"spec.minReadySecond\"");
  }

  @Test
  void serverSideApply_refusesUnknownFields_whateverTheDirective_asA500() {
    assertThatThrownBy(() -> server.apply(ADMIN, Fixtures.parse(DEPLOYMENT), "converge", true))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage("failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n"
            + "  .metadata.bogus: field not declared in schema\n"
            + "  .spec.replicass: field not declared in schema\n"
            + "  .spec.template.spec.containers[name=\"app\"].imagee: field not declared in schema\n"
            + "  .spec.template.spec.containers[name=\"app\"].env[name=\"A\"].valu: field not declared in schema");
    Resource ports = Fixtures.parse(DEPLOYMENT.replace("\"replicass\":3,", "").replace(",\"bogus\":1", "")
        .replace(",\"imagee\":\"typo\"", ",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\",\"nam\":\"http\"}]")
        .replace("\"valu\"", "\"value\""));
    assertThatThrownBy(() -> server.apply(ADMIN, ports, "converge", true)).hasMessageEndingWith(
        ": .spec.template.spec.containers[name=\"app\"].ports[containerPort=80,protocol=\"TCP\"].nam: field not declared in schema");
    Resource configMap = Fixtures.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default"},"dta":{"k":"v"}}""");
    assertThatThrownBy(() -> server.apply(ADMIN, configMap, "converge", false))
        .hasMessage("failed to create typed patch object (default/c; /v1, Kind=ConfigMap): .dta: field not declared in schema");
  }

  @Test
  void rawJsonFieldsAndMaps_acceptAnyMember() {
    Resource crd = server.create(ADMIN, Fixtures.parse(CRD), options(FieldValidation.STRICT));
    assertThat(crd.json().at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/extra")
        .has("x-kubernetes-preserve-unknown-fields")).as("JSONSchemaProps' own members are declared").isTrue();
    Resource map = server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"m","namespace":"default",
         "labels":{"any.label/key":"v"},"annotations":{"x":"y"}},"data":{"whatever":"v"}}"""), options(FieldValidation.STRICT));
    assertThat(map.json().path("data").path("whatever").asText()).isEqualTo("v");
  }

  @Test
  void customResources_arePrunedToTheirStructuralSchema() {
    server.create(ADMIN, Fixtures.parse(CRD));
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(WIDGET), options(FieldValidation.STRICT)))
        .hasMessage("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: "
            + "unknown field \"spec.colour\", unknown field \"spec.parts[0].weight\", "
            + "unknown field \"spec.template.metadata.labelz\", unknown field \"status\"");
    Resource stored = server.create(ADMIN, Fixtures.parse(WIDGET), new WriteOptions(null, warnings::add));
    assertThat(warnings).hasSize(4);
    assertThat(stored.spec().toString()).isEqualTo("{\"size\":2,\"labels\":{\"a\":\"b\"},\"parts\":[{\"name\":\"x\"}],"
        + "\"extra\":{\"anything\":{\"goes\":true}},"
        + "\"template\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"free\":1}}}");
    assertThat(stored.json().has("status")).as("the schema declares no status").isFalse();
  }

  @Test
  void aCrdThatPreservesUnknownFields_keepsThemAll() {
    server.create(ADMIN, Fixtures.parse(CustomResourceTest.CRD));
    Resource agent = server.create(ADMIN, Fixtures.parse(CustomResourceTest.AGENT), options(FieldValidation.STRICT));
    assertThat(agent.spec().path("global").path("site").asText()).isEqualTo("us5.datadoghq.com");
  }

  @Test
  void aValueOfTheWrongJsonType_failsDecoding_whateverTheDirective_asGosDecoderReportsIt() {
    assertThat(decodingError("\"paused\":\"yes\",", "")).isEqualTo("Deployment in version \"v1\" cannot be handled as a "
        + "Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool");
    assertThat(decodingError("\"replicas\":\"three\",", "")).endsWith(
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
    assertThat(decodingError("\"replicas\":1.5,", "")).endsWith(
        "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
    assertThat(decodingError("", ",\"ports\":[{\"containerPort\":\"80\"}]")).endsWith("json: cannot unmarshal string "
        + "into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32");
    assertThat(decodingError("", ",\"args\":\"--verbose\"")).endsWith(
        "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.args of type []string");
    assertThat(decodingError("\"strategy\":\"Recreate\",", "")).endsWith(
        "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.strategy of type v1.DeploymentStrategy");
    Resource labelled = Fixtures.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","labels":{"tier":3}}}""");
    assertThatThrownBy(() -> server.create(ADMIN, labelled)).hasMessageEndingWith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");
  }

  @Test
  void bytesThatAreNotBase64_failDecoding_asGosDecoderReportsThem() {
    // The classic mistake: a plain value under a Secret's data (stringData takes plain text).
    Resource secret = Fixtures.parse("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"default"},
         "data":{"user":"YWRtaW4=","password":"s3cr3t-not-for-production"}}""");
    assertThatThrownBy(() -> server.create(ADMIN, secret))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 6");
    Resource binary = Fixtures.parse("""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bin","namespace":"default"},
         "binaryData":{"blob":"YWRtaW4"}}""");
    assertThatThrownBy(() -> server.create(ADMIN, binary))
        .hasMessage("ConfigMap in version \"v1\" cannot be handled as a ConfigMap: illegal base64 data at input byte 4");
    Resource numbered = Fixtures.parse("""
        {"apiVersion":"v1","kind":"Secret","metadata":{"name":"n","namespace":"default"},"data":{"pin":1234}}""");
    assertThatThrownBy(() -> server.create(ADMIN, numbered))
        .hasMessageStartingWith("Secret in version \"v1\" cannot be handled as a Secret: json: cannot unmarshal number into Go"
            + " struct field Secret.data");
    Resource webhooks = Fixtures.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"v"},
         "webhooks":[{"name":"v.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"url":"https://hooks.example.com/v","caBundle":"-----BEGIN CERTIFICATE-----"}}]}""");
    assertThatThrownBy(() -> server.create(ADMIN, webhooks)).hasMessage("ValidatingWebhookConfiguration in version \"v1\""
        + " cannot be handled as a ValidatingWebhookConfiguration: illegal base64 data at input byte 0");

    Resource valid = Fixtures.parse(secret.json().toString().replace("s3cr3t-not-for-production", "czNjcjN0"));
    assertThat(server.create(ADMIN, valid).json().path("data").path("password").asText()).isEqualTo("czNjcjN0");
    assertThat(server.list(ADMIN, ListRequest.all(GroupKind.of("", "Secret")).inNamespace("default")).items())
        .extracting(Resource::name).containsExactly("db");
  }

  @Test
  void serverSideApply_refusesScalarsOfTheWrongType_inStructuredMergeDiffsWords() {
    Resource deployment = Fixtures.parse(DEPLOYMENT.replace("\"replicass\":3", "\"replicas\":\"three\"")
        .replace(",\"bogus\":1", "").replace(",\"imagee\":\"typo\"", "").replace("\"valu\"", "\"value\"")
        .replace("\"image\":\"nginx\"", "\"image\":7"));
    assertThatThrownBy(() -> server.apply(ADMIN, deployment, "converge", true))
        .hasMessage("failed to create typed patch object (default/web; apps/v1, Kind=Deployment): errors:\n"
            + "  .spec.replicas: expected numeric (int or float), got string\n"
            + "  .spec.template.spec.containers[name=\"app\"].image: expected string, got &value.valueUnstructured{Value:7}");
  }

  /** The message of creating {@link #DEPLOYMENT} without its unknown fields, with {@code spec} and container members added. */
  private String decodingError(String specMember, String containerMember) {
    String json = DEPLOYMENT.replace("\"replicass\":3,", specMember).replace(",\"bogus\":1", "")
        .replace(",\"imagee\":\"typo\"", containerMember).replace("\"valu\"", "\"value\"");
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
        () -> server.create(ADMIN, Fixtures.parse(json), options(FieldValidation.IGNORE)));
    assertThat(thrown).isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400));
    return thrown.getMessage();
  }

  @Test
  void aBodyInAVersionThatIsNotServed_isRefused_notStoredAsSent() {
    Resource old = Fixtures.parse(DEPLOYMENT.replace("\"apps/v1\"", "\"apps/v1beta2\""));
    // Written to the apps/v1beta2 handler, which Kubernetes has not served since 1.16: there is none.
    assertThatThrownBy(() -> server.apply(ADMIN, old, "converge", true))
        .isInstanceOfSatisfying(BackendException.NotFound.class, e -> assertThat(e.code()).isEqualTo(404))
        .hasMessage("the server could not find the requested resource");
    assertThatThrownBy(() -> server.create(ADMIN, old)).isInstanceOf(BackendException.NotFound.class);
    assertThat(server.list(ADMIN, ListRequest.all(GroupKind.of("apps", "Deployment"))).items()).isEmpty();
  }

  @Test
  void theDirectiveParsesAsKubernetesSpellsIt() {
    assertThat(FieldValidation.parse("Strict")).isEqualTo(FieldValidation.STRICT);
    assertThat(FieldValidation.parse("")).isEqualTo(FieldValidation.WARN);
    assertThat(FieldValidation.IGNORE.parameter()).isEqualTo("Ignore");
    assertThatThrownBy(() -> FieldValidation.parse("strict")).isInstanceOf(IllegalArgumentException.class);
  }

  private WriteOptions options(FieldValidation directive) {
    return new WriteOptions(null, warnings::add).withFieldValidation(directive);
  }
}
