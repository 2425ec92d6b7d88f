package dev.converge.inmemory;

import static dev.converge.inmemory.Fixtures.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.TokenIssuer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST serviceaccounts/<name>/token}: the answer carries the issuer's token and its expiry on the server's
 * clock; durations under ten minutes are invalid; the service account must exist and the caller needs
 * {@code create} on {@code serviceaccounts/token}.
 */
class TokenRequestTest {
  private final TestTicker ticker = new TestTicker();
  private final InMemoryCluster cluster = InMemoryCluster.create(ticker, 13);
  private final ApiServer server = cluster.server();
  private final List<Instant> expiries = new ArrayList<>();
  private final TokenIssuer issuer = (account, expires) -> {
    expiries.add(expires);
    return "token-for-" + account.name();
  };
  private final ResourceKey robot = ResourceKey.namespaced("", "ServiceAccount", "default", "robot");

  @Test
  void aTokenRequest_isAnsweredWithTheIssuersToken_andItsExpiry() {
    server.create(ADMIN, Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"robot\",\"namespace\":\"default\"}}")));
    JsonNode answer = server.requestToken(ADMIN, robot, Json.parse("{\"spec\":{\"expirationSeconds\":1200}}"), issuer);
    assertThat(answer.path("kind").asText()).isEqualTo("TokenRequest");
    assertThat(answer.path("status").path("token").asText()).isEqualTo("token-for-robot");
    assertThat(expiries).containsExactly(ticker.now().plusSeconds(1200));
    assertThat(answer.path("spec").path("audiences").get(0).asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");

    assertThatThrownBy(() -> server.requestToken(ADMIN, robot, Json.parse("{\"spec\":{\"expirationSeconds\":300}}"), issuer))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("TokenRequest.authentication.k8s.io \"robot\" is invalid: spec.expirationSeconds: Invalid value: 300: "
            + "may not specify a duration less than 10 minutes");
    assertThatThrownBy(() -> server.requestToken(Identity.user("bob"), robot, Json.parse("{}"), issuer))
        .isInstanceOf(BackendException.Forbidden.class);
    assertThatThrownBy(() -> server.requestToken(ADMIN, ResourceKey.namespaced("", "ServiceAccount", "default", "none"),
        Json.parse("{}"), issuer)).isInstanceOf(BackendException.NotFound.class);
    assertThat(expiries).hasSize(1);
  }

  @Test
  void aBoundToken_needsItsObject_withTheUidItNames() {
    server.create(ADMIN, Resource.of(Json.parse(
        "{\"apiVersion\":\"v1\",\"kind\":\"ServiceAccount\",\"metadata\":{\"name\":\"robot\",\"namespace\":\"default\"}}")));
    Resource pod = server.create(ADMIN, Fixtures.pod("default", "web", "node-1"));
    String bound = "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"name\":\"%s\",\"uid\":\"%s\"}}}";
    JsonNode answer = server.requestToken(ADMIN, robot, Json.parse(bound.formatted("web", pod.uid())), issuer);
    assertThat(answer.at("/spec/boundObjectRef/uid").asText()).isEqualTo(pod.uid());

    assertThatThrownBy(() -> server.requestToken(ADMIN, robot, Json.parse(bound.formatted("gone", "")), issuer))
        .isInstanceOf(BackendException.NotFound.class).hasMessage("pods \"gone\" not found");
    assertThatThrownBy(() -> server.requestToken(ADMIN, robot, Json.parse(bound.formatted("web", "0000")), issuer))
        .isInstanceOf(BackendException.Conflict.class)
        .hasMessage("Operation cannot be fulfilled on Pod \"web\": the UID in the bound object reference (0000) does"
            + " not match the UID in record. The object might have been deleted and then recreated");
    assertThatThrownBy(() -> server.requestToken(ADMIN, robot, Json.parse(
        "{\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"name\":\"x\"}}}"), issuer))
        .isInstanceOf(BackendException.Invalid.class)
        .hasMessage("cannot bind token for serviceaccount \"robot\" to object of type /v1, Kind=ConfigMap");
    assertThat(expiries).hasSize(1);
  }
}
