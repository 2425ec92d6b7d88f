package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.inmemory.server.ApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks called over the network, as kube-apiserver calls a {@code clientConfig.url} and as envtest's webhook
 * servers are called: a real HTTPS server on loopback, with a certificate made by the JDK's keytool, trusted
 * through the configuration's {@code caBundle}. The review arrives as JSON at the URL's path with the timeout
 * query; an untrusted certificate, an error status and a server too slow for {@code timeoutSeconds} fail the call
 * with Go's and client-go's words; and without {@code callUrlsOverNetwork} nothing is posted.
 */
class NetworkWebhooksIT {
  private static final String PASSWORD = "changeit";
  private static Path keystore;
  private static String caBundle;
  private static String otherCaBundle;

  private final ApiServer server = InMemoryCluster.create(new TestTicker(), 31).server();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private HttpsServer webhooks;

  @BeforeAll
  static void certificates(@TempDir Path dir) throws Exception {
    keystore = dir.resolve("webhook.p12");
    caBundle = certificate(keystore);
    otherCaBundle = certificate(dir.resolve("other.p12"));
  }

  /** A self-signed certificate for 127.0.0.1 in a new PKCS12 keystore; returns it as a caBundle (base64 PEM). */
  private static String certificate(Path store) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    run(keytool.toString(), "-genkeypair", "-alias", "webhook", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
    Path pem = store.resolveSibling(store.getFileName() + ".pem");
    run(keytool.toString(), "-exportcert", "-rfc", "-alias", "webhook", "-keystore", store.toString(), "-storepass",
        PASSWORD, "-file", pem.toString());
    return Base64.getEncoder().encodeToString(Files.readAllBytes(pem));
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + "\n" + output).isZero();
  }

  @BeforeEach
  void startWebhookServer() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD.toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(keyManagers.getKeyManagers(), null, null);
    webhooks = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhooks.setHttpsConfigurator(new HttpsConfigurator(tls));
    webhooks.setExecutor(threads);
    webhooks.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
          + exchange.getRequestHeaders().getFirst("Content-Type"));
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
      ObjectNode object = (ObjectNode) Json.parse(Json.write(review.at("/request/object")));
      ((ObjectNode) object.get("metadata")).putObject("labels").put("injected", "over-the-network");
      byte[] answer = Json.write(AdmissionReviews.patch(review, object)).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    webhooks.start();
  }

  @AfterEach
  void stop() {
    webhooks.stop(0);
    threads.shutdownNow();
  }

  private String url(String path) {
    return "https://127.0.0.1:" + webhooks.getAddress().getPort() + path;
  }

  private void configure(String path, String bundle, String extra) {
    server.create(ADMIN, Resource.of(Json.parse("""
        {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"inject"},
         "webhooks":[{"name":"inject.example.com","admissionReviewVersions":["v1"],"sideEffects":"None",
           "clientConfig":{"url":"%s","caBundle":"%s"},
           "rules":[{"operations":["CREATE"],"apiGroups":[""],"apiVersions":["v1"],"resources":["configmaps"]}]%s}]}"""
        .formatted(url(path), bundle, extra))));
  }

  @Test
  void aWebhookAtAUrl_isPostedTheReviewOverHttps_trustingItsCaBundle() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    configure("/mutate", caBundle, "");

    Resource created = server.create(ADMIN, Fixtures.configMap("default", "app", "1"));

    assertThat(created.labels()).containsEntry("injected", "over-the-network");
    assertThat(requests).containsExactly("POST /mutate?timeout=10s application/json");
  }

  @Test
  void failedCalls_followTheFailurePolicy_withGoAndClientGosWords() {
    server.admission().endpoints().callUrlsOverNetwork(true);
    configure("/mutate", otherCaBundle, "");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "untrusted", "1")))
        .isInstanceOfSatisfying(BackendException.Unavailable.class, e -> assertThat(e.code()).isEqualTo(500))
        .hasMessage("Internal error occurred: failed calling webhook \"inject.example.com\": failed to call webhook: "
            + "Post \"" + url("/mutate") + "?timeout=10s\": tls: failed to verify certificate: x509: certificate "
            + "signed by unknown authority");

    server.delete(ADMIN, dev.converge.api.ResourceKey.cluster("admissionregistration.k8s.io",
        "MutatingWebhookConfiguration", "inject"), dev.converge.inmemory.server.DeleteParams.defaults());
    configure("/missing", caBundle, "");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "missing", "1")))
        .hasMessage("Internal error occurred: failed calling webhook \"inject.example.com\": failed to call webhook: "
            + "the server could not find the requested resource");

    server.delete(ADMIN, dev.converge.api.ResourceKey.cluster("admissionregistration.k8s.io",
        "MutatingWebhookConfiguration", "inject"), dev.converge.inmemory.server.DeleteParams.defaults());
    configure("/slow", caBundle, ",\"timeoutSeconds\":1");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "slow", "1")))
        .hasMessage("Internal error occurred: failed calling webhook \"inject.example.com\": failed to call webhook: "
            + "Post \"" + url("/slow") + "?timeout=1s\": context deadline exceeded");
  }

  @Test
  void withoutCallsOverTheNetwork_aUrlNothingIsRegisteredFor_isRefusedWithoutAPost() {
    configure("/mutate", caBundle, ",\"failurePolicy\":\"Fail\"");
    assertThatThrownBy(() -> server.create(ADMIN, Fixtures.configMap("default", "app", "1")))
        .hasMessageEndingWith("Post \"" + url("/mutate") + "?timeout=10s\": dial tcp 127.0.0.1:"
            + webhooks.getAddress().getPort() + ": connect: connection refused");
    assertThat(requests).isEmpty();
  }
}
