package dev.converge.api.backend;

import com.google.common.collect.ImmutableList;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A request failed. The subclasses mirror the Kubernetes status reasons the engine acts on differently:
 * retry ({@link Conflict}, {@link Unavailable}), re-list ({@link Gone}), give up and report ({@link
 * Forbidden}, {@link Invalid}), or treat as a state ({@link NotFound}, {@link AlreadyExists}).
 */
public abstract sealed class BackendException extends RuntimeException
    permits BackendException.Conflict,
        BackendException.AlreadyExists,
        BackendException.NotFound,
        BackendException.Forbidden,
        BackendException.Invalid,
        BackendException.Unavailable,
        BackendException.Gone {
  private static final long serialVersionUID = 1L;

  private BackendException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** {@return the HTTP status code Kubernetes uses for this failure} */
  public abstract int code();

  /** {@return whether repeating the request later may succeed without changing it} */
  public boolean isRetryable() {
    return false;
  }

  /**
   * 409: the object changed since it was read (a stale {@code resourceVersion}), or server-side apply found
   * fields owned by another manager ({@link #fieldConflicts()} lists them).
   */
  public static final class Conflict extends BackendException {
    private static final long serialVersionUID = 1L;
    /** The conflicting fields of an apply, {@code "<manager>: <field path>"}; empty for a stale version. */
    private final ImmutableList<String> fieldConflicts;

    /**
     * A stale {@code resourceVersion}: re-read and try again.
     *
     * @param message the server's message
     */
    public Conflict(String message) {
      this(message, ImmutableList.of());
    }

    /**
     * A conflict, with the fields of an apply that other managers own (empty for a stale version).
     *
     * @param message the server's message
     * @param fieldConflicts {@code "<manager>: <field path>"} for every conflicting field
     */
    public Conflict(String message, ImmutableList<String> fieldConflicts) {
      super(message, null);
      this.fieldConflicts = fieldConflicts;
    }

    /** {@return for apply conflicts, {@code "<manager>: <field path>"} for every conflicting field; else empty} */
    public ImmutableList<String> fieldConflicts() {
      return fieldConflicts;
    }

    @Override
    public int code() {
      return 409;
    }

    @Override
    public boolean isRetryable() {
      return fieldConflicts.isEmpty();
    }
  }

  /** 409: a create found an object with the same name (possibly one that is being deleted). */
  public static final class AlreadyExists extends BackendException {
    private static final long serialVersionUID = 1L;

    /** The server's {@code Retry-After}, zero when it gave none. */
    private final Duration retryAfter;

    /**
     * The name is taken.
     *
     * @param message the server's message
     */
    public AlreadyExists(String message) {
      this(message, Duration.ZERO);
    }

    /**
     * The name is taken, and the server suggests when to try again: a name it generated was taken
     * ({@code errors.NewGenerateNameConflict} answers with one second), so another attempt draws another.
     *
     * @param message the server's message
     * @param retryAfter the server's {@code Retry-After}, or zero
     */
    public AlreadyExists(String message, Duration retryAfter) {
      super(message, null);
      this.retryAfter = retryAfter;
    }

    /** {@return the server's {@code Retry-After}: zero unless the name taken was one the server generated} */
    public Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public int code() {
      return 409;
    }
  }

  /** 404: the object (or its namespace, or its kind) does not exist. */
  public static final class NotFound extends BackendException {
    private static final long serialVersionUID = 1L;

    /**
     * Nothing there.
     *
     * @param message the server's message
     */
    public NotFound(String message) {
      super(message, null);
    }

    @Override
    public int code() {
      return 404;
    }
  }

  /** 403: the caller's identity is not allowed the verb on the resource, or admission denied the request. */
  public static final class Forbidden extends BackendException {
    private static final long serialVersionUID = 1L;
    /** The messages of the Status's causes; none for an RBAC refusal. */
    private final ImmutableList<String> causes;

    /**
     * Not allowed.
     *
     * @param message the server's message, naming the identity, the verb and the resource
     */
    public Forbidden(String message) {
      this(message, ImmutableList.of());
    }

    /**
     * Not allowed, with the causes the server's Status lists (an admission policy's refusal repeats its message as
     * its one cause).
     *
     * @param message the server's message
     * @param causes the messages of the causes, which name no field
     */
    public Forbidden(String message, ImmutableList<String> causes) {
      super(message, null);
      this.causes = causes;
    }

    /** {@return the messages of the Status's causes; empty for an RBAC refusal} */
    public ImmutableList<String> causes() {
      return causes;
    }

    @Override
    public int code() {
      return 403;
    }
  }

  /** 422 (or 400): the object fails validation; {@link #causes()} lists {@code "<field>: <problem>"}. */
  public static final class Invalid extends BackendException {
    private static final long serialVersionUID = 1L;
    /** {@code "<field>: <problem>"} for every field that failed. */
    private final ImmutableList<String> causes;
    /** 400, 415 or 422. */
    private final int code;

    /**
     * A 422: the object fails validation.
     *
     * @param message the server's message
     * @param causes {@code "<field>: <problem>"} for every field that failed
     */
    public Invalid(String message, ImmutableList<String> causes) {
      this(message, causes, 422);
    }

    /**
     * An invalid request with an explicit code: 422 (Unprocessable Entity, the object fails validation) or
     * 400 (Bad Request: a malformed patch, an unsupported field selector, a bad parameter) or 415 (a patch type
     * the kind does not support, e.g. a strategic merge patch of a custom resource).
     *
     * @param message the server's message
     * @param causes {@code "<field>: <problem>"} for every field that failed
     * @param code 400, 415 or 422
     * @throws IllegalArgumentException for any other code
     */
    public Invalid(String message, ImmutableList<String> causes, int code) {
      super(message, null);
      if (code != 400 && code != 415 && code != 422) {
        throw new IllegalArgumentException("Invalid takes code 400, 415 or 422, not " + code);
      }
      this.causes = causes;
      this.code = code;
    }

    /** {@return {@code "<field>: <problem>"} for every field that failed; may be empty} */
    public ImmutableList<String> causes() {
      return causes;
    }

    @Override
    public int code() {
      return code;
    }
  }

  /**
   * 429, 500, 503 or 504: the server could not serve the request now. {@link #retryAfter()} is the server's
   * hint ({@code Retry-After}), or zero.
   */
  public static final class Unavailable extends BackendException {
    private static final long serialVersionUID = 1L;
    /** 429, 500, 503 or 504. */
    private final int code;
    /** The server's {@code Retry-After}, or zero. */
    private final Duration retryAfter;

    /**
     * The server could not answer now.
     *
     * @param code the HTTP status
     * @param message the server's message
     * @param retryAfter the server's {@code Retry-After}, or zero
     */
    public Unavailable(int code, String message, Duration retryAfter) {
      this(code, message, retryAfter, null);
    }

    /**
     * The server could not answer now, or could not be reached at all.
     *
     * @param code the HTTP status (503 when no answer came)
     * @param message what happened
     * @param retryAfter the server's {@code Retry-After}, or zero
     * @param cause the I/O failure behind it, if any
     */
    public Unavailable(int code, String message, Duration retryAfter, @Nullable Throwable cause) {
      super(message, cause);
      this.code = code;
      this.retryAfter = retryAfter;
    }

    /** {@return the server's {@code Retry-After}, or zero when it gave none} */
    public Duration retryAfter() {
      return retryAfter;
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public boolean isRetryable() {
      return true;
    }
  }

  /** 410: a watch or list asked for a {@code resourceVersion} older than the server's history; re-list. */
  public static final class Gone extends BackendException {
    private static final long serialVersionUID = 1L;

    /**
     * The version asked for has left the server's history.
     *
     * @param message the server's message
     */
    public Gone(String message) {
      super(message, null);
    }

    @Override
    public int code() {
      return 410;
    }
  }
}
