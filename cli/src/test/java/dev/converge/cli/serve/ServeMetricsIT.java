package dev.converge.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code converge serve}'s {@code /metrics} over HTTPS, as Prometheus scrapes it: the in-memory API server's
 * meters in the Prometheus text format — requests by identity, verb, resource and code, rejections, latency —
 * counting exactly the requests made; the kubeconfig's token is needed (401 without).
 */
class ServeMetricsIT {
  @TempDir Path dir;
  private ConvergeServer server;
  private HttpClient http;
  private String token;

  @BeforeEach
  void serve() throws Exception {
    server = ConvergeServer.start(2, List.of(), 0, dir.resolve("kubeconfig"), 1);
    String kubeconfig = Files.readString(dir.resolve("kubeconfig"));
    Matcher match = Pattern.compile("token: (\\S+)").matcher(kubeconfig);
    assertThat(match.find()).as(kubeconfig).isTrue();
    token = match.group(1);
    Certificate certificate = CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(server.front().certificatePem().getBytes(StandardCharsets.US_ASCII)));
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("converge", certificate);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    http = HttpClient.newBuilder().sslContext(tls).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void metrics_countTheRequestsMade_inPrometheusText() throws Exception {
    assertThat(get("/api/v1/namespaces/default/configmaps", token).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/namespaces/default/configmaps/missing", token).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/namespaces/default/configmaps/missing", token).statusCode()).isEqualTo(404);

    HttpResponse<String> scrape = get("/metrics", token);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    List<String> lines = scrape.body().lines().toList();
    assertThat(lines).contains(
        "# TYPE converge_apiserver_requests_total counter",
        "converge_apiserver_requests_total{code=\"200\",identity=\"system:admin\",resource=\"configmaps\",verb=\"list\"} 1.0",
        "converge_apiserver_requests_total{code=\"404\",identity=\"system:admin\",resource=\"configmaps\",verb=\"get\"} 2.0",
        "# TYPE converge_apiserver_latency_seconds summary",
        "converge_apiserver_latency_seconds_count{identity=\"system:admin\",verb=\"get\"} 2");
    // The served cluster is a live simulation: its two kubelets registered their nodes before serving began, and
    // are counted too, as one identity.
    assertThat(lines).contains(
        "converge_apiserver_requests_total{code=\"201\",identity=\"system:node:*\",resource=\"nodes\",verb=\"create\"} 2.0");
    assertThat(lines).noneMatch(line -> line.startsWith("converge_apiserver_rejections_total{"));
  }

  @Test
  void metrics_needTheToken() throws Exception {
    assertThat(get("/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get("/metrics", "not-the-token").statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.front().url() + path)).GET();
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
