package dev.converge.k8s;

/**
 * How watches travel. The Kubernetes API server serves a watch both ways; client-go and kubectl use the
 * chunked HTTP stream.
 */
public enum WatchTransport {
  /** A {@code GET …?watch=true} whose chunked body carries one JSON event per line (the default). */
  HTTP_STREAM,
  /**
   * The same request upgraded to a WebSocket, one event per message. The fabric8 mock server serves watches
   * only this way.
   */
  WEBSOCKET
}
