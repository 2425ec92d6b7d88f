package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.backend.BackendException;

/**
 * {@code metav1.Status} bodies as kube-apiserver writes them ({@code k8s.io/apimachinery/pkg/api/errors}): the
 * reason names the failure class ({@code NotFound}, {@code AlreadyExists}, {@code Conflict}, {@code Invalid},
 * {@code Expired} for 410, …), {@code details} names the object and, for validation and apply conflicts, the
 * causes. Clients branch on {@code reason} and {@code code}, so both must match Kubernetes exactly.
 */
final class StatusBody {
  private StatusBody() {}

  /**
   * A failure for {@code error}, about {@code name} in {@code group} (either may be empty); {@code kind} is what
   * {@code details.kind} holds: the resource ({@code configmaps}) for most failures, the kind ({@code ConfigMap})
   * for a 422.
   */
  static ObjectNode failure(BackendException error, String group, String kind, String name) {
    ObjectNode status = base("Failure", error.getMessage(), reason(error), error.code());
    ObjectNode details = Json.object();
    if (!name.isEmpty()) {
      details.put("name", name);
    }
    if (!group.isEmpty()) {
      details.put("group", group);
    }
    if (!kind.isEmpty()) {
      details.put("kind", kind);
    }
    if (error instanceof BackendException.Invalid invalid && !invalid.causes().isEmpty()) {
      ArrayNode causes = details.putArray("causes");
      for (String cause : invalid.causes()) {
        int colon = cause.indexOf(": ");
        ObjectNode node = causes.addObject();
        if (isMessageOnly(cause)) {
          node.put("message", cause);
          continue;
        }
        node.put("reason", causeReason(cause, colon));
        node.put("message", colon < 0 ? cause : cause.substring(colon + 2));
        if (colon > 0) {
          node.put("field", cause.substring(0, colon));
        }
      }
    }
    if (error instanceof BackendException.Forbidden forbidden && !forbidden.causes().isEmpty()) {
      ArrayNode causes = details.putArray("causes");
      forbidden.causes().forEach(cause -> causes.addObject().put("message", cause));
    }
    if (error instanceof BackendException.Conflict conflict && !conflict.fieldConflicts().isEmpty()) {
      ArrayNode causes = details.putArray("causes");
      for (String field : conflict.fieldConflicts()) {
        int colon = field.lastIndexOf(": ");
        String manager = colon < 0 ? "" : field.substring(0, colon);
        String path = colon < 0 ? field : field.substring(colon + 2);
        causes.addObject().put("reason", "FieldManagerConflict")
            .put("message", "conflict with \"" + manager + "\": " + path).put("field", path);
      }
    }
    if (error instanceof BackendException.Unavailable unavailable && !unavailable.retryAfter().isZero()) {
      details.put("retryAfterSeconds", Math.max(1, unavailable.retryAfter().toSeconds()));
    }
    if (error instanceof BackendException.AlreadyExists taken && !taken.retryAfter().isZero()) {
      details.put("retryAfterSeconds", Math.max(1, taken.retryAfter().toSeconds()));
    }
    if (!details.isEmpty()) {
      status.set("details", details);
    }
    return status;
  }

  /** A failure that is not a {@link BackendException} (401, 405, 406, 415 on the front itself). */
  static ObjectNode failure(int code, String reason, String message) {
    return base("Failure", message, reason, code);
  }

  /** {@code status: Success} for a delete that removed the object at once. */
  static ObjectNode deleted(String group, String plural, String name, String uid) {
    ObjectNode status = base("Success", "", "", 200);
    status.remove("message");
    status.remove("reason");
    ObjectNode details = status.putObject("details").put("name", name).put("group", group).put("kind", plural);
    if (!uid.isEmpty()) {
      details.put("uid", uid);
    }
    return status;
  }

  private static ObjectNode base(String outcome, String message, String reason, int code) {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", outcome);
    status.put("message", message);
    if (!reason.isEmpty()) {
      status.put("reason", reason); // omitempty: StatusReasonUnknown is ""
    }
    status.put("code", code);
    return status;
  }

  /** The {@code StatusReason} Kubernetes uses for each failure class and code. */
  static String reason(BackendException error) {
    if (error instanceof BackendException.NotFound) {
      return "NotFound";
    }
    if (error instanceof BackendException.AlreadyExists) {
      return "AlreadyExists";
    }
    if (error instanceof BackendException.Conflict) {
      return "Conflict";
    }
    if (error instanceof BackendException.Forbidden) {
      return "Forbidden";
    }
    if (error instanceof BackendException.Gone) {
      return "Expired";
    }
    if (error instanceof BackendException.Invalid) {
      switch (error.code()) {
        case 400:
          return "BadRequest";
        case 415:
          return "UnsupportedMediaType";
        default:
          return "Invalid";
      }
    }
    switch (error.code()) {
      case 429:
        return "TooManyRequests";
      case 503:
        return "ServiceUnavailable";
      case 504:
        return "Timeout";
      default:
        // NewInternalError's "Internal error occurred: …"; any other error a handler returns becomes a 500 with
        // StatusReasonUnknown (ErrorToAPIStatus), such as server-side apply's "failed to create typed patch object".
        return error.getMessage() != null && error.getMessage().startsWith("Internal error occurred")
            ? "InternalError" : "";
    }
  }

  /** {@code <field>: <type>: <detail>} causes name their type: {@code Required value}, {@code Invalid value}, … */
  /**
   * Whether {@code cause} names no field: what comes before its first {@code ": "} is words, not a path (the one
   * cause of an admission policy's refusal, {@code ValidatingAdmissionPolicy 'p' with binding 'b' denied request:
   * …}, which kube-apiserver sends with a message and nothing else).
   */
  static boolean isMessageOnly(String cause) {
    int colon = cause.indexOf(": ");
    return colon > 0 && cause.substring(0, colon).contains(" ");
  }

  private static String causeReason(String cause, int colon) {
    String rest = colon < 0 ? cause : cause.substring(colon + 2);
    if (rest.startsWith("Required value")) {
      return "FieldValueRequired";
    }
    if (rest.startsWith("Unsupported value")) {
      return "FieldValueNotSupported";
    }
    if (rest.startsWith("Duplicate value")) {
      return "FieldValueDuplicate";
    }
    if (rest.startsWith("Forbidden")) {
      return "FieldValueForbidden";
    }
    if (rest.startsWith("Too long")) {
      return "FieldValueTooLong";
    }
    if (rest.startsWith("Too many")) {
      return "FieldValueTooMany";
    }
    if (rest.startsWith("Internal error")) {
      return "InternalError";
    }
    return "FieldValueInvalid";
  }
}
