package dev.converge.inmemory.sim.runtime;

import dev.converge.api.backend.BackendException;
import org.jspecify.annotations.Nullable;

/**
 * The answer to one {@link SimClient} request, delivered on the virtual clock once its latency has passed.
 *
 * @param value the result, or null when the request failed (or returns nothing)
 * @param error the failure after the client's own retries, or null on success
 * @param latencyNanos the latency of the last attempt (the load model's, 0 when none is modelled)
 * @param attempts how many times the request was sent (client-go retries 429s and 5xx with Retry-After)
 * @param <T> the result type
 */
public record Response<T>(@Nullable T value, @Nullable BackendException error, long latencyNanos, int attempts) {

  /** Whether the request succeeded. */
  public boolean ok() {
    return error == null;
  }

  /** The result. @throws BackendException the failure, if the request failed */
  public T get() {
    if (error != null) {
      throw error;
    }
    if (value == null) {
      throw new IllegalStateException("the request returned nothing");
    }
    return value;
  }

  /** Whether it failed with {@code type}. */
  public boolean failedWith(Class<? extends BackendException> type) {
    return type.isInstance(error);
  }
}
