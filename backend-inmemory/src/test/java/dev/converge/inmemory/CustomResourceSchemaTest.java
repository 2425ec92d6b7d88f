package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Custom resources against their CRD's structural schema: {@code default}s are filled in on every write (as
 * structural defaulting does on decoding), and types, enums, bounds, patterns, lengths, item counts, required
 * fields and the uniqueness of set and map lists are validated, refused with 422 and kube-openapi's causes.
 * The CRD's own list markers are validated when it is written.
 */
class CustomResourceSchemaTest {
  private static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"caches.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Cache","plural":"caches"},
        "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
         "schema":{"openAPIV3Schema":{"type":"object","required":["spec"],"properties":{
          "spec":{"type":"object","required":["engine"],"properties":{
            "engine":{"type":"string","enum":["redis","memcached"]},
            "replicas":{"type":"integer","minimum":1,"maximum":9,"default":1},
            "name":{"type":"string","pattern":"^[a-z]+$","maxLength":8},
            "port":{"x-kubernetes-int-or-string":true},
            "tls":{"type":"object","default":{},"properties":{
               "enabled":{"type":"boolean","default":false},
               "secret":{"type":"string","nullable":true}}},
            "zones":{"type":"array","maxItems":2,"items":{"type":"object","properties":{
               "name":{"type":"string"},"weight":{"type":"integer","default":10}}}},
            "hosts":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
            "endpoints":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name","port"],
              "items":{"type":"object","required":["name","port"],"properties":{
                "name":{"type":"string"},"port":{"type":"integer"}}}}}},
          "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}""";

  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 37).server();

  @BeforeEach
  void installCrd() {
    server.create(ADMIN, Fixtures.parse(CRD));
  }

  @Test
  void defaults_areFilledIn_depthFirst_andIntoListItems() {
    Resource cache = server.create(ADMIN, cache("""
        {"engine":"redis","zones":[{"name":"a"},{"name":"b","weight":3}]}"""));
    assertThat(cache.spec().toString()).isEqualTo("{\"engine\":\"redis\",\"zones\":[{\"name\":\"a\",\"weight\":10},"
        + "{\"name\":\"b\",\"weight\":3}],\"replicas\":1,\"tls\":{\"enabled\":false}}");
    assertThat(cache.generation()).isEqualTo(1);
    Resource same = server.update(ADMIN, cache.edit(t -> t.withObjectProperty("spec").remove("tls")));
    assertThat(same.resourceVersion()).as("the defaults fill in what the update left out: no change").isEqualTo(cache.resourceVersion());
    Resource nulled = server.update(ADMIN, cache.edit(t -> t.withObjectProperty("spec").putNull("replicas")));
    assertThat(nulled.spec().path("replicas").asInt()).as("null in a property that is not nullable takes the default").isEqualTo(1);
  }

  @Test
  void invalidValues_areRefusedWith422_andEveryCause() {
    assertThatThrownBy(() -> server.create(ADMIN, cache("""
        {"engine":"etcd","replicas":"two","name":"Web-Cache","port":1.5,
         "tls":{"enabled":"yes","secret":null},"zones":[{},{},{}]}""")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.causes()).containsExactly(
              "spec.engine: Unsupported value: \"etcd\": supported values: \"redis\", \"memcached\"",
              "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"two\"",
              "spec.name: Too long: may not be more than 8 bytes",
              "spec.name: Invalid value: \"Web-Cache\": spec.name in body should match '^[a-z]+$'",
              "spec.port: Invalid value: \"number\": spec.port in body must be of type integer or string: 1.5",
              "spec.tls.enabled: Invalid value: \"string\": spec.tls.enabled in body must be of type boolean: \"yes\"",
              "spec.zones: Too many: 3: must have at most 2 items");
        })
        .hasMessageStartingWith("Cache.example.com \"c\" is invalid: [spec.engine: Unsupported value");
  }

  @Test
  void boundsAndRequiredFields() {
    assertThatThrownBy(() -> server.create(ADMIN, cache("{\"replicas\":0}")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
            "spec.engine: Required value"));
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse("""
        {"apiVersion":"example.com/v1","kind":"Cache","metadata":{"name":"c","namespace":"default"}}""")))
        .hasMessage("Cache.example.com \"c\" is invalid: spec: Required value");
    Resource cache = server.create(ADMIN, cache("{\"engine\":\"memcached\",\"replicas\":9}"));
    assertThatThrownBy(() -> server.update(ADMIN, cache.edit(t -> t.withObjectProperty("spec").put("replicas", 10))))
        .hasMessage("Cache.example.com \"c\" is invalid: spec.replicas: Invalid value: 10: spec.replicas in body "
            + "should be less than or equal to 9");
  }

  @Test
  void theStatusSubresource_isValidatedToo() {
    Resource cache = server.create(ADMIN, cache("{\"engine\":\"redis\"}"));
    assertThatThrownBy(() -> server.updateStatus(ADMIN, cache.edit(t -> t.putObject("status").put("ready", "yes"))))
        .hasMessage("Cache.example.com \"c\" is invalid: status.ready: Invalid value: \"string\": status.ready in body "
            + "must be of type boolean: \"yes\"");
    Resource ready = server.updateStatus(ADMIN, cache.edit(t -> t.putObject("status").put("ready", true)));
    assertThat(ready.status().path("ready").asBoolean()).isTrue();
  }

  private static Resource cache(String spec) {
    return Fixtures.parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Cache\","
        + "\"metadata\":{\"name\":\"c\",\"namespace\":\"default\"},\"spec\":" + spec + "}");
  }

  @Test
  void setAndMapLists_refuseDuplicates_afterTheSchemaChecks() {
    assertThatThrownBy(() -> server.create(ADMIN, cache("""
        {"engine":"redis","replicas":0,"hosts":["a","b","a","a","b"],
         "endpoints":[{"name":"web","port":80},{"name":"web","port":81},{"port":80,"name":"web"}]}""")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
            "spec.hosts[2]: Duplicate value: \"a\"",
            "spec.hosts[4]: Duplicate value: \"b\"",
            "spec.endpoints[2]: Duplicate value: map[string]interface {}{\"name\":\"web\", \"port\":80}"));
    Resource distinct = server.create(ADMIN, cache("""
        {"engine":"redis","hosts":["a","b"],"endpoints":[{"name":"web","port":80},{"name":"web","port":81}]}"""));
    assertThat(distinct.spec().path("endpoints").size()).isEqualTo(2);
  }

  @Test
  void theCrdsListMarkers_areValidated_asApiextensionsDoes() {
    String root = "spec.validation.openAPIV3Schema.properties[spec].properties";
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.parse(CRD.replace("caches", "queues").replace("\"Cache\"", "\"Queue\"")
        .replace("\"x-kubernetes-list-type\":\"set\"", "\"x-kubernetes-list-type\":\"bag\"")
        .replace("\"required\":[\"name\",\"port\"]", "\"required\":[\"name\"]")
        .replace("[\"name\",\"port\"]", "[\"name\",\"port\",\"name\",\"path\"]")
        .replace("\"port\":{\"type\":\"integer\"}}}}", "\"port\":{\"type\":\"integer\",\"nullable\":true}}}},"
            + "\"peers\":{\"type\":\"array\",\"x-kubernetes-list-map-keys\":[\"id\"],\"items\":{\"type\":\"string\"}},"
            + "\"rules\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"set\",\"items\":{\"type\":\"object\"}},"
            + "\"routes\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\",\"items\":{\"type\":\"string\"}}"))))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            root + "[hosts].x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"set\", \"map\"",
            root + "[endpoints].x-kubernetes-list-map-keys: Invalid value: []string{\"name\", \"port\", \"name\", \"path\"}: "
                + "must not contain duplicate entries",
            root + "[endpoints].x-kubernetes-list-map-keys: Invalid value: []string{\"name\", \"port\", \"name\", \"path\"}: "
                + "entries must all be names of item properties",
            root + "[endpoints].items.properties[port].default: Required value: this property is in "
                + "x-kubernetes-list-map-keys, so it must have a default or be a required property",
            root + "[endpoints].items.properties[port].nullable: Forbidden: this property is in x-kubernetes-list-map-keys, "
                + "so it cannot be nullable",
            root + "[peers].x-kubernetes-list-type: Required value: must be map if x-kubernetes-list-map-keys is non-empty",
            root + "[rules].items.x-kubernetes-map-type: Invalid value: \"null\": must be atomic as item of a list with "
                + "x-kubernetes-list-type=set",
            root + "[routes].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map",
            root + "[routes].items.type: Invalid value: \"string\": must be object if parent array's x-kubernetes-list-type is map"));
  }

  @Test
  void aDefaultAddedToTheCrd_showsOnObjectsStoredBeforeIt_asReadsDefaultWhatTheyDecode() {
    Resource stored = server.create(ADMIN, cache("{\"engine\":\"redis\"}"));
    Resource crd = server.get(ADMIN, Fixtures.parse(CRD).key());
    server.update(ADMIN, crd.edit(t -> ((ObjectNode) t.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties"))
        .set("evictionPolicy", Json.parse("{\"type\":\"string\",\"default\":\"lru\"}"))));
    Resource read = server.get(ADMIN, stored.key());
    assertThat(read.spec().path("evictionPolicy").asText()).isEqualTo("lru");
    assertThat(read.resourceVersion()).as("no write: the stored object is defaulted as it is read").isEqualTo(stored.resourceVersion());
    assertThat(server.list(ADMIN, ListRequest.all(stored.groupKind()).inNamespace("default")).items())
        .singleElement().satisfies(item -> assertThat(item.spec().path("evictionPolicy").asText()).isEqualTo("lru"));
    Resource unchanged = server.get(ADMIN, stored.key());
    assertThat(unchanged.spec().path("replicas").asInt()).as("what was stored stays").isEqualTo(1);
  }
}
