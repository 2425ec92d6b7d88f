package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.inmemory.admission.ConversionReviews;
import dev.converge.inmemory.admission.WebhookEndpoint;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CRD whose versions differ in shape, converted by its conversion webhook as apiextensions-apiserver 1.32
 * converts it: {@code v1} (stored) says {@code spec.size}, {@code v2} says {@code spec.replicas}. Writes at
 * {@code v2} are stored in {@code v1}, reads at either version see their own shape, the review is the one
 * kube-apiserver posts, and failed calls and invalid answers fail the request with kube-apiserver's 500.
 */
class ConversionWebhooksTest {
  private static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
       "metadata":{"name":"widgets.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets"},
        "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
          "clientConfig":{"service":{"namespace":"hooks","name":"converter","path":"/convert"}}}},
        "versions":[
         {"name":"v1","served":true,"storage":true,
          "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
            "size":{"type":"integer"}}}}}}},
         {"name":"v2","served":true,"storage":false,
          "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
            "replicas":{"type":"integer","minimum":1}}}}}}}]}}""";
  private static final GroupKind WIDGET = GroupKind.of("example.com", "Widget");
  private static final ResourceKey KEY = ResourceKey.namespaced("example.com", "Widget", "default", "w");
  private static final String FROM_V1 = "conversion webhook for example.com/v1, Kind=Widget";

  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 29);
  private final ApiServer server = cluster.server();
  private final List<JsonNode> reviews = new ArrayList<>();

  @BeforeEach
  void install() {
    server.create(ADMIN, Fixtures.namespace("hooks"));
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"converter","namespace":"hooks"},
         "spec":{"ports":[{"port":443,"targetPort":9443}],"selector":{"app":"converter"}}}""")));
    server.create(ADMIN, Fixtures.parse(CRD));
  }

  /** The webhook: renames {@code size} to {@code replicas} and back, recording each review. */
  private void serve() {
    serve(review -> ConversionReviews.convertEach(review, ConversionWebhooksTest::convert));
  }

  private void serve(UnaryOperator<JsonNode> answer) {
    server.admission().endpoints().service("hooks", "converter", (path, review) -> {
      assertThat(path).isEqualTo("/convert");
      reviews.add(review);
      return answer.apply(review);
    });
  }

  private static ObjectNode convert(ObjectNode object, String desired) {
    ObjectNode spec = (ObjectNode) object.get("spec");
    if (spec != null) {
      spec = Json.mutableCopy(spec);
      String from = desired.endsWith("/v2") ? "size" : "replicas";
      String to = desired.endsWith("/v2") ? "replicas" : "size";
      JsonNode value = spec.remove(from);
      if (value != null) {
        spec.set(to, value);
      }
      object.set("spec", spec);
    }
    object.put("apiVersion", desired);
    return object;
  }

  private static Resource widget(String version, String spec) {
    return Fixtures.parse("{\"apiVersion\":\"example.com/" + version + "\",\"kind\":\"Widget\","
        + "\"metadata\":{\"name\":\"w\",\"namespace\":\"default\"},\"spec\":" + spec + "}");
  }

  private Resource stored() {
    return server.get(ADMIN, KEY);
  }

  @Test
  void aWriteAtAnotherVersion_isConvertedByTheWebhook_storedInTheStorageVersion_andAnsweredInItsOwn() {
    serve();
    Resource created = server.create(ADMIN, widget("v2", "{\"replicas\":3}"));

    assertThat(created.apiVersion()).isEqualTo("example.com/v2");
    assertThat(created.spec().toString()).isEqualTo("{\"replicas\":3}");
    assertThat(stored().apiVersion()).isEqualTo("example.com/v1");
    assertThat(stored().spec().toString()).as("stored in v1's shape").isEqualTo("{\"size\":3}");
    assertThat(reviews).as("v2 to v1 to store, v1 to v2 to answer").hasSize(2);
    JsonNode review = reviews.get(0);
    assertThat(review.path("apiVersion").asText()).isEqualTo("apiextensions.k8s.io/v1");
    assertThat(review.path("kind").asText()).isEqualTo("ConversionReview");
    assertThat(review.path("request").path("uid").asText()).matches("[0-9a-f-]{36}");
    assertThat(review.path("request").path("desiredAPIVersion").asText()).isEqualTo("example.com/v1");
    assertThat(review.path("request").path("objects")).hasSize(1);
    assertThat(review.path("request").path("objects").get(0).path("spec").toString()).isEqualTo("{\"replicas\":3}");
    assertThat(reviews.get(1).path("request").path("desiredAPIVersion").asText()).isEqualTo("example.com/v2");
    assertThat(reviews.get(1).path("request").path("uid").asText()).isNotEqualTo(review.path("request").path("uid").asText());

    reviews.clear();
    stored();
    assertThat(reviews).as("a read in the stored version calls nothing").isEmpty();
    assertThat(server.convert(stored(), "example.com/v2").spec().toString()).isEqualTo("{\"replicas\":3}");
  }

  @Test
  void aWriteIsValidatedByTheSchemaOfTheVersionItWasWrittenIn_beforeItIsConverted() {
    serve();
    assertThatThrownBy(() -> server.create(ADMIN, widget("v2", "{\"replicas\":0}")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes())
            .containsExactly("spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"));
    assertThat(reviews).as("refused before it is converted").isEmpty();
    Resource created = server.create(ADMIN, widget("v2", "{\"replicas\":2,\"size\":9}"));
    assertThat(created.spec().toString()).as("v2's schema prunes v1's field").isEqualTo("{\"replicas\":2}");
  }

  @Test
  void updatesPatchesAndApplies_atAnotherVersion_seeTheObjectInIt() {
    serve();
    Resource created = server.create(ADMIN, widget("v2", "{\"replicas\":3}"));

    Resource updated = server.update(ADMIN, created.edit(tree -> tree.withObjectProperty("spec").put("replicas", 4)));
    assertThat(updated.spec().toString()).isEqualTo("{\"replicas\":4}");
    assertThat(stored().spec().toString()).isEqualTo("{\"size\":4}");

    Resource patched = server.patch(ADMIN, server.type(WIDGET, "v2"), KEY, PatchType.MERGE,
        Json.parse("{\"spec\":{\"replicas\":5}}"), PatchOptions.defaults());
    assertThat(patched.spec().toString()).isEqualTo("{\"replicas\":5}");
    assertThat(stored().spec().toString()).isEqualTo("{\"size\":5}");

    Resource applied = server.apply(ADMIN, widget("v2", "{\"replicas\":6}"), "alice", true);
    assertThat(applied.spec().toString()).isEqualTo("{\"replicas\":6}");
    assertThat(stored().spec().toString()).isEqualTo("{\"size\":6}");
    assertThat(stored().metadata().path("managedFields").findValuesAsText("apiVersion"))
        .as("field managers record the version they wrote in").contains("example.com/v2");
    assertThat(stored().generation()).isEqualTo(4);
  }

  @Test
  void theBackendSpi_readsListsAndWatchesAtTheMostPreferredVersion_throughTheWebhook() {
    serve();
    InMemoryBackend backend = new InMemoryBackend(server, ADMIN);
    assertThat(backend.types().find(WIDGET).orElseThrow().version()).isEqualTo("v2");
    List<String> watched = new ArrayList<>();
    backend.watch(WatchRequest.all(WIDGET), event -> watched.add(event.type() + " " + event.object().spec()));

    server.create(ADMIN, widget("v1", "{\"size\":2}"));

    assertThat(backend.get(KEY).orElseThrow().spec().toString()).isEqualTo("{\"replicas\":2}");
    assertThat(backend.list(ListRequest.all(WIDGET)).items()).extracting(r -> r.spec().toString())
        .containsExactly("{\"replicas\":2}");
    assertThat(watched).containsExactly("ADDED {\"replicas\":2}");
  }

  @Test
  void aWebhookNothingAnswers_failsEveryConversion_with500_whileTheStorageVersionStillServes() {
    server.create(ADMIN, widget("v1", "{\"size\":2}"));
    String clusterIp = server.get(ADMIN, ResourceKey.namespaced("", "Service", "hooks", "converter"))
        .spec().path("clusterIP").asText();

    assertThatThrownBy(() -> server.convert(stored(), "example.com/v2"))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage(FROM_V1 + " failed: Post \"https://converter.hooks.svc:443/convert?timeout=30s\": dial tcp "
            + clusterIp + ":443: connect: connection refused");
    assertThatThrownBy(() -> server.create(ADMIN, widget("v2", "{\"replicas\":1}").edit(t ->
        ((ObjectNode) t.get("metadata")).put("name", "other"))))
        .hasMessage("conversion webhook for example.com/v2, Kind=Widget failed: Post "
            + "\"https://converter.hooks.svc:443/convert?timeout=30s\": dial tcp " + clusterIp
            + ":443: connect: connection refused");
    assertThat(server.list(ADMIN, ListRequest.all(WIDGET)).items()).as("nothing half-written").hasSize(1);
    assertThat(stored().spec().toString()).isEqualTo("{\"size\":2}");

    server.delete(ADMIN, ResourceKey.namespaced("", "Service", "hooks", "converter"),
        dev.converge.inmemory.server.DeleteParams.defaults());
    assertThatThrownBy(() -> server.convert(stored(), "example.com/v2"))
        .hasMessage(FROM_V1 + " failed: Post \"https://converter.hooks.svc:443/convert?timeout=30s\": service "
            + "\"converter\" not found");
  }

  @Test
  void anSpiWatch_atAVersionTheWebhookCannotConvertTo_endsWithAnInternalError() {
    InMemoryBackend backend = new InMemoryBackend(server, ADMIN);
    int watches = server.watchCount();
    List<String> events = new ArrayList<>();
    List<@Nullable BackendException> closed = new ArrayList<>();
    WatchListener recorder = new WatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        events.add(event.type().name());
      }

      @Override
      public void onClose(@Nullable BackendException cause) {
        closed.add(cause);
      }
    };
    backend.watch(WatchRequest.all(WIDGET), recorder);

    server.create(ADMIN, widget("v1", "{\"size\":2}"));
    server.create(ADMIN, widget("v1", "{\"size\":3}").edit(t -> ((ObjectNode) t.get("metadata")).put("name", "w2")));

    assertThat(events).isEmpty();
    assertThat(closed).hasSize(1);
    assertThat(closed.get(0)).isInstanceOf(BackendException.Unavailable.class)
        .hasMessageStartingWith("Internal error occurred: " + FROM_V1 + " failed: Post ");
    assertThat(server.watchCount()).as("the server's watch is closed").isEqualTo(watches);

    // A watch that fails on the objects it starts with ends at once, and its server watch with it.
    backend.watch(WatchRequest.all(WIDGET), recorder);
    assertThat(events).isEmpty();
    assertThat(closed).hasSize(2);
    assertThat(server.watchCount()).isEqualTo(watches);
  }

  @Test
  void answersThatAreNotAValidConversion_failWithKubeApiserversWords() {
    server.create(ADMIN, widget("v1", "{\"size\":2}"));
    Resource w = stored();
    expectFailure(review -> ConversionReviews.failure(review, "cannot convert size 2"), FROM_V1 + " failed: cannot convert size 2");
    expectFailure(review -> {
      ObjectNode answer = ConversionReviews.failure(review, "");
      ((ObjectNode) answer.get("response")).putObject("result").put("status", "Failed");
      return answer;
    }, FROM_V1 + " failed: response.result.status was 'Failed', not 'Success'");
    expectFailure(review -> {
      ObjectNode answer = ConversionReviews.success(review, List.of());
      ((ObjectNode) answer.get("response")).put("uid", "other");
      return answer;
    }, FROM_V1 + " failed: expected response.uid=\"%s\", got \"other\"");
    expectFailure(review -> Json.object().put("apiVersion", "apiextensions.k8s.io/v1beta1").put("kind", "ConversionReview"),
        FROM_V1 + " failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got "
            + "apiextensions.k8s.io/v1beta1, Kind=ConversionReview");
    expectFailure(review -> ConversionReviews.success(review, List.of()), FROM_V1 + " returned 0 objects, expected 1");
    expectFailure(review -> ConversionReviews.convertEach(review, (object, desired) -> object),
        FROM_V1 + " returned invalid object at index 0: invalid groupVersion (expected example.com/v2, received "
            + "example.com/v1)");
    expectFailure(review -> ConversionReviews.convertEach(review, (object, desired) -> {
      ((ObjectNode) convert(object, desired).get("metadata")).put("name", "renamed");
      return object;
    }), FROM_V1 + " returned invalid object: must have the same name: w != renamed");
    expectFailure(review -> ConversionReviews.convertEach(review, (object, desired) -> {
      convert(object, desired).remove("metadata");
      return object;
    }), FROM_V1 + " returned invalid object: must have the same name: w != "); // checked before the metadata
    expectFailure(review -> ConversionReviews.convertEach(review, (object, desired) -> {
      ((ObjectNode) convert(object, desired).get("metadata")).putObject("labels").put("bad key!", "x");
      return object;
    }), FROM_V1 + " returned invalid metadata: metadata.labels: Invalid value: \"bad key!\": name part must consist "
        + "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    expectFailure(review -> ConversionReviews.convertEach(review, (object, desired) -> {
      throw new IllegalArgumentException("size must be even");
    }), FROM_V1 + " failed: size must be even");
    assertThat(stored()).as("no failed read changes anything").isEqualTo(w);
  }

  private void expectFailure(UnaryOperator<JsonNode> answer, String message) {
    reviews.clear();
    serve(answer);
    assertThatThrownBy(() -> server.convert(stored(), "example.com/v2"))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage(message.contains("%s") ? message.formatted(reviews.get(0).path("request").path("uid").asText()) : message);
  }

  @Test
  void theWebhookMayChangeLabelsAndAnnotations_butOtherMetadataChangesAreIgnored() {
    serve(review -> ConversionReviews.convertEach(review, (object, desired) -> {
      ObjectNode metadata = (ObjectNode) convert(object, desired).get("metadata");
      metadata.putObject("labels").put("converted", "true");
      metadata.putArray("finalizers").add("example.com/ignored");
      metadata.put("generation", 42);
      return object;
    }));
    server.create(ADMIN, widget("v1", "{\"size\":2}"));

    Resource v2 = server.convert(stored(), "example.com/v2");

    assertThat(v2.labels()).containsExactly(java.util.Map.entry("converted", "true"));
    assertThat(v2.finalizers()).isEmpty();
    assertThat(v2.generation()).isEqualTo(1);
    assertThat(v2.uid()).isEqualTo(stored().uid());
    assertThat(v2.resourceVersion()).isEqualTo(stored().resourceVersion());
  }

  @Test
  void anAdmissionWebhookMatchedAtAnotherVersion_seesTheObjectConvertedThere_andItsPatchComesBack() {
    serve();
    List<JsonNode> admitted = new ArrayList<>();
    server.admission().endpoints().service("hooks", "admission", (path, review) -> {
      admitted.add(review);
      ObjectNode object = (ObjectNode) Json.parse(Json.write(review.at("/request/object")));
      ((ObjectNode) object.get("spec")).put("size", object.at("/metadata/name").asText().equals("zero") ? 0 : 10);
      return AdmissionReviews.patch(review, object);
    });
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"admission","namespace":"hooks"},
         "spec":{"ports":[{"port":443}]}}""")));
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"size"},
         "webhooks":[{"name":"size.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "matchPolicy":"Equivalent",
           "clientConfig":{"service":{"namespace":"hooks","name":"admission"}},
           "rules":[{"operations":["CREATE"],"apiGroups":["example.com"],"apiVersions":["v1"],"resources":["widgets"]}]}]}""")));

    Resource created = server.create(ADMIN, widget("v2", "{\"replicas\":3}"));

    assertThat(admitted).hasSize(1);
    assertThat(admitted.get(0).at("/request/object/apiVersion").asText()).isEqualTo("example.com/v1");
    assertThat(admitted.get(0).at("/request/object/spec").toString()).as("converted by the conversion webhook")
        .isEqualTo("{\"size\":3}");
    assertThat(admitted.get(0).at("/request/kind/version").asText()).isEqualTo("v1");
    assertThat(created.spec().toString()).as("the patch, converted back").isEqualTo("{\"replicas\":10}");
    assertThat(stored().spec().toString()).isEqualTo("{\"size\":10}");
    assertThatThrownBy(() -> server.create(ADMIN, widget("v2", "{\"replicas\":3}").edit(t ->
        ((ObjectNode) t.get("metadata")).put("name", "zero"))))
        .as("v2's schema validates the patched object, converted back")
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes())
            .containsExactly("spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1"));
  }

  @Test
  void theCrdsConversion_isDefaultedAndValidated_asApiextensionsDoes() {
    JsonNode conversion = server.get(ADMIN, ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition",
        "widgets.example.com")).spec().path("conversion");
    assertThat(conversion.path("webhook").path("clientConfig").path("service").path("port").asInt())
        .as("the Service's port defaults to 443").isEqualTo(443);

    expectRefused("{\"strategy\":\"Webhook\"}",
        "spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook",
        "spec.conversion.conversionReviewVersions: Required value");
    expectRefused("{\"strategy\":\"Webhook\",\"webhook\":{\"conversionReviewVersions\":[\"v3\",\"v3\"],"
            + "\"clientConfig\":{\"url\":\"http://converter.example.com/convert?x=1\"}}}",
        "spec.conversion.webhookClientConfig.url: Invalid value: \"http://converter.example.com/convert?x=1\": "
            + "'https' is the only allowed URL scheme; desired format: https://host[/path]",
        "spec.conversion.webhookClientConfig.url: Invalid value: \"http://converter.example.com/convert?x=1\": "
            + "query parameters are not permitted in the URL",
        "spec.conversion.conversionReviewVersions[1]: Invalid value: \"v3\": duplicate version",
        "spec.conversion.conversionReviewVersions: Invalid value: []string{\"v3\", \"v3\"}: must include at least one "
            + "of v1, v1beta1");
    expectRefused("{\"strategy\":\"None\",\"webhook\":{\"conversionReviewVersions\":[\"v1\"],"
            + "\"clientConfig\":{\"service\":{\"namespace\":\"hooks\",\"name\":\"converter\"}}}}",
        "spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not set to Webhook",
        "spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not set to Webhook");
    expectRefused("{\"strategy\":\"Webhook\",\"webhook\":{\"conversionReviewVersions\":[\"v1\"],"
            + "\"clientConfig\":{\"service\":{\"name\":\"converter\",\"port\":70000,\"path\":\"convert\"}}}}",
        "spec.conversion.webhookClientConfig.service.namespace: Required value",
        "spec.conversion.webhookClientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 "
            + "and 65535, inclusive",
        "spec.conversion.webhookClientConfig.service.path: Invalid value: \"convert\": must start with a '/'");
    expectRefused("{\"strategy\":\"Magic\"}",
        "spec.conversion.strategy: Unsupported value: \"Magic\": supported values: \"None\", \"Webhook\"");
  }

  private void expectRefused(String conversion, String... causes) {
    Resource crd = Fixtures.parse(CRD.replace("widgets.example.com", "gadgets.example.com")
        .replace("\"Widget\",\"plural\":\"widgets\"", "\"Gadget\",\"plural\":\"gadgets\""));
    Resource withConversion = crd.edit(tree -> ((ObjectNode) tree.get("spec")).set("conversion", Json.parse(conversion)));
    assertThatThrownBy(() -> server.create(ADMIN, withConversion))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(causes));
  }

  @Test
  void theNoneStrategy_callsNoWebhook() {
    WebhookEndpoint never = (path, review) -> {
      throw new AssertionError("called");
    };
    server.admission().endpoints().service("hooks", "converter", never);
    Resource crd = server.get(ADMIN, ResourceKey.cluster("apiextensions.k8s.io", "CustomResourceDefinition",
        "widgets.example.com"));
    server.update(ADMIN, crd.edit(tree -> ((ObjectNode) tree.get("spec")).set("conversion",
        Json.parse("{\"strategy\":\"None\"}"))));

    server.create(ADMIN, widget("v2", "{\"replicas\":3}"));

    assertThat(stored().apiVersion()).isEqualTo("example.com/v1");
    assertThat(stored().spec().toString()).as("None only changes apiVersion, and v1's schema prunes what only v2 "
        + "declares").isEqualTo("{}");
  }
}
