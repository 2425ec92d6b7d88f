package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * Adapts one pushed watch connection to the pulled {@link Watchable} the client's informer reflector
 * iterates. How a connection ends decides what the reflector does next, as in client-go: a clean end → it
 * watches again from its last version; 410 Gone (an {@code ERROR} event with code 410) → it lists again from
 * scratch; any other failure → it re-lists after its one-second pause.
 */
final class QueueWatchable implements Watchable<CachedObject>, RawWatchSink {
  /** The end of the connection, queued after its last event. */
  private record End(@Nullable BackendException failure) {}

  private final ResourceType type;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private volatile @Nullable Closeable connection;
  private Watch.@Nullable Response<CachedObject> next;
  private boolean ended;

  QueueWatchable(ResourceType type) {
    this.type = type;
  }

  void attach(Closeable opened) {
    this.connection = opened;
  }

  @Override
  public void onEvent(JsonNode event) {
    String kind = event.path("type").asText("");
    JsonNode object = event.path("object");
    switch (kind) {
      case "ERROR" -> queue.add(new Watch.Response<CachedObject>("ERROR", status(object.path("code").asInt(500),
          object.path("message").asText(""))));
      case "BOOKMARK" -> queue.add(new Watch.Response<>("BOOKMARK",
          CachedObject.bookmark(type.apiVersion(), type.kind(), Wire.resourceVersion(object))));
      case "ADDED", "MODIFIED", "DELETED" -> {
        Resource resource = Wire.toResource(object, type);
        queue.add(new Watch.Response<>(kind, CachedObject.of(resource)));
      }
      default -> {
        // unknown event types are skipped
      }
    }
  }

  @Override
  public void onEnd(@Nullable BackendException failure) {
    if (failure instanceof BackendException.Gone) {
      queue.add(new Watch.Response<CachedObject>("ERROR", status(410, failure.getMessage())));
      queue.add(new End(null));
    } else {
      queue.add(new End(failure));
    }
  }

  private static V1Status status(int code, @Nullable String message) {
    return new V1Status().code(code).message(message).status("Failure");
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (ended) {
      return false;
    }
    Object item;
    try {
      item = queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ended = true;
      return false;
    }
    if (item instanceof End end) {
      ended = true;
      if (end.failure() != null) {
        // The reflector treats this message as a broken stream: it lists and watches again.
        throw new IllegalStateException("IO Exception during hasNext: " + end.failure().getMessage(), end.failure());
      }
      return false;
    }
    @SuppressWarnings("unchecked")
    Watch.Response<CachedObject> response = (Watch.Response<CachedObject>) item;
    next = response;
    return true;
  }

  @Override
  public Watch.Response<CachedObject> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Watch.Response<CachedObject> result = next;
    next = null;
    return result;
  }

  @Override
  public Iterator<Watch.Response<CachedObject>> iterator() {
    return this;
  }

  @Override
  public void close() throws IOException {
    Closeable current = connection;
    if (current != null) {
      current.close();
    }
    queue.add(new End(null));
  }
}
