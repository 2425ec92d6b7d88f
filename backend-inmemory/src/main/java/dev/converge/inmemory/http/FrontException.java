package dev.converge.inmemory.http;

/**
 * A failure of the HTTP layer itself, before or around the API server: 401 (no or unknown token), 405, 406,
 * 415. Failures of the request proper are {@link dev.converge.api.backend.BackendException}s.
 */
final class FrontException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;
  private final String reason;

  FrontException(int code, String reason, String message) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  static FrontException unauthorized() {
    return new FrontException(401, "Unauthorized", "Unauthorized");
  }

  static FrontException methodNotAllowed(String method, String what) {
    return new FrontException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource ("
        + method + " " + what + ")");
  }

  static FrontException unsupportedMediaType(String contentType) {
    return new FrontException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
        + "media types include: application/json-patch+json, application/merge-patch+json, "
        + "application/apply-patch+yaml, application/strategic-merge-patch+json (got " + contentType + ")");
  }

  /** 415 for an object body (create, update, delete options) in an encoding this server does not read. */
  static FrontException unsupportedBodyType(String contentType) {
    return new FrontException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted "
        + "media types include: application/json, application/yaml, " + ProtobufBodies.CONTENT_TYPE + " (got "
        + contentType + ")");
  }

  int code() {
    return code;
  }

  String reason() {
    return reason;
  }
}
