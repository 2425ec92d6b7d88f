package dev.converge.inmemory.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.Json;
import dev.converge.api.Ticker;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.faults.FaultInjector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A throttled request is answered with a {@code Retry-After} header as well as the Status body's {@code
 * retryAfterSeconds}, as kube-apiserver's {@code responsewriters.ErrorNegotiated} writes it: client-go retries a
 * 429 or a 5xx only when the header is there ({@code rest.checkWait}); testkit's {@code KubectlIT} shows the
 * machine's {@code kubectl} retrying. A create whose generated name is taken is a 409 with {@code Retry-After: 1}
 * ({@code errors.NewGenerateNameConflict}).
 */
class RetryAfterIT {
  private static final String ADMIN = "admin-token";

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
}
