package dev.converge.inmemory.sim.load;

import dev.converge.api.backend.BackendException;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link SimClient} request got back, when it got it: the server's answer or its error (after the
 * client's retries of 429s), and the server-side latency of the last attempt (queue wait plus service).
 *
 * @param <T> the answer's type
 */
public final class Response<T> {
  private final @Nullable T value;
  private final @Nullable BackendException error;
  private final long latencyNanos;
  private final int attempts;

  private Response(@Nullable T value, @Nullable BackendException error, long latencyNanos, int attempts) {
    this.value = value;
    this.error = error;
    this.latencyNanos = latencyNanos;
    this.attempts = attempts;
  }

  static <T> Response<T> ok(T value, long latencyNanos, int attempts) {
    return new Response<>(value, null, latencyNanos, attempts);
  }

  static <T> Response<T> failed(BackendException error, long latencyNanos, int attempts) {
    return new Response<>(null, error, latencyNanos, attempts);
  }

  public boolean isOk() {
    return error == null;
  }

  /** The answer. @throws BackendException the error, if the request failed */
  public T value() {
    if (error != null) {
      throw error;
    }
    return value;
  }

  /** The error, or null if the request succeeded. */
  public @Nullable BackendException error() {
    return error;
  }

  /** The last attempt's queue wait plus service time. */
  public long latencyNanos() {
    return latencyNanos;
  }

  /** How many times the request was sent (1 unless it was answered 429 and retried). */
  public int attempts() {
    return attempts;
  }

  @Override
  public String toString() {
    return error == null ? "ok after " + attempts + " attempt(s)" : error.code() + " after " + attempts + " attempt(s)";
  }
}
