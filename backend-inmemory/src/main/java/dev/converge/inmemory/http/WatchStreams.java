package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.sun.net.httpserver.HttpExchange;
import dev.converge.api.Json;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Watches as kube-apiserver streams them ({@code handlers/watch.go}): a {@code 200} with a chunked body of
 * newline-separated {@code {"type":…,"object":…}} events, flushed one by one, until {@code timeoutSeconds}, the
 * client going away, or the server ending the watch. A {@code resourceVersion} older than the history window is
 * not an HTTP error: the stream opens and carries one {@code ERROR} event with a 410 {@code Expired} Status, which
 * is what client-go's reflector reacts to by re-listing. Bookmarks carry only {@code metadata.resourceVersion}.
 * In {@code Table} form, the first event carries the column definitions and later ones only rows.
 *
 * <p>The server's listener only enqueues (it runs under the server's lock and must not block); the connection's
 * own thread writes.
 */
final class WatchStreams {
  private final ApiServer server;
  private final ScheduledExecutorService timers;
  private final Duration defaultTimeout;
  private final Tables tables;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();

  WatchStreams(ApiServer server, ScheduledExecutorService timers, Duration defaultTimeout) {
    this.server = server;
    this.timers = timers;
    this.defaultTimeout = defaultTimeout;
    this.tables = new Tables(server);
  }

  void serve(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query,
      Representation representation) throws IOException {
    String labels = query.get("labelSelector", "");
    String version = query.get("resourceVersion");
    WatchRequest request = new WatchRequest(type.groupKind(), path.namespace().isEmpty() ? null : path.namespace(),
        labels.isEmpty() ? LabelSelector.everything() : LabelSelector.parse(labels),
        ResourceEndpoints.fieldSelector(path, query), version == null || version.isEmpty() ? null : version,
        query.flag("allowWatchBookmarks"));
    Stream stream = new Stream(type, representation, query.get("includeObject", "Metadata"));
    long timeoutSeconds = Math.max(1, query.number("timeoutSeconds", defaultTimeout.toSeconds()));
    Subscription subscription;
    try {
      subscription = server.watch(identity, type, request, stream, Duration.ofSeconds(timeoutSeconds));
    } catch (BackendException.Gone expired) {
      stream.start(exchange);
      stream.writeError(expired);
      return;
    }
    open.add(stream);
    ScheduledFuture<?> timeout = timers.schedule(stream::end, timeoutSeconds, TimeUnit.SECONDS);
    try {
      stream.start(exchange);
      stream.pump();
    } finally {
      timeout.cancel(false);
      open.remove(stream);
      subscription.close();
    }
  }

  int open() {
    return open.size();
  }

  void closeAll() {
    for (Stream stream : open) {
      stream.end();
    }
  }

  /** The end of a stream: a timeout or close ({@code cause} null), or the server ending the watch. */
  private record End(@Nullable BackendException cause) {}

  /** One watch connection: the queue the server fills and the writer that drains it. */
  private final class Stream implements WatchListener {
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final ResourceType type;
    private final Representation representation;
    private final String includeObject;
    private @Nullable OutputStream out;
    private boolean columnsSent;

    Stream(ResourceType type, Representation representation, String includeObject) {
      this.type = type;
      this.representation = representation;
      this.includeObject = includeObject;
    }

    @Override
    public void onEvent(WatchEvent event) {
      queue.add(event);
    }

    @Override
    public void onClose(@Nullable BackendException cause) {
      queue.add(new End(cause));
    }

    void end() {
      queue.add(new End(null));
    }

    void start(HttpExchange exchange) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", Responses.JSON);
      exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
      exchange.sendResponseHeaders(200, 0);
      out = exchange.getResponseBody();
    }

    /** Writes events until the stream ends; a failed write means the client is gone. */
    void pump() throws IOException {
      while (true) {
        Object next;
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (next instanceof End end) {
          if (end.cause() != null) {
            writeError(end.cause());
          }
          return;
        }
        WatchEvent event = (WatchEvent) next;
        JsonNode encoded;
        try {
          encoded = encode(event);
        } catch (BackendException failed) {
          // A conversion webhook failed: as kube-apiserver's storage watcher, one ERROR event with the failure as
          // an internal error (transformErrorToEvent), then the stream ends.
          writeError(new BackendException.Unavailable(500, "Internal error occurred: " + failed.getMessage(),
              Duration.ZERO));
          return;
        }
        write(event.type().name(), encoded);
      }
    }

    private JsonNode encode(WatchEvent event) {
      if (event.type() == WatchEvent.Type.BOOKMARK) {
        ObjectNode bookmark = Json.object().put("kind", type.kind()).put("apiVersion", type.apiVersion());
        bookmark.putObject("metadata").put("resourceVersion", event.object().resourceVersion());
        return bookmark;
      }
      Resource object = ResourceEndpoints.inVersion(server, event.object(), type);
      switch (representation) {
        case TABLE:
          boolean withColumns = !columnsSent;
          columnsSent = true;
          return tables.table(type, ImmutableList.of(object), object.resourceVersion(), null, includeObject,
              withColumns);
        case METADATA:
          return Tables.partialMetadata(object);
        default:
          return object.json();
      }
    }

    void writeError(BackendException error) throws IOException {
      write("ERROR", StatusBody.failure(error, type.group(), type.plural(), ""));
    }

    private void write(String eventType, JsonNode object) throws IOException {
      ObjectNode line = Json.object();
      line.put("type", eventType);
      line.set("object", object);
      byte[] bytes = Responses.MAPPER.writeValueAsBytes(line);
      OutputStream target = out;
      if (target == null) {
        throw new IllegalStateException("stream not started");
      }
      target.write(bytes);
      target.write('\n');
      target.flush();
    }
  }
}
