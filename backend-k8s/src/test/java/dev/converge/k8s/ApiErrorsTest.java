package dev.converge.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.api.backend.BackendException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The mapping of API answers to typed failures: the HTTP code decides the type, the {@code Status} body
 * supplies message, causes, apply conflicts and the retry hint.
 */
class ApiErrorsTest {

  private static String status(int code, String reason, String message, String details) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code
        + ",\"reason\":\"" + reason + "\",\"message\":\"" + message + "\",\"details\":" + details + "}";
  }

  @Test
  void conflict_onUpdate_isRetryableConflictWithoutFieldConflicts() {
    BackendException e = ApiErrors.fromResponse(409, null,
        status(409, "Conflict", "the object has been modified", "{}"), HttpVerb.UPDATE, "ConfigMap/ns/a");

    assertThat(e).isInstanceOf(BackendException.Conflict.class);
    assertThat(((BackendException.Conflict) e).fieldConflicts()).isEmpty();
    assertThat(e.isRetryable()).isTrue();
    assertThat(e.getMessage()).isEqualTo("update ConfigMap/ns/a: the object has been modified");
  }

  @Test
  void conflict_onApply_listsEachFieldWithTheOtherManager() {
    String details = "{\"causes\":["
        + "{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"kubectl\\\" using apps/v1\",\"field\":\".spec.replicas\"},"
        + "{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"helm\\\" using apps/v1\",\"field\":\".metadata.labels.app\"}]}";
    BackendException e = ApiErrors.fromResponse(409, null, status(409, "Conflict", "Apply failed with 2 conflicts", details),
        HttpVerb.APPLY, "apps/Deployment/ns/web");

    assertThat(e).isInstanceOf(BackendException.Conflict.class);
    assertThat(((BackendException.Conflict) e).fieldConflicts())
        .containsExactly("kubectl: .spec.replicas", "helm: .metadata.labels.app");
    assertThat(e.isRetryable()).isFalse();
  }

  @Test
  void conflict_onCreate_isAlreadyExists_evenWhenTheServerSaysInvalid() {
    // The fabric8 mock answers a duplicate create with 409 and reason Invalid.
    BackendException e = ApiErrors.fromResponse(409, null, status(409, "Invalid", "ConfigMap 'a' already exists", "{}"),
        HttpVerb.CREATE, "ConfigMap/ns/a");

    assertThat(e).isInstanceOf(BackendException.AlreadyExists.class);
  }

  @Test
  void aGenerateNameConflict_keepsItsRetryAfter_andAPlainOneHasNone() {
    String message = "configmaps \\\"web-abcde\\\" already exists, the server was not able to generate a unique name for the object";
    BackendException generated = ApiErrors.fromResponse(409, "1",
        status(409, "AlreadyExists", message, "{\"name\":\"web-abcde\",\"kind\":\"configmaps\",\"retryAfterSeconds\":1}"),
        HttpVerb.CREATE, "ConfigMap/default/web-abcde");
    assertThat(generated).isInstanceOf(BackendException.AlreadyExists.class);
    assertThat(((BackendException.AlreadyExists) generated).retryAfter()).hasSeconds(1);
    BackendException plain = ApiErrors.fromResponse(409, null, status(409, "AlreadyExists", "exists", "{}"), HttpVerb.CREATE, "x");
    assertThat(((BackendException.AlreadyExists) plain).retryAfter()).isZero();
  }

  @Test
  void reasonAlreadyExists_isAlreadyExists_forAnyVerb() {
    assertThat(ApiErrors.fromResponse(409, null, status(409, "AlreadyExists", "exists", "{}"), HttpVerb.APPLY, "x"))
        .isInstanceOf(BackendException.AlreadyExists.class);
  }

  @Test
  void invalid_listsCausesAsFieldColonMessage() {
    String details = "{\"causes\":[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.selector\"},"
        + "{\"reason\":\"ValueRequired\",\"message\":\"Required value: kind is required\"}]}";
    BackendException e = ApiErrors.fromResponse(422, null, status(422, "Invalid", "Deployment is invalid", details),
        HttpVerb.CREATE, "apps/Deployment/ns/web");

    assertThat(e).isInstanceOf(BackendException.Invalid.class);
    assertThat(((BackendException.Invalid) e).causes())
        .containsExactly("spec.selector: Required value", "Required value: kind is required");
  }

  @Test
  void badRequest_isInvalid_keepingCode400() {
    BackendException e = ApiErrors.fromResponse(400, null, status(400, "BadRequest", "field label not supported: data.k", "{}"),
        HttpVerb.LIST, "ConfigMap");

    assertThat(e).isInstanceOf(BackendException.Invalid.class);
    assertThat(e.code()).isEqualTo(400);
  }

  @Test
  void unprocessableEntity_isInvalid_withCode422() {
    assertThat(ApiErrors.fromResponse(422, null, "", HttpVerb.CREATE, "x").code()).isEqualTo(422);
  }

  @Test
  void unauthorizedAndForbidden_areForbidden() {
    assertThat(ApiErrors.fromResponse(401, null, "", HttpVerb.GET, "x")).isInstanceOf(BackendException.Forbidden.class);
    assertThat(ApiErrors.fromResponse(403, null, status(403, "Forbidden", "no", "{}"), HttpVerb.GET, "x"))
        .isInstanceOfSatisfying(BackendException.Forbidden.class, e -> assertThat(e.causes()).isEmpty());
    // An admission policy's refusal repeats its message as the Status's one cause.
    assertThat(ApiErrors.fromResponse(403, null, status(403, "Forbidden", "denied",
        "{\"causes\":[{\"message\":\"ValidatingAdmissionPolicy 'p' with binding 'b' denied request: no\"}]}"),
        HttpVerb.CREATE, "x"))
        .isInstanceOfSatisfying(BackendException.Forbidden.class, e -> assertThat(e.causes())
            .containsExactly("ValidatingAdmissionPolicy 'p' with binding 'b' denied request: no"));
  }

  @Test
  void notFoundAndGone() {
    assertThat(ApiErrors.fromResponse(404, null, "", HttpVerb.GET, "x")).isInstanceOf(BackendException.NotFound.class);
    assertThat(ApiErrors.fromResponse(410, null, status(410, "Expired", "too old resource version", "{}"), HttpVerb.LIST, "x"))
        .isInstanceOf(BackendException.Gone.class);
  }

  @Test
  void tooManyRequests_isUnavailableWithRetryAfterHeaderSeconds() {
    BackendException e = ApiErrors.fromResponse(429, "3", status(429, "TooManyRequests", "slow down", "{\"retryAfterSeconds\":1}"),
        HttpVerb.LIST, "Pod");

    assertThat(e).isInstanceOf(BackendException.Unavailable.class);
    assertThat(e.code()).isEqualTo(429);
    assertThat(((BackendException.Unavailable) e).retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void serverErrors_areUnavailable_withStatusHintWhenNoHeader() {
    for (int code : new int[] {500, 502, 503, 504}) {
      BackendException e = ApiErrors.fromResponse(code, null, status(code, "InternalError", "boom", "{\"retryAfterSeconds\":2}"),
          HttpVerb.GET, "x");
      assertThat(e).isInstanceOf(BackendException.Unavailable.class);
      assertThat(e.code()).isEqualTo(code);
      assertThat(((BackendException.Unavailable) e).retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }
  }

  @Test
  void retryAfterAsHttpDate_isIgnored() {
    BackendException e = ApiErrors.fromResponse(503, "Wed, 21 Oct 2015 07:28:00 GMT", "", HttpVerb.GET, "x");

    assertThat(((BackendException.Unavailable) e).retryAfter()).isEqualTo(Duration.ZERO);
  }

  @Test
  void unsupportedMediaType_isInvalid_keepingCode415() {
    BackendException e = ApiErrors.fromResponse(415, null, "", HttpVerb.APPLY, "x");

    assertThat(e).isInstanceOf(BackendException.Invalid.class);
    assertThat(e.code()).isEqualTo(415);
  }

  @Test
  void bodyThatIsNotJson_appearsInTheMessage() {
    BackendException e = ApiErrors.fromResponse(502, null, "<html>bad gateway</html>", HttpVerb.GET, "Pod/ns/p");

    assertThat(e.getMessage()).isEqualTo("get Pod/ns/p: HTTP 502: <html>bad gateway</html>");
  }

  @Test
  void networkFailure_isUnavailable503WithCause() {
    IOException refused = new ConnectException("Connection refused");
    BackendException e = ApiErrors.network(refused, HttpVerb.GET, "Pod/ns/p");

    assertThat(e.code()).isEqualTo(503);
    assertThat(e.getCause()).isSameAs(refused);
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void watchErrorEventStatus_isMappedByItsCode() {
    BackendException e = ApiErrors.fromStatus(Wire.parse(status(410, "Expired", "too old", "{}")), HttpVerb.WATCH, "Pod");

    assertThat(e).isInstanceOf(BackendException.Gone.class);
  }

  @Test
  void isStatus_tellsAStatusBodyFromAnEmptyOne() {
    assertThat(ApiErrors.isStatus(status(404, "NotFound", "namespaces \\\"x\\\" not found", "{}"))).isTrue();
    assertThat(ApiErrors.isStatus("")).isFalse();
    assertThat(ApiErrors.isStatus("not json")).isFalse();
  }
}
