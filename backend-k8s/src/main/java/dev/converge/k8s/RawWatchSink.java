package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.backend.BackendException;
import org.jspecify.annotations.Nullable;

/** Receives the raw events of one watch connection, in order, on the connection's thread. */
interface RawWatchSink {

  /**
   * The server accepted the watch: its response headers (HTTP stream) or the WebSocket handshake arrived.
   * kube-apiserver registers the watcher before it answers ({@code handlers/watch.go} writes the headers once
   * the storage watch exists), so every change made after this reaches the connection.
   */
  default void onOpen() {}

  /** One event as sent: {@code {"type": "ADDED|MODIFIED|DELETED|BOOKMARK|ERROR", "object": {…}}}. */
  void onEvent(JsonNode event);

  /**
   * The connection ended, exactly once: cleanly ({@code failure} null: the server closed the stream, as it
   * does after {@code timeoutSeconds}, or the caller closed it) or with a failure.
   */
  void onEnd(@Nullable BackendException failure);
}
