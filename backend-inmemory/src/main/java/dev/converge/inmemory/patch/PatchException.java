package dev.converge.inmemory.patch;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A patch or apply request that cannot be carried out, with the HTTP status Kubernetes answers it with:
 * 400 for a malformed patch, 415 for a patch type the resource does not support (strategic merge patch on a
 * custom resource), 422 for a well-formed patch that cannot be applied to this object (a failed JSON-patch
 * {@code test}, a path that does not exist).
 */
public final class PatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;

  /**
   * @param code 400, 415 or 422
   * @param message what is wrong, naming the offending path or directive
   */
  public PatchException(int code, String message) {
    super(message);
    checkArgument(code == 400 || code == 415 || code == 422, "unsupported status code %s", code);
    this.code = code;
  }

  /** 400 Bad Request: the patch document itself is malformed. */
  public static PatchException badRequest(String message) {
    return new PatchException(400, message);
  }

  /** 415 Unsupported Media Type: this patch type is not accepted for this resource. */
  public static PatchException unsupportedMediaType(String message) {
    return new PatchException(415, message);
  }

  /** 422 Unprocessable Entity: the patch is well formed but cannot be applied to this object. */
  public static PatchException unprocessable(String message) {
    return new PatchException(422, message);
  }

  /** The HTTP status code: 400, 415 or 422. */
  public int code() {
    return code;
  }
}
