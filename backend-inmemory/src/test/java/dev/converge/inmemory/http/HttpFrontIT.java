package dev.converge.inmemory.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.Ticker;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.admission.ConversionReviews;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP front over a real socket (plain HTTP, the JDK client): authentication, Status bodies with Kubernetes'
 * codes and reasons, create/get/update/patch/apply/delete, paged lists, watch streams (events in order, the 410
 * ERROR event for an expired version, bookmarks), Table output, and discovery (per group version and aggregated) that
 * grows when a CRD is created.
 */
class HttpFrontIT {
  private static final String ADMIN = "admin-token";
  private static final String VIEWER = "viewer-token";
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private InMemoryCluster cluster;
  private HttpFront front;

  @BeforeEach
  void start() {
    cluster = InMemoryCluster.create(Ticker.system(), 3);
    front = HttpFront.builder(cluster.server()).plainHttp().adminToken(ADMIN)
        .token(VIEWER, Identity.user("viewer")).bookmarkInterval(Duration.ofMillis(200)).start();
  }

  @AfterEach
  void stop() {
    front.close();
  }

  @Test
  void requestsWithoutAKnownToken_are401_andRbacDenialsAre403WithTheKubernetesMessage() throws Exception {
    HttpResponse<String> anonymous = client.send(HttpRequest.newBuilder(uri("/api/v1/namespaces")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(Json.parse(anonymous.body()).get("reason").asText()).isEqualTo("Unauthorized");
    HttpResponse<String> denied = send("GET", "/api/v1/namespaces/default/configmaps", VIEWER, null, null);
    assertThat(denied.statusCode()).isEqualTo(403);
    JsonNode status = Json.parse(denied.body());
    assertThat(status.get("reason").asText()).isEqualTo("Forbidden");
    assertThat(status.get("message").asText()).isEqualTo("configmaps is forbidden: User \"viewer\" cannot list resource "
        + "\"configmaps\" in API group \"\" in the namespace \"default\"");
  }

  @Test
  void anAdmissionPolicysRefusal_isNewForbiddensStatus_withThePolicysReasonAndCode() throws Exception {
    String policy = """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicy","metadata":{"name":"no-data"},
         "spec":{"matchConstraints":{"resourceRules":[{"apiGroups":[""],"apiVersions":["v1"],"operations":["CREATE"],
           "resources":["configmaps"]}]},"validations":[{"expression":"!has(object.data)"}]}}""";
    String binding = """
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingAdmissionPolicyBinding","metadata":{"name":"no-data"},
         "spec":{"policyName":"no-data","validationActions":["Deny"]}}""";
    assertThat(send("POST", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies", ADMIN, policy, null)
        .statusCode()).isEqualTo(201);
    assertThat(send("POST", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings", ADMIN, binding, null)
        .statusCode()).isEqualTo(201);

    HttpResponse<String> refused = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"1\"}}", null);
    assertThat(refused.statusCode()).isEqualTo(422);
    String refusal = "ValidatingAdmissionPolicy 'no-data' with binding 'no-data' denied request: failed expression: !has(object.data)";
    JsonNode status = Json.parse(refused.body());
    assertThat(status.get("message").asText()).isEqualTo("configmaps \"cm\" is forbidden: " + refusal);
    assertThat(status.get("reason").asText()).isEqualTo("Invalid");
    assertThat(status.at("/details/kind").asText()).as("NewForbidden names the resource").isEqualTo("configmaps");
    assertThat(status.at("/details/name").asText()).as("the posted object's name").isEqualTo("cm");
    assertThat(status.at("/details/causes").toString()).isEqualTo("[{\"message\":\"" + refusal + "\"}]");

    // A validation that names reason Forbidden: 403, and the refusal is still the one cause.
    assertThat(send("PUT", "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/no-data", ADMIN,
        policy.replace("\"!has(object.data)\"}", "\"!has(object.data)\",\"reason\":\"Forbidden\"}"), null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> forbidden = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"1\"}}", null);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    JsonNode forbiddenStatus = Json.parse(forbidden.body());
    assertThat(forbiddenStatus.get("reason").asText()).isEqualTo("Forbidden");
    assertThat(forbiddenStatus.at("/details/causes").toString()).isEqualTo("[{\"message\":\"" + refusal + "\"}]");
  }

  @Test
  void post_withGenerateName_isNamedByTheServer_andWithNeither_is422() throws Exception {
    HttpResponse<String> created = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"generateName\":\"job-\"}}", null);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode object = Json.parse(created.body());
    assertThat(object.at("/metadata/name").asText()).matches("job-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(object.at("/metadata/generateName").asText()).isEqualTo("job-");
    assertThat(send("GET", "/api/v1/namespaces/default/configmaps/" + object.at("/metadata/name").asText(), ADMIN,
        null, null).statusCode()).isEqualTo(200);

    HttpResponse<String> unnamed = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{}}", null);
    assertThat(unnamed.statusCode()).isEqualTo(422);
    assertThat(Json.parse(unnamed.body()).get("message").asText())
        .isEqualTo("ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
  }

  @Test
  void crud_answersWithKubernetesCodesAndStatusBodies() throws Exception {
    String configMap = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"1\"}}";
    HttpResponse<String> created = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN, configMap, null);
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode object = Json.parse(created.body());
    assertThat(object.at("/metadata/namespace").asText()).isEqualTo("default");
    String version = object.at("/metadata/resourceVersion").asText();

    HttpResponse<String> again = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN, configMap, null);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(Json.parse(again.body()).get("reason").asText()).isEqualTo("AlreadyExists");
    assertThat(Json.parse(again.body()).at("/details/kind").asText()).isEqualTo("configmaps");
    HttpResponse<String> invalid = send("POST", "/api/v1/namespaces/default/configmaps", ADMIN,
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"Not_A_Name\"}}", null);
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(Json.parse(invalid.body()).at("/details/kind").asText())
        .as("NewInvalid names the kind, which kubectl prints: The ConfigMap \"Not_A_Name\" is invalid").isEqualTo("ConfigMap");

    String stale = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\",\"resourceVersion\":\"1\"}}";
    HttpResponse<String> conflict = send("PUT", "/api/v1/namespaces/default/configmaps/cm", ADMIN, stale, null);
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(Json.parse(conflict.body()).get("message").asText()).isEqualTo("Operation cannot be fulfilled on "
        + "configmaps \"cm\": the object has been modified; please apply your changes to the latest version and try again");

    HttpResponse<String> patched = send("PATCH", "/api/v1/namespaces/default/configmaps/cm", ADMIN,
        "{\"data\":{\"b\":\"2\"}}", "application/merge-patch+json");
    assertThat(patched.statusCode()).isEqualTo(200);
    assertThat(Json.parse(patched.body()).get("data").toString()).isEqualTo("{\"a\":\"1\",\"b\":\"2\"}");
    assertThat(Json.parse(patched.body()).at("/metadata/resourceVersion").asText()).isNotEqualTo(version);

    HttpResponse<String> applied = send("PATCH", "/api/v1/namespaces/default/configmaps/applied?fieldManager=tester",
        ADMIN, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  c: '3'\n",
        "application/apply-patch+yaml");
    assertThat(applied.statusCode()).isEqualTo(200);
    assertThat(Json.parse(applied.body()).at("/metadata/managedFields/0/manager").asText()).isEqualTo("tester");

    HttpResponse<String> unsupported = send("PATCH", "/api/v1/namespaces/default/configmaps/cm", ADMIN, "{}", "text/plain");
    assertThat(unsupported.statusCode()).isEqualTo(415);

    HttpResponse<String> deleted = send("DELETE", "/api/v1/namespaces/default/configmaps/cm", ADMIN, null, null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(Json.parse(deleted.body()).get("status").asText()).isEqualTo("Success");
    HttpResponse<String> missing = send("GET", "/api/v1/namespaces/default/configmaps/cm", ADMIN, null, null);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(Json.parse(missing.body()).get("message").asText()).isEqualTo("configmaps \"cm\" not found");
  }

  @Test
  void list_pagesWithLimitAndContinue_andFiltersByLabel() throws Exception {
    for (int i = 0; i < 5; i++) {
      send("POST", "/api/v1/namespaces/default/configmaps", ADMIN, "{\"metadata\":{\"name\":\"cm-" + i
          + "\",\"labels\":{\"even\":\"" + (i % 2 == 0) + "\"}}}", null);
    }
    String firstBody = send("GET", "/api/v1/namespaces/default/configmaps?limit=2", ADMIN, null, null).body();
    JsonNode first = Json.parse(firstBody);
    assertThat(first.has("items")).as(firstBody).isTrue();
    assertThat(first.get("kind").asText()).isEqualTo("ConfigMapList");
    assertThat(names(first)).isEqualTo("cm-0,cm-1");
    String token = first.at("/metadata/continue").asText();
    String secondBody = send("GET", "/api/v1/namespaces/default/configmaps?limit=4&continue=" + token, ADMIN, null, null)
        .body();
    JsonNode second = Json.parse(secondBody);
    assertThat(second.has("items")).as(secondBody).isTrue();
    // and the namespace's kube-root-ca.crt, which the root CA publisher puts in every namespace
    assertThat(names(second)).isEqualTo("cm-2,cm-3,cm-4,kube-root-ca.crt");
    assertThat(second.at("/metadata/continue").isMissingNode()).isTrue();
    JsonNode even = Json.parse(send("GET", "/api/v1/namespaces/default/configmaps?labelSelector=even%3Dtrue", ADMIN,
        null, null).body());
    assertThat(names(even)).isEqualTo("cm-0,cm-2,cm-4");
  }

  @Test
  void watch_streamsEventsInOrder_sendsBookmarks_andExpiredVersionsGetAnErrorEvent() throws Exception {
    long from = cluster.server().revision();
    HttpResponse<InputStream> stream = client.send(request("GET",
        "/api/v1/namespaces/default/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=" + from, ADMIN,
        null, null), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    send("POST", "/api/v1/namespaces/default/configmaps", ADMIN, "{\"metadata\":{\"name\":\"w\"}}", null);
    send("DELETE", "/api/v1/namespaces/default/configmaps/w", ADMIN, null, null);
    try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      // Bookmarks come every 200 ms and may fall between the two events; the changes arrive in commit order.
      JsonNode added = nextChange(events);
      assertThat(added.get("type").asText()).isEqualTo("ADDED");
      assertThat(added.at("/object/metadata/name").asText()).isEqualTo("w");
      assertThat(nextChange(events).get("type").asText()).isEqualTo("DELETED");
      JsonNode bookmark = Json.parse(events.readLine());
      assertThat(bookmark.get("type").asText()).isEqualTo("BOOKMARK");
      assertThat(bookmark.at("/object/metadata").toString())
          .isEqualTo("{\"resourceVersion\":\"" + cluster.server().revision() + "\"}");
    }
    cluster.server().compact();
    HttpResponse<String> expired = send("GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + from,
        ADMIN, null, null);
    assertThat(expired.statusCode()).isEqualTo(200);
    JsonNode error = Json.parse(expired.body().trim());
    assertThat(error.get("type").asText()).isEqualTo("ERROR");
    assertThat(error.at("/object/code").asInt()).isEqualTo(410);
    assertThat(error.at("/object/reason").asText()).isEqualTo("Expired");
  }

  @Test
  void table_hasThePrintersColumnsAndPartialObjectMetadataRows() throws Exception {
    send("POST", "/api/v1/namespaces/default/configmaps", ADMIN, "{\"metadata\":{\"name\":\"t\"},\"data\":{\"x\":\"1\"}}", null);
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri("/api/v1/namespaces/default/configmaps"))
        .header("Authorization", "Bearer " + ADMIN)
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode table = Json.parse(response.body());
    assertThat(table.get("kind").asText()).isEqualTo("Table");
    assertThat(table.get("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Data", "Age");
    // Rows in name order: the namespace's kube-root-ca.crt, then t.
    assertThat(table.at("/rows/0/cells/0").asText()).isEqualTo("kube-root-ca.crt");
    JsonNode row = table.at("/rows/1");
    assertThat(row.at("/cells/0").asText()).isEqualTo("t");
    assertThat(row.at("/cells/1").asInt()).isEqualTo(1);
    assertThat(row.at("/object/kind").asText()).isEqualTo("PartialObjectMetadata");
  }

  @Test
  void discovery_servesACustomResourceOnceItsCrdIsCreated() throws Exception {
    assertThat(send("GET", "/apis/example.com/v1", ADMIN, null, null).statusCode()).isEqualTo(404);
    String crd = "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
        + "\"metadata\":{\"name\":\"widgets.example.com\"},\"spec\":{\"group\":\"example.com\",\"scope\":\"Namespaced\","
        + "\"names\":{\"kind\":\"Widget\",\"plural\":\"widgets\",\"singular\":\"widget\",\"shortNames\":[\"wg\"]},"
        + "\"versions\":[{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":"
        + "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"description\":\"The widget.\"}}}}}]}}";
    assertThat(send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", ADMIN, crd, null).statusCode())
        .isEqualTo(201);
    JsonNode resources = Json.parse(send("GET", "/apis/example.com/v1", ADMIN, null, null).body());
    assertThat(resources.at("/resources/0/name").asText()).isEqualTo("widgets");
    assertThat(resources.at("/resources/0/shortNames/0").asText()).isEqualTo("wg");
    assertThat(Json.parse(send("GET", "/apis", ADMIN, null, null).body()).findValuesAsText("name")).contains("example.com");
    JsonNode index = Json.parse(send("GET", "/openapi/v3", ADMIN, null, null).body());
    String url = index.at("/paths/apis~1example.com~1v1/serverRelativeURL").asText();
    JsonNode document = Json.parse(send("GET", url, ADMIN, null, null).body());
    assertThat(document.at("/components/schemas/com.example.v1.Widget/properties/spec/description").asText())
        .isEqualTo("The widget.");
    assertThat(send("POST", "/apis/example.com/v1/namespaces/default/widgets", ADMIN,
        "{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\"}}", null).statusCode())
        .isEqualTo(201);
  }

  @Test
  void openApiV2_inProtobuf_isAnsweredWithTheMediaTypeKubeOpenApiReturns_whicheverFormKubectlAsksFor() throws Exception {
    for (String asked : new String[] {"application/com.github.proto-openapi.spec.v2@v1.0+protobuf",
        "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"}) {
      HttpResponse<byte[]> v2 = client.send(HttpRequest.newBuilder(uri("/openapi/v2")).header("Authorization", "Bearer " + ADMIN)
          .header("Accept", asked).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(v2.statusCode()).isEqualTo(200);
      // Go's mime.ParseMediaType (kubectl's validator) refuses a subtype with "@", which is no token character.
      assertThat(v2.headers().firstValue("Content-Type")).as(asked)
          .hasValue("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
      assertThat(v2.body()).as("openapi_v2.Document{swagger: \"2.0\", …}").startsWith(0x0a, 0x03, '2', '.', '0');
    }
  }

  @Test
  void aggregatedDiscovery_listsEveryGroupVersionAndResource_inOneAnswer() throws Exception {
    HttpResponse<String> apis = client.send(HttpRequest.newBuilder(uri("/apis")).header("Authorization", "Bearer " + ADMIN)
        .header("Accept", Discovery.AGGREGATED + ",application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(apis.headers().firstValue("Content-Type")).hasValue(Discovery.AGGREGATED);
    JsonNode list = Json.parse(apis.body());
    assertThat(list.path("kind").asText()).isEqualTo("APIGroupDiscoveryList");
    JsonNode deployments = null;
    for (JsonNode group : list.path("items")) {
      if (group.at("/metadata/name").asText().equals("apps")) {
        assertThat(group.at("/versions/0/version").asText()).isEqualTo("v1");
        assertThat(group.at("/versions/0/freshness").asText()).isEqualTo("Current");
        for (JsonNode resource : group.at("/versions/0/resources")) {
          if (resource.path("resource").asText().equals("deployments")) {
            deployments = resource;
          }
        }
      }
    }
    assertThat(deployments).as("apps/v1 deployments").isNotNull();
    assertThat(deployments.path("scope").asText()).isEqualTo("Namespaced");
    assertThat(deployments.path("responseKind").toString()).isEqualTo("{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}");
    assertThat(deployments.path("shortNames").toString()).isEqualTo("[\"deploy\"]");
    assertThat(deployments.path("subresources").findValuesAsText("subresource")).containsExactly("status", "scale");
    assertThat(deployments.at("/subresources/1/responseKind/group").asText()).isEqualTo("autoscaling");

    JsonNode core = Json.parse(client.send(HttpRequest.newBuilder(uri("/api")).header("Authorization", "Bearer " + ADMIN)
        .header("Accept", Discovery.AGGREGATED).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    assertThat(core.path("items").size()).isEqualTo(1);
    assertThat(core.at("/items/0/metadata/name").isMissingNode()).isTrue();
    assertThat(core.at("/items/0/versions/0/resources").findValuesAsText("resource")).contains("pods", "configmaps", "namespaces");
    assertThat(Json.parse(send("GET", "/apis", ADMIN, null, null).body()).path("kind").asText())
        .as("without the media type, the legacy list").isEqualTo("APIGroupList");
  }

  @Test
  void aCustomResourceAtAVersionItIsNotStoredIn_isConvertedByItsCrdsWebhook_andAFailedConversionIsA500() throws Exception {
    ApiServer server = cluster.server();
    server.create(Identity.admin(), Resource.of(Json.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"name\":\"hooks\"}}")));
    server.create(Identity.admin(), Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"converter","namespace":"hooks"},
         "spec":{"ports":[{"port":443}]}}""")));
    server.create(Identity.admin(), Resource.of(Json.parse("""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
         "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets"},
          "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
            "clientConfig":{"service":{"namespace":"hooks","name":"converter","path":"/convert"}}}},
          "versions":[
           {"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","properties":{
             "spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}}},
           {"name":"v2","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object","properties":{
             "spec":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}}]}}""")));
    server.admission().endpoints().service("hooks", "converter", ConversionReviews.endpoint((object, desired) -> {
      ObjectNode spec = (ObjectNode) object.get("spec");
      spec.set(desired.endsWith("/v2") ? "replicas" : "size", spec.remove(desired.endsWith("/v2") ? "size" : "replicas"));
      return object.put("apiVersion", desired);
    }));

    HttpResponse<String> created = send("POST", "/apis/example.com/v2/namespaces/default/widgets", ADMIN,
        "{\"apiVersion\":\"example.com/v2\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"replicas\":3}}", null);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Json.parse(created.body()).path("spec").toString()).isEqualTo("{\"replicas\":3}");
    assertThat(Json.parse(send("GET", "/apis/example.com/v1/namespaces/default/widgets/w", ADMIN, null, null).body())
        .path("spec").toString()).isEqualTo("{\"size\":3}");
    JsonNode list = Json.parse(send("GET", "/apis/example.com/v2/namespaces/default/widgets", ADMIN, null, null).body());
    assertThat(list.at("/items/0/spec").toString()).isEqualTo("{\"replicas\":3}");

    HttpResponse<InputStream> stream = client.send(request("GET", "/apis/example.com/v2/namespaces/default/widgets"
        + "?watch=true&resourceVersion=" + server.revision(), ADMIN, null, null), HttpResponse.BodyHandlers.ofInputStream());
    server.admission().endpoints().removeService("hooks", "converter");
    HttpResponse<String> failed = send("GET", "/apis/example.com/v2/namespaces/default/widgets/w", ADMIN, null, null);
    assertThat(failed.statusCode()).isEqualTo(500);
    JsonNode status = Json.parse(failed.body());
    assertThat(status.path("reason").asText("")).as("a plain error: no reason").isEmpty();
    assertThat(status.path("message").asText()).startsWith("conversion webhook for example.com/v1, Kind=Widget failed: "
        + "Post \"https://converter.hooks.svc:443/convert?timeout=30s\": dial tcp ").endsWith(":443: connect: connection refused");

    server.create(Identity.admin(), Resource.of(Json.parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\","
        + "\"metadata\":{\"name\":\"w2\",\"namespace\":\"default\"},\"spec\":{\"size\":1}}")));
    try (BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      JsonNode error = Json.parse(events.readLine());
      assertThat(error.get("type").asText()).isEqualTo("ERROR");
      assertThat(error.at("/object/code").asInt()).isEqualTo(500);
      assertThat(error.at("/object/reason").asText()).isEqualTo("InternalError");
      assertThat(error.at("/object/message").asText()).startsWith("Internal error occurred: conversion webhook for "
          + "example.com/v1, Kind=Widget failed: Post ");
      assertThat(events.readLine()).as("the stream ends").isNull();
    }
  }

  private static JsonNode nextChange(BufferedReader events) throws java.io.IOException {
    while (true) {
      JsonNode event = Json.parse(events.readLine());
      if (!event.get("type").asText().equals("BOOKMARK")) {
        return event;
      }
    }
  }

  private static String names(JsonNode list) {
    return String.join(",", list.get("items").findValuesAsText("name"));
  }

  private URI uri(String path) {
    return URI.create(front.url() + path);
  }

  private HttpRequest request(String method, String path, String token, String body, String contentType) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      builder.header("Content-Type", contentType == null ? "application/json" : contentType);
    }
    return builder.build();
  }

  private HttpResponse<String> send(String method, String path, String token, String body, String contentType)
      throws Exception {
    return client.send(request(method, path, token, body, contentType), HttpResponse.BodyHandlers.ofString());
  }
}
