package dev.converge.k8s;

import dev.converge.api.GroupKind;
import dev.converge.api.backend.BackendException;
import io.kubernetes.client.openapi.Pair;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;

/**
 * Opens one watch connection over the configured {@link WatchTransport} and feeds its events to a {@link
 * RawWatchSink}. It does not resume: callers ({@code ResumingWatch}, the informer's reflector) decide what
 * to do when a connection ends.
 */
final class WatchConnector {
  private final RestClient rest;
  private final WatchTransport transport;
  private final Executor readers;

  /** @param readers runs the blocking readers of HTTP-stream watches, one task per open watch */
  WatchConnector(RestClient rest, WatchTransport transport, Executor readers) {
    this.rest = rest;
    this.transport = transport;
    this.readers = readers;
  }

  /**
   * Opens {@code GET path?watch=true&…query}.
   *
   * @return closes the connection; the sink then sees {@code onEnd(null)}
   */
  Closeable open(GroupKind kind, String subject, String path, List<Pair> query, RawWatchSink sink) {
    List<Pair> withWatch = new ArrayList<>(query);
    withWatch.add(new Pair("watch", "true"));
    Request request = rest.request("GET", path, withWatch, null, null);
    OnceSink once = new OnceSink(sink);
    return transport == WatchTransport.WEBSOCKET
        ? openWebSocket(kind, subject, request, once)
        : openStream(kind, subject, request, once);
  }

  private Closeable openStream(GroupKind kind, String subject, Request request, OnceSink sink) {
    Call call = rest.streaming().newCall(request);
    AtomicBoolean closed = new AtomicBoolean();
    readers.execute(() -> {
      long start = System.nanoTime();
      try (Response response = call.execute()) {
        ResponseBody body = response.body();
        if (!response.isSuccessful()) {
          BackendException failure = ApiErrors.fromResponse(
              response.code(), response.header("Retry-After"), body == null ? "" : body.string(), HttpVerb.WATCH, subject);
          rest.metrics().request(HttpVerb.WATCH, kind, BackendMetrics.outcome(failure), System.nanoTime() - start);
          sink.onEnd(failure);
          return;
        }
        rest.metrics().request(HttpVerb.WATCH, kind, "success", System.nanoTime() - start);
        sink.onOpen();
        if (body != null) {
          BufferedSource source = body.source();
          String line;
          while (!closed.get() && (line = source.readUtf8Line()) != null) {
            if (!line.isBlank()) {
              sink.onEvent(Wire.parse(line));
            }
          }
        }
        sink.onEnd(null);
      } catch (IOException e) {
        sink.onEnd(closed.get() ? null : ApiErrors.network(e, HttpVerb.WATCH, subject));
      } catch (RuntimeException e) {
        sink.onEnd(closed.get() ? null : invalidStream(subject, e));
      }
    });
    return () -> {
      closed.set(true);
      call.cancel();
    };
  }

  private Closeable openWebSocket(GroupKind kind, String subject, Request request, OnceSink sink) {
    AtomicBoolean closed = new AtomicBoolean();
    long start = System.nanoTime();
    WebSocket socket = rest.streaming().newWebSocket(request, new WebSocketListener() {
      @Override
      public void onOpen(WebSocket webSocket, Response response) {
        rest.metrics().request(HttpVerb.WATCH, kind, "success", System.nanoTime() - start);
        sink.onOpen();
      }

      @Override
      public void onMessage(WebSocket webSocket, String text) {
        deliver(webSocket, text);
      }

      @Override
      public void onMessage(WebSocket webSocket, ByteString bytes) {
        deliver(webSocket, bytes.utf8());
      }

      private void deliver(WebSocket webSocket, String text) {
        if (closed.get() || text.isBlank()) {
          return;
        }
        try {
          sink.onEvent(Wire.parse(text));
        } catch (RuntimeException e) {
          sink.onEnd(invalidStream(subject, e));
          webSocket.cancel();
        }
      }

      @Override
      public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
      }

      @Override
      public void onClosed(WebSocket webSocket, int code, String reason) {
        sink.onEnd(null);
      }

      @Override
      public void onFailure(WebSocket webSocket, Throwable failure, @Nullable Response response) {
        if (closed.get()) {
          sink.onEnd(null);
        } else if (response != null && response.code() != 101) {
          BackendException mapped = ApiErrors.fromResponse(
              response.code(), response.header("Retry-After"), bodyOf(response), HttpVerb.WATCH, subject);
          rest.metrics().request(HttpVerb.WATCH, kind, BackendMetrics.outcome(mapped), System.nanoTime() - start);
          sink.onEnd(mapped);
        } else {
          sink.onEnd(ApiErrors.network(
              failure instanceof IOException io ? io : new IOException(failure), HttpVerb.WATCH, subject));
        }
      }
    });
    return () -> {
      if (closed.compareAndSet(false, true)) {
        socket.close(1000, "watch closed by the client");
        sink.onEnd(null);
      }
    };
  }

  private static String bodyOf(Response response) {
    try {
      ResponseBody body = response.body();
      return body == null ? "" : body.string();
    } catch (IOException | IllegalStateException unreadable) {
      return "";
    }
  }

  private static BackendException invalidStream(String subject, RuntimeException e) {
    return new BackendException.Invalid(
        "watch " + subject + ": the server sent an event that is not a Kubernetes object: " + e.getMessage(),
        com.google.common.collect.ImmutableList.of());
  }

  /** Makes {@link RawWatchSink#onEnd} happen once, and nothing after it. */
  private static final class OnceSink implements RawWatchSink {
    private final RawWatchSink delegate;
    private final AtomicBoolean ended = new AtomicBoolean();

    OnceSink(RawWatchSink delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onOpen() {
      if (!ended.get()) {
        delegate.onOpen();
      }
    }

    @Override
    public void onEvent(com.fasterxml.jackson.databind.JsonNode event) {
      if (!ended.get()) {
        delegate.onEvent(event);
      }
    }

    @Override
    public void onEnd(@Nullable BackendException failure) {
      if (ended.compareAndSet(false, true)) {
        delegate.onEnd(failure);
      }
    }
  }
}
