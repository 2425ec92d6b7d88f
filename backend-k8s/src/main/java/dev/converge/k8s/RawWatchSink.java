package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.backend.BackendException;
import org.jspecify.annotations.Nullable;

/** Receives the raw events of one watch connection, in order, on the connection's thread. */
interface RawWatchSink {

  /** One event as sent: {@code {"type": "ADDED|MODIFIED|DELETED|BOOKMARK|ERROR", "object": {…}}}. */
  void onEvent(JsonNode event);

  /**
   * The connection ended, exactly once: cleanly ({@code failure} null: the server closed the stream, as it
   * does after {@code timeoutSeconds}, or the caller closed it) or with a failure.
   */
  void onEnd(@Nullable BackendException failure);
}
