package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.inmemory.admission.WebhookEndpoint;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Webhooks that the cluster's Mutating/ValidatingWebhookConfigurations configure, dispatched as kube-apiserver
 * 1.32 dispatches them and answered by in-process endpoints: the review sent, matching by rules, selectors and
 * match conditions, JSON patches, reinvocation, denials with the webhook's code, failure policies, dry runs,
 * deletes, and the configurations' own exemption.
 */
class AdmissionWebhooksTest {
  private final InMemoryCluster cluster = InMemoryCluster.create(new TestTicker(), 21);
  private final ApiServer server = cluster.server();
  private final List<JsonNode> reviews = new ArrayList<>();

  /** A webhook server at Service {@code hooks/webhooks} that records each review and answers with {@code answer}. */
  private void serve(WebhookEndpoint answer) {
    server.create(ADMIN, Fixtures.namespace("hooks"));
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"webhooks","namespace":"hooks"},
         "spec":{"ports":[{"port":443,"targetPort":8443}],"selector":{"app":"webhooks"}}}""")));
    server.admission().endpoints().service("hooks", "webhooks", (path, review) -> {
      reviews.add(review);
      return answer.post(path, review);
    });
  }

  /** A configuration with one webhook on ConfigMap creates and updates, with {@code extra} members. */
  private void configure(String kind, String name, String path, String extra) {
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"%s","metadata":{"name":"%s"},
         "webhooks":[{"name":"%s.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"service":{"namespace":"hooks","name":"webhooks","path":"%s"}},
           "rules":[{"operations":["CREATE","UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]%s}]}"""
        .formatted(kind, name, name, path, extra))));
  }

  private static WebhookEndpoint labelling(String key, String value) {
    return (path, review) -> {
      ObjectNode object = Json.mutableCopy((ObjectNode) review.path("request").path("object"));
      ObjectNode metadata = Json.mutableCopy((ObjectNode) object.get("metadata"));
      ObjectNode labels = metadata.has("labels") ? Json.mutableCopy((ObjectNode) metadata.get("labels")) : Json.object();
      labels.put(key, value);
      metadata.set("labels", labels);
      object.set("metadata", metadata);
      return AdmissionReviews.patch(review, object);
    };
  }

  @Test
  void aMutatingWebhook_getsTheReviewKubeApiserverSends_andItsPatchIsStored() {
    serve(labelling("team", "payments"));
    configure("MutatingWebhookConfiguration", "label", "/label", "");
    List<String> warnings = new ArrayList<>();
    Resource created = server.create(ADMIN, Fixtures.configMap("default", "app", "1"),
        WriteOptions.defaults().withWarnings(warnings::add));

    assertThat(created.labels()).containsEntry("team", "payments");
    assertThat(server.get(ADMIN, created.key()).labels()).containsEntry("team", "payments");
    JsonNode review = reviews.get(0);
    assertThat(review.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    JsonNode request = review.path("request");
    assertThat(request.path("uid").asText()).matches("[0-9a-f-]{36}");
    assertThat(Json.write(request.path("kind"))).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"kind\":\"ConfigMap\"}");
    assertThat(Json.write(request.path("resource"))).isEqualTo("{\"group\":\"\",\"version\":\"v1\",\"resource\":\"configmaps\"}");
    assertThat(request.path("operation").asText()).isEqualTo("CREATE");
    assertThat(request.path("namespace").asText()).isEqualTo("default");
    assertThat(request.path("name").asText()).isEqualTo("app");
    assertThat(request.path("userInfo").path("username").asText()).isEqualTo("system:admin");
    assertThat(request.path("oldObject").isNull()).isTrue();
    assertThat(request.path("dryRun").asBoolean(true)).isFalse();
    assertThat(Json.write(request.path("options"))).isEqualTo("{\"kind\":\"CreateOptions\",\"apiVersion\":\"meta.k8s.io/v1\"}");
    assertThat(warnings).isEmpty();
  }

  @Test
  void mutatingWebhooks_runInConfigurationNameOrder_eachSeeingThePreviousPatch_andIfNeededIsCalledAgain() {
    server.create(ADMIN, Fixtures.namespace("hooks"));
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"webhooks","namespace":"hooks"},
         "spec":{"ports":[{"port":443}],"selector":{"app":"webhooks"}}}""")));
    List<String> calls = new ArrayList<>();
    server.admission().endpoints().service("hooks", "webhooks", (path, review) -> {
      JsonNode labels = review.path("request").path("object").path("metadata").path("labels");
      calls.add(path + " saw " + labels.path("step").asText("-"));
      return labelling("step", path.substring(1)).post(path, review);
    });
    configure("MutatingWebhookConfiguration", "b", "/b", "");
    configure("MutatingWebhookConfiguration", "a", "/a", ",\"reinvocationPolicy\":\"IfNeeded\"");

    Resource created = server.create(ADMIN, Fixtures.configMap("default", "app", "1"));

    // "a" sorts first; "b" changes the object after it, so "a" (IfNeeded) is called once more.
    assertThat(calls).containsExactly("/a saw -", "/b saw a", "/a saw b");
    assertThat(created.labels()).containsEntry("step", "a");
  }

  @Test
  void aDenial_failsTheRequestWithTheWebhooksCode_and400WhenItGivesNone_andNothingIsStored() {
    serve((path, review) -> path.equals("/forbid") ? AdmissionReviews.deny(review, 403, "no configmaps here")
        : AdmissionReviews.deny(review, 0, ""));
    configure("ValidatingWebhookConfiguration", "forbid", "/forbid", "");

    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("admission webhook \"forbid.example.com\" denied the request: no configmaps here");
    assertThat(cluster.backend().get(ResourceKey.parse("ConfigMap/default/app"))).isEmpty();

    server.delete(ADMIN, ResourceKey.parse("admissionregistration.k8s.io/ValidatingWebhookConfiguration/forbid"), DeleteParams.defaults());
    configure("ValidatingWebhookConfiguration", "silent", "/silent", "");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessage("admission webhook \"silent.example.com\" denied the request without explanation");
  }

  @Test
  void validatingWebhooks_areAllCalled_asKubeApiserverCallsThemInParallel_andTheFirstDenialInOrderAnswers() {
    serve((path, review) -> {
      ObjectNode answer = (ObjectNode) (path.equals("/allow") ? AdmissionReviews.allow(review)
          : AdmissionReviews.deny(review, 403, "denied by " + path.substring(1)));
      ((ObjectNode) answer.get("response")).putArray("warnings").add("seen by " + path.substring(1));
      return answer;
    });
    configure("ValidatingWebhookConfiguration", "c-deny", "/second", "");
    configure("ValidatingWebhookConfiguration", "a-deny", "/first", "");
    configure("ValidatingWebhookConfiguration", "b-allow", "/allow", "");
    List<String> warnings = new ArrayList<>();

    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1"),
        WriteOptions.defaults().withWarnings(warnings::add)))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("admission webhook \"a-deny.example.com\" denied the request: denied by first");
    // Every webhook saw the request, the ones after the first denial included.
    assertThat(reviews).extracting(review -> review.path("request").path("name").asText()).hasSize(3);
    assertThat(warnings).containsExactly("seen by first", "seen by allow", "seen by second");
  }

  @Test
  void nothingListening_failsWith500UnderFail_andIsSkippedUnderIgnore() {
    server.create(ADMIN, Fixtures.namespace("hooks"));
    Resource service = server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"webhooks","namespace":"hooks"},
         "spec":{"ports":[{"port":443}],"selector":{"app":"webhooks"}}}""")));
    configure("MutatingWebhookConfiguration", "leftover", "/mutate", "");

    String ip = service.spec().path("clusterIP").asText();
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage("Internal error occurred: failed calling webhook \"leftover.example.com\": failed to call webhook: "
            + "Post \"https://webhooks.hooks.svc:443/mutate?timeout=10s\": dial tcp " + ip + ":443: connect: connection refused");

    server.delete(ADMIN, ResourceKey.parse("Service/hooks/webhooks"), DeleteParams.defaults());
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .hasMessageEndingWith("Post \"https://webhooks.hooks.svc:443/mutate?timeout=10s\": service \"webhooks\" not found");

    server.delete(ADMIN, ResourceKey.parse("admissionregistration.k8s.io/MutatingWebhookConfiguration/leftover"), DeleteParams.defaults());
    configure("MutatingWebhookConfiguration", "optional", "/mutate", ",\"failurePolicy\":\"Ignore\"");
    assertThat(server.create(ADMIN, Fixtures.configMap("default", "app", "1")).labels()).isEmpty();
  }

  @Test
  void aCaBundleWithNoCertificate_failsTheCallWhereverTheServerIs_asTheRestClientCannotBeBuilt() {
    serve((path, review) -> AdmissionReviews.allow(review));
    // Encoded twice, a common slip: valid base64, but what it decodes to is base64 again, not PEM.
    String twice = java.util.Base64.getEncoder().encodeToString("LS0tLS1CRUdJTi...".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"bundle"},
         "webhooks":[{"name":"bundle.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"service":{"namespace":"hooks","name":"webhooks","path":"/v"},"caBundle":"%s"},
           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]}]}"""
        .formatted(twice))));

    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage("Internal error occurred: failed calling webhook \"bundle.example.com\": could not get REST client:"
            + " unable to load root certificates: unable to parse bytes as PEM block");
    assertThat(reviews).isEmpty();
  }

  @Test
  void anAnswerThatIsNotAValidReview_isAFailedCall() {
    serve((path, review) -> {
      ObjectNode answer = AdmissionReviews.allow(review);
      ((ObjectNode) answer.get("response")).put("uid", "someone-else");
      return answer;
    });
    configure("ValidatingWebhookConfiguration", "confused", "/", "");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .hasMessageStartingWith("Internal error occurred: failed calling webhook \"confused.example.com\": expected response.uid=\"")
        .hasMessageEndingWith("\", got \"someone-else\"");
  }

  @Test
  void rulesAndSelectors_decideWhichRequestsAWebhookSees() {
    serve((path, review) -> AdmissionReviews.allow(review));
    server.create(ADMIN, Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"watched\",\"labels\":{\"webhooks\":\"on\"}}}")));
    configure("ValidatingWebhookConfiguration", "selective", "/", """
        ,"namespaceSelector":{"matchLabels":{"webhooks":"on"}},
         "objectSelector":{"matchExpressions":[{"key":"skip","operator":"DoesNotExist"}]}""");

    server.create(ADMIN, Fixtures.configMap("default", "unwatched-namespace", "1"));
    server.create(ADMIN, Fixtures.configMap("watched", "skipped", "1", "{\"skip\":\"yes\"}"));
    server.create(ADMIN, Fixtures.configMap("watched", "seen", "1"));
    server.create(ADMIN, Fixtures.pod("watched", "not-a-configmap", ""));
    server.delete(ADMIN, ResourceKey.parse("ConfigMap/watched/seen"), DeleteParams.defaults());

    assertThat(reviews).extracting(r -> r.path("request").path("name").asText()).containsExactly("seen");
  }

  @Test
  void matchConditions_skipTheWebhookWhenFalse_andAnErrorRefusesUnderFail() {
    serve((path, review) -> AdmissionReviews.deny(review, 403, "caught"));
    configure("ValidatingWebhookConfiguration", "conditional", "/", """
        ,"matchConditions":[{"name":"labelled","expression":"object.metadata.labels.tier == 'web'"},
                            {"name":"not-admin","expression":"request.userInfo.username != 'alice'"}]""");

    assertThat(server.create(ADMIN, Fixtures.configMap("default", "db", "1", "{\"tier\":\"db\"}")).name()).isEqualTo("db");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "web", "1", "{\"tier\":\"web\"}")))
        .hasMessage("admission webhook \"conditional.example.com\" denied the request: caught");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "bare", "1")))
        .isInstanceOf(BackendException.Forbidden.class)
        .hasMessage("configmaps \"bare\" is forbidden: expression 'object.metadata.labels.tier == 'web'' resulted in "
            + "error: no such key: labels");
    assertThat(reviews).hasSize(1);
  }

  @Test
  void aDryRun_reachesTheWebhooks_markedAsOne_andStoresNothing() {
    // v1 admits only sideEffects None and NoneOnDryRun, so every stored webhook is called on dry runs too.
    serve(labelling("seen", "yes"));
    configure("MutatingWebhookConfiguration", "label", "/label", "");

    Resource answer = server.create(ADMIN, Fixtures.configMap("default", "app", "1"), WriteOptions.defaults().withDryRun(true));

    assertThat(answer.labels()).containsEntry("seen", "yes");
    assertThat(reviews).singleElement().satisfies(r -> assertThat(r.path("request").path("dryRun").asBoolean()).isTrue());
    assertThat(cluster.backend().get(ResourceKey.parse("ConfigMap/default/app"))).isEmpty();
  }

  @Test
  void aDelete_sendsTheOldObject_andAMutatingWebhookCanDenyIt() {
    serve((path, review) -> AdmissionReviews.deny(review, 403, "keep it"));
    server.create(ADMIN, Fixtures.configMap("default", "precious", "1"));
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"guard"},
         "webhooks":[{"name":"guard.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"url":"https://guard.example.com:9443/guard"},
           "rules":[{"operations":["DELETE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]}]}""")));
    server.admission().endpoints().url("https://guard.example.com:9443", (path, review) -> {
      reviews.add(review);
      return AdmissionReviews.deny(review, 403, "keep " + review.path("request").path("oldObject").path("metadata").path("name").asText());
    });

    assertThatThrownBy(() -> server.delete(ADMIN, ResourceKey.parse("ConfigMap/default/precious"), DeleteParams.defaults()))
        .hasMessage("admission webhook \"guard.example.com\" denied the request: keep precious");
    JsonNode request = reviews.get(0).path("request");
    assertThat(request.path("operation").asText()).isEqualTo("DELETE");
    assertThat(request.path("object").isNull()).isTrue();
    assertThat(request.path("options").path("kind").asText()).isEqualTo("DeleteOptions");
    assertThat(server.get(ADMIN, ResourceKey.parse("ConfigMap/default/precious")).name()).isEqualTo("precious");
  }

  @Test
  void theConfigurationsThemselves_areExempt_soABrokenWebhookCanBeRemoved() {
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"everything"},
         "webhooks":[{"name":"everything.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"url":"https://nowhere.example.com/"},
           "rules":[{"operations":["*"],"apiGroups":["*"],"apiVersions":["*"],"resources":["*/*"]}]}]}""")));

    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .hasMessage("Internal error occurred: failed calling webhook \"everything.example.com\": failed to call webhook: "
            + "Post \"https://nowhere.example.com/?timeout=10s\": dial tcp nowhere.example.com:443: connect: connection refused");
    server.delete(ADMIN, ResourceKey.parse("admissionregistration.k8s.io/ValidatingWebhookConfiguration/everything"),
        DeleteParams.defaults());
    assertThat(server.create(ADMIN, Fixtures.configMap("default", "app", "1")).name()).isEqualTo("app");
  }

  @Test
  void aConfigurationAClusterRefuses_isRefused_withKubeApiserversCauses() {
    assertThatThrownBy(() -> server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"sloppy"},
         "webhooks":[{"name":"short.example","timeoutSeconds":31,"failurePolicy":"Maybe",
           "clientConfig":{"url":"https://hooks.example.com/","service":{"namespace":"hooks","name":"webhooks"}},
           "matchConditions":[{"name":"typo","expression":"objekt.metadata.name == 'x'"}],
           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]},
          {"name":"fine.hooks.example.com","admissionReviewVersions":["v2"],"sideEffects":"Some",
           "clientConfig":{"url":"https://hooks.example.com/"}}]}"""))))
        .isInstanceOfSatisfying(BackendException.Invalid.class, e -> assertThat(e.causes()).containsExactly(
            "webhooks[0].name: Invalid value: \"short.example\": should be a domain with at least three segments separated by dots",
            "webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1",
            "webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun",
            "webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds",
            "webhooks[0].failurePolicy: Unsupported value: \"Maybe\": supported values: \"Fail\", \"Ignore\"",
            "webhooks[0].clientConfig: Required value: exactly one of url or service is required",
            "webhooks[0].matchConditions[0].expression: Invalid value: \"objekt.metadata.name == 'x'\": compilation failed: "
                + "ERROR: <input>:1:1: undeclared reference to 'objekt' (in container '')\n | objekt.metadata.name == 'x'\n | ^",
            "webhooks[1].admissionReviewVersions: Invalid value: []string{\"v2\"}: must include at least one of v1, v1beta1",
            "webhooks[1].sideEffects: Unsupported value: \"Some\": supported values: \"None\", \"NoneOnDryRun\""));
    assertThat(cluster.backend().get(ResourceKey.parse("admissionregistration.k8s.io/MutatingWebhookConfiguration/sloppy"))).isEmpty();
  }

  @Test
  void diff_writesTheOperationsThatTurnOneDocumentIntoTheOther() {
    JsonNode from = Json.parse("{\"a\":1,\"b\":{\"c\":[1,2],\"d/e\":\"x\"},\"gone\":true}");
    JsonNode to = Json.parse("{\"a\":1,\"b\":{\"c\":[1,2,3],\"d/e\":\"y\"},\"new\":{\"k\":\"v\"}}");
    assertThat(Json.write(AdmissionReviews.diff(from, to))).isEqualTo("[{\"op\":\"remove\",\"path\":\"/gone\"},"
        + "{\"op\":\"replace\",\"path\":\"/b/c\",\"value\":[1,2,3]},{\"op\":\"replace\",\"path\":\"/b/d~1e\",\"value\":\"y\"},"
        + "{\"op\":\"add\",\"path\":\"/new\",\"value\":{\"k\":\"v\"}}]");
    assertThat(AdmissionReviews.diff(from, from)).isEmpty();
  }
}
