package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.FieldSelector;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.FieldValidation;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CRD serving several versions, as apiextensions-apiserver serves them with the {@code None} conversion:
 * objects are written and read at any served version, stored in the storage version, and answered in the
 * request's; each version's schema decodes, validates and keys what is written in it; field managers record
 * the version they wrote in; a deprecated version warns every request; an unserved version is not served; a
 * version's {@code selectableFields} are field labels.
 */
class CrdVersionsTest {
  private static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"widgets.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets"},
        "versions":[
         {"name":"v1alpha1","served":true,"storage":false,"deprecated":true,
          "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
            "size":{"type":"integer"},"legacy":{"type":"string"}}}}}}},
         {"name":"v1beta1","served":true,"storage":false,
          "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
            "size":{"type":"integer"}}}}}}},
         {"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
          "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
            "size":{"type":"integer","minimum":1}}},"status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}},
         {"name":"v0","served":false,"storage":false,
          "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""";
  private static final GroupKind WIDGET = GroupKind.of("example.com", "Widget");
  private static final ResourceKey KEY = ResourceKey.namespaced("example.com", "Widget", "default", "w");
  private static final String DEPRECATED = "example.com/v1alpha1 Widget is deprecated; use example.com/v1 Widget";

  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 41).server();
  private final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void installCrd() {
    server.create(ADMIN, Fixtures.parse(CRD));
  }

  private static Resource widget(String version, String spec) {
    return Fixtures.parse("{\"apiVersion\":\"example.com/" + version + "\",\"kind\":\"Widget\","
        + "\"metadata\":{\"name\":\"w\",\"namespace\":\"default\"},\"spec\":" + spec + "}");
  }

  private WriteOptions options() {
    return new WriteOptions("tester", warnings::add);
  }

  @Test
  void everyServedVersion_isServed_andTheKindIsRegisteredAtItsStorageVersion() {
    assertThat(server.type(WIDGET).version()).isEqualTo("v1");
    assertThat(server.servedVersions()).filteredOn(type -> type.groupKind().equals(WIDGET))
        .extracting(ResourceType::version).containsExactly("v1", "v1alpha1", "v1beta1");
    assertThat(server.type(WIDGET, "v1beta1").statusSubresource()).as("subresources are per version").isFalse();
    assertThatThrownBy(() -> server.type(WIDGET, "v0")).isInstanceOf(BackendException.NotFound.class);
    assertThatThrownBy(() -> server.create(ADMIN, widget("v0", "{}"))).isInstanceOf(BackendException.NotFound.class);
  }

  @Test
  void aWriteAtAnotherVersion_isStoredInTheStorageVersion_andAnsweredInItsOwn() {
    Resource created = server.create(ADMIN, widget("v1alpha1", "{\"size\":2}"), options());
    assertThat(created.apiVersion()).isEqualTo("example.com/v1alpha1");
    assertThat(warnings).containsExactly(DEPRECATED);
    Resource stored = server.get(ADMIN, KEY);
    assertThat(stored.apiVersion()).isEqualTo("example.com/v1");
    assertThat(stored.spec()).isEqualTo(created.spec());
    assertThat(stored.resourceVersion()).isEqualTo(created.resourceVersion());
    assertThat(stored.metadata().path("managedFields").get(0).path("apiVersion").asText())
        .as("the writer's entry records the version it wrote in").isEqualTo("example.com/v1alpha1");

    Resource updated = server.update(ADMIN, created.edit(t -> t.withObjectProperty("spec").put("size", 3)), options());
    assertThat(updated.apiVersion()).isEqualTo("example.com/v1alpha1");
    assertThat(server.get(ADMIN, KEY).spec().path("size").asInt()).isEqualTo(3);
    assertThat(server.get(ADMIN, KEY).apiVersion()).isEqualTo("example.com/v1");
  }

  @Test
  void eachVersionsSchema_decodesAndValidatesWhatIsWrittenInIt() {
    assertThatThrownBy(() -> server.create(ADMIN, widget("v1beta1", "{\"legacy\":\"x\"}"),
        options().withFieldValidation(FieldValidation.STRICT)))
        .hasMessage("Widget in version \"v1beta1\" cannot be handled as a Widget: strict decoding error: unknown field "
            + "\"spec.legacy\"");
    assertThatThrownBy(() -> server.create(ADMIN, widget("v1", "{\"size\":0}")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1"));
    Resource legacy = server.create(ADMIN, widget("v1alpha1", "{\"size\":0,\"legacy\":\"x\"}"),
        options().withFieldValidation(FieldValidation.STRICT));
    assertThat(legacy.spec().toString()).as("v1alpha1 declares legacy and has no minimum; v1, the storage version, "
        + "does not declare legacy, so the storage codec prunes it after the conversion").isEqualTo("{\"size\":0}");
  }

  @Test
  void applyAndPatches_atAVersion_seeTheObjectInIt_andStoreItInTheStorageVersion() {
    Resource applied = server.apply(ADMIN, widget("v1beta1", "{\"size\":2}"), "alice", false);
    assertThat(applied.apiVersion()).isEqualTo("example.com/v1beta1");
    Resource stored = server.get(ADMIN, KEY);
    assertThat(stored.apiVersion()).isEqualTo("example.com/v1");
    assertThat(stored.metadata().path("managedFields").get(0).path("apiVersion").asText()).isEqualTo("example.com/v1beta1");

    ResourceType alpha = server.type(WIDGET, "v1alpha1");
    Resource patched = server.patch(ADMIN, alpha, KEY, PatchType.JSON, Json.parse("""
        [{"op":"test","path":"/apiVersion","value":"example.com/v1alpha1"},{"op":"replace","path":"/spec/size","value":5}]"""),
        PatchOptions.defaults().withWarnings(warnings::add));
    assertThat(patched.apiVersion()).isEqualTo("example.com/v1alpha1");
    assertThat(warnings).containsExactly(DEPRECATED);
    assertThat(server.get(ADMIN, KEY).apiVersion()).isEqualTo("example.com/v1");
    assertThat(server.get(ADMIN, KEY).spec().path("size").asInt()).isEqualTo(5);

    assertThatThrownBy(() -> server.patch(ADMIN, alpha, KEY, PatchType.APPLY, widget("v1beta1", "{\"size\":2}").json(),
        PatchOptions.apply("alice", false)))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("Incorrect version specified in apply patch. Specified patch version: example.com/v1beta1, expected: "
            + "example.com/v1alpha1");
    assertThatThrownBy(() -> server.patch(ADMIN, alpha, KEY, PatchType.MERGE, Json.parse("{\"apiVersion\":\"example.com/v1\"}"),
        PatchOptions.defaults()))
        .hasMessage("the API version in the data (example.com/v1) does not match the expected API version (example.com/v1alpha1)");
  }

  @Test
  void theStatusSubresource_isServedOnlyAtVersionsThatDeclareIt() {
    Resource created = server.create(ADMIN, widget("v1", "{\"size\":1}"));
    Resource ready = server.updateStatus(ADMIN, created.edit(t -> t.putObject("status").put("ready", true)));
    assertThat(ready.status().path("ready").asBoolean()).isTrue();
    Resource beta = widget("v1beta1", "{\"size\":1}").edit(t -> t.putObject("status").put("ready", false));
    assertThatThrownBy(() -> server.updateStatus(ADMIN, beta)).isInstanceOf(BackendException.NotFound.class);
  }

  /** Updates the CRD's list of versions with {@code edit}. */
  private void editVersions(Consumer<ArrayNode> edit) {
    Resource crd = server.get(ADMIN, ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition",
        "widgets.example.com"));
    server.update(ADMIN, crd.edit(t -> edit.accept(t.withObjectProperty("spec").withArray("versions"))));
  }

  @Test
  void changingTheCrdsVersions_changesWhatIsServed() {
    editVersions(versions -> {
      ((ObjectNode) versions.get(0)).put("served", false);
      ((ObjectNode) versions.get(1)).put("deprecated", true).put("deprecationWarning", "v1beta1 goes away in 2027");
    });
    assertThatThrownBy(() -> server.type(WIDGET, "v1alpha1")).isInstanceOf(BackendException.NotFound.class);
    server.create(ADMIN, widget("v1beta1", "{\"size\":1}"), options());
    assertThat(warnings).containsExactly("v1beta1 goes away in 2027");
  }

  @Test
  void theBackendSpi_readsAKindAtItsMostPreferredVersion_evenWhenItIsStoredInAnOlderOne() {
    editVersions(versions -> {
      ((ObjectNode) versions.get(1)).put("storage", true); // v1beta1 stores; v1 stays the most preferred
      ((ObjectNode) versions.get(2)).put("storage", false);
    });
    assertThat(server.type(WIDGET).version()).isEqualTo("v1beta1");
    assertThat(server.get(ADMIN, ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition", "widgets.example.com"))
        .status().path("storedVersions").toString()).as("the new storage version joins the old").isEqualTo("[\"v1\",\"v1beta1\"]");
    InMemoryBackend backend = new InMemoryBackend(server, ADMIN);
    assertThat(backend.types().find(WIDGET).orElseThrow().version()).isEqualTo("v1");
    List<String> watched = new ArrayList<>();
    backend.watch(WatchRequest.all(WIDGET), event -> watched.add(event.type() + " " + event.object().apiVersion()));

    Resource written = backend.apply(widget("v1beta1", "{\"size\":2}"), ApplyOptions.manager("alice"));
    assertThat(written.apiVersion()).as("answered in the version written").isEqualTo("example.com/v1beta1");
    assertThat(server.get(ADMIN, KEY).apiVersion()).as("stored").isEqualTo("example.com/v1beta1");
    assertThat(backend.get(KEY).orElseThrow().apiVersion()).isEqualTo("example.com/v1");
    assertThat(backend.list(ListRequest.all(WIDGET)).items()).extracting(Resource::apiVersion).containsExactly("example.com/v1");
    assertThat(watched).containsExactly("ADDED example.com/v1");
  }

  @Test
  void selectableFields_areFieldLabelsOfTheirVersion() {
    editVersions(versions -> ((ObjectNode) versions.get(2)).putArray("selectableFields").addObject().put("jsonPath", ".spec.size"));
    server.create(ADMIN, widget("v1", "{\"size\":1}"));
    server.create(ADMIN, widget("v1", "{\"size\":2}").edit(t -> t.withObjectProperty("metadata").put("name", "w2")));
    ListRequest sized = ListRequest.all(WIDGET).withFields(FieldSelector.parse("spec.size=2"));
    assertThat(server.list(ADMIN, sized).items()).extracting(Resource::name).containsExactly("w2");
    assertThat(server.list(ADMIN, ListRequest.all(WIDGET).withFields(FieldSelector.parse("spec.size!=2"))).items())
        .extracting(Resource::name).containsExactly("w");
    assertThatThrownBy(() -> server.list(ADMIN, ListRequest.all(WIDGET).withFields(FieldSelector.parse("spec.legacy=x"))))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("field label not supported: spec.legacy");

    // Stored as v1beta1, which declares no selectable field; v1, the most preferred, still does.
    editVersions(versions -> {
      ((ObjectNode) versions.get(1)).put("storage", true);
      ((ObjectNode) versions.get(2)).put("storage", false);
    });
    assertThatThrownBy(() -> server.list(ADMIN, sized)).hasMessage("field label not supported: spec.size");
    assertThat(server.list(ADMIN, server.type(WIDGET, "v1"), sized).items()).extracting(Resource::name).containsExactly("w2");
    assertThat(new InMemoryBackend(server, ADMIN).list(sized).items()).as("the SPI lists at the most preferred version")
        .extracting(Resource::apiVersion).containsExactly("example.com/v1");
  }

  @Test
  void aCrdsSelectableFieldsAndMarkers_areValidated_asApiextensionsDoes() {
    String crd = CRD.replace("widgets", "gauges").replace("\"Widget\"", "\"Gauge\"")
        .replace("\"deprecated\":true,", "\"deprecated\":false,\"deprecationWarning\":\"old\",")
        .replace("\"size\":{\"type\":\"integer\",\"minimum\":1}}}",
            "\"size\":{\"type\":\"integer\",\"minimum\":1},\"tags\":{\"type\":\"object\",\"x-kubernetes-list-type\":\"set\"},"
            + "\"shape\":{\"type\":\"string\",\"x-kubernetes-map-type\":\"sparse\"}}}")
        .replace("\"subresources\":{\"status\":{}},", "\"subresources\":{\"status\":{}},\"selectableFields\":["
            + "{\"jsonPath\":\".spec.size\"},{\"jsonPath\":\".spec.size\"},{\"jsonPath\":\".spec.colour\"},"
            + "{\"jsonPath\":\".spec.tags\"},{\"jsonPath\":\".metadata.name\"},{}],");
    String v1 = "spec.versions[2]";
    String spec = v1 + ".schema.openAPIV3Schema.properties[spec].properties";
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(crd)))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "spec.versions[0].deprecationWarning: Invalid value: \"old\": can only be set for deprecated versions",
            spec + "[tags].type: Invalid value: \"object\": must be array if x-kubernetes-list-type is specified",
            spec + "[shape].type: Invalid value: \"string\": must be object if x-kubernetes-map-type is specified",
            spec + "[shape].x-kubernetes-map-type: Unsupported value: \"sparse\": supported values: \"atomic\", \"granular\"",
            v1 + ".selectableFields[1].jsonPath: Duplicate value: \".spec.size\"",
            v1 + ".selectableFields[2].jsonPath: Invalid value: \".spec.colour\": is an invalid path: does not refer to a valid field",
            v1 + ".selectableFields[3].jsonPath: Invalid value: \".spec.tags\": must point to a field of type string, boolean or "
                + "integer. Enum string fields and strings with formats are allowed.",
            v1 + ".selectableFields[4].jsonPath: Invalid value: \".metadata.name\": is an invalid path: does not refer to a valid field",
            v1 + ".selectableFields[5].jsonPath: Required value"));
  }

  @Test
  void theBackendSpi_warnsItsReaders_whenEvenTheMostPreferredVersionIsDeprecated() {
    server.create(ADMIN, widget("v1", "{\"size\":1}"));
    InMemoryBackend backend = new InMemoryBackend(server, ADMIN);
    List<String> read = new ArrayList<>();
    ServerWarnings.collect(read::add, () -> backend.get(KEY));
    assertThat(read).as("v1 is not deprecated").isEmpty();

    editVersions(versions -> ((ObjectNode) versions.get(2)).put("deprecated", true).put("deprecationWarning", "Widgets are retired"));
    ServerWarnings.collect(read::add, () -> backend.get(KEY));
    ServerWarnings.collect(read::add, () -> backend.list(ListRequest.all(WIDGET)));
    assertThat(read).containsExactly("Widgets are retired", "Widgets are retired");
  }
}
