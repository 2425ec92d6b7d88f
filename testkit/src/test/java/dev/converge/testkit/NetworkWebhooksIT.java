package dev.converge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks called over the network, as kube-apiserver calls a {@code clientConfig.url} and as envtest's webhook
 * servers are called: a {@link LoopbackWebhookServer} (real HTTPS on loopback) trusted through the configuration's
 * {@code caBundle}. The review arrives as JSON at the URL's path with the timeout query; an untrusted certificate,
 * an error status and a server too slow for {@code timeoutSeconds} fail the call with Go's and client-go's words;
 * and without {@code callUrlsOverNetwork} nothing is posted. A {@code clientConfig.service} routed to a network
 * address ({@code serviceAt}) is posted to there, with the certificate checked for the Service's name.
 */
class NetworkWebhooksIT {
  private static final Identity ADMIN = Identity.admin();

  private final ApiServer server = InMemoryCluster.create(Ticker.system(), 31).server();
  private LoopbackWebhookServer webhooks;
  private LoopbackWebhookServer stranger;

  @BeforeEach
  void start() {
    webhooks = LoopbackWebhookServer.start(exchange -> {
      JsonNode review = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/slow")) {
        try {
          Thread.sleep(2500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (path.equals("/missing")) {
        exchange.sendResponseHeaders(404, -1);
        exchange.close();
        return;
      }
      byte[] answer = Json.write(injected(review)).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    stranger = LoopbackWebhookServer.start((path, review) -> injected(review));
  }

  private static JsonNode injected(JsonNode review) {
    ObjectNode object = (ObjectNode) Json.parse(Json.write(review.at("/request/object")));
    ((ObjectNode) object.get("metadata")).putObject("labels").put("injected", "over-the-network");
    return AdmissionReviews.patch(review, object);
  }

  @AfterEach
  void stop() {
    webhooks.close();
    stranger.close();
  }

  private void configure(String url, String caBundle, String extra) {
    configureClient("{\"url\":\"%s\",\"caBundle\":\"%s\"}".formatted(url, caBundle), extra);
  }

  private void configureService(String path, String caBundle) {
    configureClient("{\"service\":{\"namespace\":\"system\",\"name\":\"hooks\",\"path\":\"%s\"},\"caBundle\":\"%s\"}"
        .formatted(path, caBundle), "");
  }

  private void configureClient(String clientConfig, String extra) {
    try {
      server.delete(ADMIN, ResourceKey.cluster("admissionregistration.k8s.io", "MutatingWebhookConfiguration", "inject"),
          DeleteParams.defaults());
    } catch (BackendException.NotFound first) {
      // none configured yet
    }
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"inject"},
         "webhooks":[{"name":"inject.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":%s,
           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]%s}]}"""
        .formatted(clientConfig, extra))));
  }

  private Resource configMap(String name) {
    return KubeObjects.configMap("default", name, "k", "1");
  }

  @Test
  void aWebhookAtAUrl_isPostedTheReviewOverHttps_trustingItsCaBundle() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    configure(stranger.url("/mutate"), stranger.caBundle(), "");

    Resource created = server.create(ADMIN, configMap("app"));

    assertThat(created.labels()).containsEntry("injected", "over-the-network");
    assertThat(stranger.requests()).containsExactly("POST /mutate?timeout=10s");
  }

  @Test
  void failedCalls_followTheFailurePolicy_withGoAndClientGosWords() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    String failed = "Internal error occurred: failed calling webhook \"inject.example.com\": failed to call webhook: ";
    configure(webhooks.url("/mutate"), stranger.caBundle(), "");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("untrusted")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage(failed + "Post \"" + webhooks.url("/mutate") + "?timeout=10s\": tls: failed to verify certificate: "
            + "x509: certificate signed by unknown authority");

    configure(webhooks.url("/missing"), webhooks.caBundle(), "");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("missing")))
        .hasMessage(failed + "the server could not find the requested resource");

    configure(webhooks.url("/slow"), webhooks.caBundle(), ",\"timeoutSeconds\":1");
    assertThatThrownBy(() -> server.create(ADMIN, configMap("slow")))
        .hasMessage(failed + "Post \"" + webhooks.url("/slow") + "?timeout=1s\": context deadline exceeded");

    configure(webhooks.url("/mutate"), webhooks.caBundle(), "");
    assertThat(server.create(ADMIN, configMap("trusted")).labels()).containsEntry("injected", "over-the-network");
  }

  @Test
  void aServerThatHangsUpWithoutAnswering_isAnEof_asGosClientSaysIt() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    try (LoopbackWebhookServer hangUp = LoopbackWebhookServer.start(exchange -> exchange.close())) {
      configure(hangUp.url("/mutate"), hangUp.caBundle(), "");
      assertThatThrownBy(() -> server.create(ADMIN, configMap("hung-up")))
          .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
          .hasMessage("Internal error occurred: failed calling webhook \"inject.example.com\": failed to call webhook: "
              + "Post \"" + hangUp.url("/mutate") + "?timeout=10s\": EOF");
    }
  }

  @Test
  void withoutCallsOverTheNetwork_aUrlNothingIsRegisteredFor_isRefusedWithoutAPost() {
    configure(stranger.url("/mutate"), stranger.caBundle(), "");
    String address = stranger.url("").substring("https://".length());
    assertThatThrownBy(() -> server.create(ADMIN, configMap("app")))
        .hasMessageEndingWith("Post \"" + stranger.url("/mutate") + "?timeout=10s\": dial tcp " + address
            + ": connect: connection refused");
    assertThat(stranger.requests()).isEmpty();
  }

  @Test
  void aWebhookAtAService_routedToAnAddress_isPostedThere_withItsCertificateCheckedForTheServiceName() {
    String failed = "Internal error occurred: failed calling webhook \"inject.example.com\": failed to call webhook: ";
    String url = "https://hooks.system.svc:443/mutate-v1-configmap?timeout=10s";
    try (LoopbackWebhookServer operator = LoopbackWebhookServer.start((path, review) -> injected(review),
        List.of("hooks.system.svc"))) {
      server.admission().endpoints().serviceAt("system", "hooks", operator.address());
      configureService("/mutate-v1-configmap", operator.caBundle());
      assertThatThrownBy(() -> server.create(ADMIN, configMap("no-service")))
          .hasMessage(failed + "Post \"" + url + "\": service \"hooks\" not found");

      server.create(ADMIN, KubeObjects.namespace("system"));
      server.create(ADMIN, KubeObjects.service("system", "hooks", 443));
      assertThat(server.create(ADMIN, configMap("routed")).labels()).containsEntry("injected", "over-the-network");
      // The webhook sees every ConfigMap created: the root CA publisher's kube-root-ca.crt in the new namespace
      // (refused while the Service was missing, made once it exists), then this one.
      assertThat(operator.requests()).containsExactly("POST /mutate-v1-configmap?timeout=10s",
          "POST /mutate-v1-configmap?timeout=10s");

      // A certificate for 127.0.0.1 and localhost only: Go checks the name first, as x509.Certificate.Verify does.
      server.admission().endpoints().serviceAt("system", "hooks", stranger.address());
      configureService("/mutate-v1-configmap", stranger.caBundle());
      assertThatThrownBy(() -> server.create(ADMIN, configMap("wrong-name")))
          .hasMessage(failed + "Post \"" + url + "\": tls: failed to verify certificate: x509: certificate is valid for"
              + " localhost, not hooks.system.svc");
      assertThat(stranger.requests()).isEmpty();

      // The routed address of a server that is gone: the dial names the address, as Go's dialer does.
      String gone = operator.address();
      operator.close();
      server.admission().endpoints().serviceAt("system", "hooks", gone);
      configureService("/mutate-v1-configmap", operator.caBundle());
      assertThatThrownBy(() -> server.create(ADMIN, configMap("gone")))
          .hasMessage(failed + "Post \"" + url + "\": dial tcp " + gone + ": connect: connection refused");
    }
    assertThat(server.admission().endpoints().removeService("system", "hooks")).isTrue();
    assertThatThrownBy(() -> server.admission().endpoints().serviceAt("system", "hooks", "127.0.0.1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("not host:port with a port between 1 and 65535: 127.0.0.1");
  }

  @Test
  void aWebhookServerMayCallTheApiServerBack_whileItAnswers_forTheLockIsLetGoDuringTheCall() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    server.create(ADMIN, configMap("reference"));
    try (LoopbackWebhookServer reading = LoopbackWebhookServer.start((path, review) -> {
      // A handler with a live client, not an informer: it reads from the API server before it answers.
      Resource reference = server.get(ADMIN, ResourceKey.namespaced("", "ConfigMap", "default", "reference"));
      ObjectNode object = (ObjectNode) Json.parse(Json.write(review.at("/request/object")));
      ((ObjectNode) object.get("metadata")).putObject("labels").put("copied", reference.resourceVersion());
      return AdmissionReviews.patch(review, object);
    })) {
      // Held under the lock, the read would wait for the call's own 2 s timeout and the create would fail.
      configure(reading.url("/mutate"), reading.caBundle(), ",\"timeoutSeconds\":2");
      Resource created = server.create(ADMIN, configMap("app"));
      assertThat(created.labels()).containsKey("copied");
    }
  }

  @Test
  void anObjectWrittenWhileTheLockWasLetGo_failsAStaleUpdateWith409_andAPatchStartsAgainOnIt() throws Exception {
    server.admission().endpoints().callUrlsOverNetwork(true);
    Resource app = server.create(ADMIN, configMap("app"));
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<String> meanwhile = new java.util.concurrent.atomic.AtomicReference<>();
    try (LoopbackWebhookServer racing = LoopbackWebhookServer.start((path, review) -> {
      if (calls.incrementAndGet() == 1 && meanwhile.get() != null) {
        // Another client writes the same object while the first request waits for this answer.
        Resource current = server.get(ADMIN, ResourceKey.namespaced("", "ConfigMap", "default", "app"));
        server.update(ADMIN, current.withLabel("written-by", meanwhile.get()));
      }
      return AdmissionReviews.allow(review);
    })) {
      server.create(ADMIN, Resource.of(Json.parse("""
          {"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"race"},
           "webhooks":[{"name":"race.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
             "clientConfig":{"url":"%s","caBundle":"%s"},
             "rules":[{"operations":["UPDATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]}]}"""
          .formatted(racing.url("/validate"), racing.caBundle()))));

      meanwhile.set("other-client");
      Resource stale = app.withLabel("written-by", "update");
      assertThatThrownBy(() -> server.update(ADMIN, stale))
          .isInstanceOfSatisfying(BackendException.Conflict.class, e -> assertThat(e.code()).isEqualTo(409))
          .hasMessage("Operation cannot be fulfilled on configmaps \"app\": the object has been modified; please apply"
              + " your changes to the latest version and try again");
      assertThat(server.get(ADMIN, app.key()).labels()).containsEntry("written-by", "other-client");

      calls.set(0);
      meanwhile.set("second-client");
      Resource patched = server.patch(ADMIN, app.key(), dev.converge.inmemory.server.PatchType.MERGE,
          Json.parse("{\"data\":{\"k\":\"2\"}}"), dev.converge.inmemory.server.PatchOptions.defaults());
      // Started again on what the other client stored: both changes are kept, and the webhook saw the patch twice.
      assertThat(patched.labels()).containsEntry("written-by", "second-client");
      assertThat(patched.json().path("data").path("k").asText()).isEqualTo("2");
      assertThat(calls.get()).isEqualTo(3);
    }
  }

  @Test
  void aConversionWebhookServer_mayCallTheApiServerBack_whileItConvertsAnAnswer() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    server.create(ADMIN, configMap("reference"));
    try (LoopbackWebhookServer converter = LoopbackWebhookServer.start(
        dev.converge.inmemory.admission.ConversionReviews.endpoint((object, desired) -> {
          Resource reference = server.get(ADMIN, ResourceKey.namespaced("", "ConfigMap", "default", "reference"));
          ((ObjectNode) object.get("spec")).put("reference", reference.resourceVersion());
          return object.put("apiVersion", desired);
        }))) {
      String version = "{\"name\":\"%s\",\"served\":true,\"storage\":%s,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
          + "\"properties\":{\"spec\":{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":true}}}}}";
      server.create(ADMIN, Resource.of(Json.parse("""
          {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
           "spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Widget","plural":"widgets"},
             "conversion":{"strategy":"Webhook","webhook":{"conversionReviewVersions":["v1"],
               "clientConfig":{"url":"%s","caBundle":"%s"}}},
             "versions":[%s,%s]}}""".formatted(converter.url("/convert"), converter.caBundle(),
          version.formatted("v1", "true"), version.formatted("v2", "false")))));
      Resource widget = server.create(ADMIN, Resource.of(Json.parse("""
          {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"default"},"spec":{"size":1}}""")));

      // Held under the lock, the converter's read would wait out the call's 30 s timeout.
      Resource converted = server.convert(widget, "example.com/v2");
      assertThat(converted.apiVersion()).isEqualTo("example.com/v2");
      assertThat(converted.spec().path("reference").asText()).isNotEmpty();
      assertThat(converter.requests()).containsExactly("POST /convert?timeout=30s");
    }
  }
}
