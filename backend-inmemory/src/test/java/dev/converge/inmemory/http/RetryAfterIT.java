package dev.converge.inmemory.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.converge.api.Json;
import dev.converge.api.Ticker;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.faults.FaultInjector;
import dev.converge.inmemory.server.RequestInterceptor;
import dev.converge.inmemory.server.Verb;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A throttled request is answered with a {@code Retry-After} header as well as the Status body's {@code
 * retryAfterSeconds}, as kube-apiserver's {@code responsewriters.ErrorNegotiated} writes it: client-go retries a
 * 429 or a 5xx only when the header is there ({@code rest.checkWait}), so the machine's {@code kubectl} gets its
 * list after one throttled attempt instead of failing with {@code TooManyRequests}.
 */
class RetryAfterIT {
  private static final String ADMIN = "admin-token";
  @TempDir Path dir;

  @Test
  void a429_carriesItsRetryAfter_inTheHeaderAndTheStatus() throws Exception {
    FaultInjector faults = FaultInjector.builder(1).throttling(1.0).retryAfter(Duration.ofSeconds(7)).build();
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 1, b -> b.interceptor(faults));
    try (HttpFront front = HttpFront.builder(cluster.server()).plainHttp().adminToken(ADMIN).start()) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(front.url() + "/api/v1/namespaces/default/configmaps"))
              .header("Authorization", "Bearer " + ADMIN).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(Json.parse(response.body()).at("/details/retryAfterSeconds").asInt()).isEqualTo(7);
    }
  }

  @Test
  void aGenerateNameConflict_isA409WithRetryAfterOne() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 1);
    cluster.create("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"web-abcde\",\"namespace\":\"default\"}}");
    try (HttpFront front = HttpFront.builder(cluster.server()).plainHttp().adminToken(ADMIN).start()) {
      String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"web-abcde\","
          + "\"generateName\":\"web-\",\"namespace\":\"default\"}}";
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(front.url() + "/api/v1/namespaces/default/configmaps"))
              .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(409);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
      var status = Json.parse(response.body());
      assertThat(status.path("reason").asText()).isEqualTo("AlreadyExists");
      assertThat(status.path("message").asText())
          .isEqualTo("configmaps \"web-abcde\" already exists, the server was not able to generate a unique name for the object");
      assertThat(status.at("/details/retryAfterSeconds").asInt()).isEqualTo(1);
    }
  }

  @Test
  void a404_hasNoRetryAfter() throws Exception {
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 1);
    try (HttpFront front = HttpFront.builder(cluster.server()).plainHttp().adminToken(ADMIN).start()) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(front.url() + "/api/v1/namespaces/default/configmaps/missing"))
              .header("Authorization", "Bearer " + ADMIN).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.headers().firstValue("Retry-After")).isEmpty();
    }
  }

  @Test
  void kubectl_retriesAThrottledList_afterItsRetryAfter() throws Exception {
    assumeTrue(kubectlAvailable(), "kubectl is not on the PATH: skipping");
    AtomicInteger lists = new AtomicInteger();
    RequestInterceptor throttleTheFirstList = new RequestInterceptor() {
      @Override
      public <T> T intercept(dev.converge.inmemory.server.RequestContext request, Chain<T> next) {
        if (request.info().verb() == Verb.LIST && request.info().resource().equals("configmaps")
            && lists.incrementAndGet() == 1) {
          throw new BackendException.Unavailable(429, "Too many requests, please try again later.", Duration.ofSeconds(1));
        }
        return next.proceed();
      }
    };
    InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 1, b -> b.interceptor(throttleTheFirstList));
    cluster.create("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":\"default\"}}");
    try (HttpFront front = HttpFront.builder(cluster.server()).adminToken(ADMIN).start()) {
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, front.kubeconfig(ADMIN), StandardCharsets.UTF_8);
      Process kubectl = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "--cache-dir",
          dir.resolve("cache").toString(), "get", "configmaps", "-n", "default", "-o", "name")
          .redirectErrorStream(true).start();
      String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(kubectl.exitValue()).as(out).isZero();
      assertThat(out).contains("configmap/settings").doesNotContain("TooManyRequests");
      assertThat(lists.get()).as("lists: the throttled one and its retry").isEqualTo(2);
    }
  }

  private static boolean kubectlAvailable() {
    try {
      Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
