package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.backend.BackendException;
import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Maps a Kubernetes API answer to a typed {@link BackendException}, reading the HTTP code first and the
 * {@code Status} object second (its {@code reason}, {@code message}, {@code details.causes} and {@code
 * details.retryAfterSeconds}), as {@code k8s.io/apimachinery/pkg/api/errors} does.
 *
 * <p>The code decides the type because servers disagree on reasons: the fabric8 mock server answers every
 * failure with reason {@code Invalid}, whatever the code. A 409 to a create means the name is taken
 * (Kubernetes checks no {@code resourceVersion} on create), so it is {@link BackendException.AlreadyExists}
 * whatever the reason says.
 */
final class ApiErrors {
  /** How server-side apply names the other manager in a conflict cause: {@code conflict with "kubectl" ...}. */
  private static final Pattern MANAGER = Pattern.compile("conflict with \"([^\"]*)\"");
  private static final int MAX_BODY_IN_MESSAGE = 300;

  private ApiErrors() {}

  /**
   * The exception for a failed answer.
   *
   * @param code the HTTP status code (400 and up)
   * @param retryAfterHeader the {@code Retry-After} header, if any
   * @param body the response body, possibly empty or not JSON
   * @param verb what the request did
   * @param subject what it was about, for the message ({@code apps/Deployment/ns/name})
   */
  static BackendException fromResponse(
      int code, @Nullable String retryAfterHeader, String body, HttpVerb verb, String subject) {
    JsonNode status = statusOf(body);
    String message = verb.tag() + " " + subject + ": " + messageOf(code, status, body);
    String reason = status.path("reason").asText("");
    switch (code) {
      case 400:
      case 422:
        // Keep the code: 400 is a malformed request (an unsupported field selector, a bad patch), 422 an
        // object that fails validation; callers tell them apart.
        return new BackendException.Invalid(message, causes(status), code);
      case 401:
        return new BackendException.Forbidden(message + " (unauthorized: the client's credentials were rejected)");
      case 403:
        return new BackendException.Forbidden(message, causes(status));
      case 404:
        return new BackendException.NotFound(message);
      case 409:
        if (verb == HttpVerb.CREATE || reason.equals("AlreadyExists")) {
          // A name the server generated and found taken carries Retry-After 1 (errors.NewGenerateNameConflict).
          return new BackendException.AlreadyExists(message, retryAfter(retryAfterHeader, status));
        }
        return new BackendException.Conflict(message, fieldConflicts(status));
      case 410:
        return new BackendException.Gone(message);
      case 429:
      case 500:
      case 502:
      case 503:
      case 504:
        return new BackendException.Unavailable(code, message, retryAfter(retryAfterHeader, status));
      case 415:
        return new BackendException.Invalid(message, causes(status), 415);
      default:
        // 405, 406, 413, 501, …: repeating the same request cannot succeed.
        return new BackendException.Invalid(message, causes(status));
    }
  }

  /** The exception for a {@code Status} object carried inside a watch stream ({@code type: ERROR}). */
  static BackendException fromStatus(JsonNode status, HttpVerb verb, String subject) {
    int code = status.path("code").asInt(500);
    return fromResponse(code < 400 ? 500 : code, null, status.toString(), verb, subject);
  }

  /** A request that got no answer: connection refused or reset, timeout. The server may answer later. */
  static BackendException.Unavailable network(IOException cause, HttpVerb verb, String subject) {
    return new BackendException.Unavailable(
        503, verb.tag() + " " + subject + ": no answer from the API server (" + cause + ")", Duration.ZERO, cause);
  }

  /** Whether {@code body} is a Kubernetes {@code Status} object, as every real API server error is. */
  static boolean isStatus(String body) {
    return statusOf(body).path("kind").asText("").equals("Status");
  }

  private static JsonNode statusOf(String body) {
    if (body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = Wire.parse(body);
      return node.isObject() ? node : MissingNode.getInstance();
    } catch (IllegalArgumentException notJson) {
      return MissingNode.getInstance();
    }
  }

  private static String messageOf(int code, JsonNode status, String body) {
    String message = status.path("message").asText("");
    if (!message.isEmpty()) {
      return message;
    }
    if (!body.isBlank() && status.isMissingNode()) {
      String text = body.strip();
      return "HTTP " + code + ": " + (text.length() > MAX_BODY_IN_MESSAGE ? text.substring(0, MAX_BODY_IN_MESSAGE) + "…" : text);
    }
    return "HTTP " + code;
  }

  /** {@code "<field>: <message>"} for every cause, or the message alone when the cause names no field. */
  static ImmutableList<String> causes(JsonNode status) {
    ImmutableList.Builder<String> result = ImmutableList.builder();
    for (JsonNode cause : status.path("details").path("causes")) {
      String field = cause.path("field").asText("");
      String message = cause.path("message").asText(cause.path("reason").asText(""));
      result.add(field.isEmpty() ? message : field + ": " + message);
    }
    return result.build();
  }

  /**
   * Server-side apply's conflicts, as {@code "<manager>: <field>"}: each cause with reason {@code
   * FieldManagerConflict} has the field path in {@code field} and the other manager in {@code message}.
   */
  static ImmutableList<String> fieldConflicts(JsonNode status) {
    ImmutableList.Builder<String> result = ImmutableList.builder();
    for (JsonNode cause : status.path("details").path("causes")) {
      if (!cause.path("reason").asText("").equals("FieldManagerConflict")) {
        continue;
      }
      String message = cause.path("message").asText("");
      Matcher manager = MANAGER.matcher(message);
      String who = manager.find() ? manager.group(1) : message;
      result.add(who + ": " + cause.path("field").asText(""));
    }
    return result.build();
  }

  /**
   * The server's back-off hint: the {@code Retry-After} header in whole seconds (the form the API server
   * sends), else {@code details.retryAfterSeconds}, else zero. An HTTP-date header is not used.
   */
  static Duration retryAfter(@Nullable String header, JsonNode status) {
    if (header != null) {
      try {
        long seconds = Long.parseLong(header.trim());
        if (seconds >= 0) {
          return Duration.ofSeconds(seconds);
        }
      } catch (NumberFormatException httpDate) {
        // fall through to the Status hint
      }
    }
    long seconds = status.path("details").path("retryAfterSeconds").asLong(0);
    return seconds > 0 ? Duration.ofSeconds(seconds) : Duration.ZERO;
  }
}
