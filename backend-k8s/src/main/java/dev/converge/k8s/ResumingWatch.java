package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import io.kubernetes.client.openapi.Pair;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One {@link dev.converge.api.backend.Backend#watch} subscription: it converts the server's events to {@link
 * WatchEvent}s and, when a connection ends without an error that forbids it, reopens the watch from the last
 * {@code resourceVersion} it delivered — the server ends every watch after {@code timeoutSeconds}, and a
 * connection may drop — so the listener sees one ordered stream. It gives up with {@code onClose(cause)} on
 * 410 Gone (the version left the server's history: re-list), on errors that a retry cannot fix (403, 404,
 * 422), and after {@code maxFailures} failed reconnections in a row.
 *
 * <p>Bookmarks update the resume version whether or not they were asked for; they reach the listener only
 * when the request asked for them, as an object of the watched kind named {@value #BOOKMARK_NAME} (a name no
 * Kubernetes object can have) carrying only {@code metadata.resourceVersion}.
 */
final class ResumingWatch implements Subscription {
  /** The name of the object a BOOKMARK event carries; {@code ~} is not allowed in Kubernetes names. */
  static final String BOOKMARK_NAME = "~bookmark";

  /** A connection that ends cleanly sooner than this after opening, having delivered nothing, counts as a failure. */
  private static final long QUICK_END_NANOS = Duration.ofSeconds(1).toNanos();

  /** How long {@link #start()} waits for the server to accept the first connection. */
  static final Duration ESTABLISH_WAIT = Duration.ofSeconds(10);

  private final WatchConnector connector;
  private final Paths paths;
  private final ResourceType type;
  private final WatchRequest request;
  private final WatchListener listener;
  private final ScheduledExecutorService scheduler;
  private final BackendMetrics metrics;
  private final Duration serverTimeout;
  private final int maxFailures;
  private final String subject;
  private final Runnable onFinish;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Object lock = new Object();
  /** Counts down when the first connection is accepted or ends, or the watch finishes. */
  private final CountDownLatch established = new CountDownLatch(1);

  private volatile @Nullable String lastVersion;
  private @Nullable Closeable connection;
  private int generation;
  private int failures;

  ResumingWatch(
      WatchConnector connector, Paths paths, ResourceType type, WatchRequest request, WatchListener listener,
      ScheduledExecutorService scheduler, BackendMetrics metrics, Duration serverTimeout, int maxFailures,
      Runnable onFinish) {
    this.connector = connector;
    this.paths = paths;
    this.type = type;
    this.request = request;
    this.listener = listener;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.serverTimeout = serverTimeout;
    this.maxFailures = maxFailures;
    this.onFinish = onFinish;
    this.lastVersion = request.resourceVersion();
    this.subject = type.groupKind() + (request.namespace() == null ? "" : " in " + request.namespace());
  }

  /**
   * Opens the first connection and waits, {@link #ESTABLISH_WAIT} at most, until the server has accepted it
   * or it has ended. A change made after {@code watch} returns must reach the watch, as with the in-memory
   * backend: the server registers the watcher before it answers, and a watch still on its way would miss the
   * change (a watch without a version would even show the object in its later state, or not at all once a
   * label change moved it out of the selection). If the server is slower than that, the watch opens later.
   */
  ResumingWatch start() {
    connect();
    try {
      established.await(ESTABLISH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
  }

  private void connect() {
    synchronized (lock) {
      if (closed.get() || finished.get()) {
        return;
      }
      int mine = ++generation;
      connection = connector.open(type.groupKind(), subject, paths.collection(type, request.namespace()), query(),
          new Connection(mine, System.nanoTime()));
    }
  }

  private List<Pair> query() {
    List<Pair> query = new ArrayList<>();
    String version = lastVersion;
    if (version != null && !version.isEmpty()) {
      query.add(new Pair("resourceVersion", version));
    }
    if (request.bookmarks()) {
      query.add(new Pair("allowWatchBookmarks", "true"));
    }
    if (!request.labels().isEverything()) {
      query.add(new Pair("labelSelector", request.labels().toString()));
    }
    if (!request.fields().isEverything()) {
      query.add(new Pair("fieldSelector", request.fields().toString()));
    }
    query.add(new Pair("timeoutSeconds", String.valueOf(Math.max(1, serverTimeout.toSeconds()))));
    return query;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Closeable current;
    synchronized (lock) {
      current = connection;
    }
    closeQuietly(current);
    finish(null);
  }

  private void finish(@Nullable BackendException cause) {
    if (finished.compareAndSet(false, true)) {
      established.countDown();
      Closeable current;
      synchronized (lock) {
        current = connection;
      }
      closeQuietly(current);
      onFinish.run();
      listener.onClose(cause);
    }
  }

  private static void closeQuietly(@Nullable Closeable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (IOException | RuntimeException ignored) {
        // the connection is being abandoned either way
      }
    }
  }

  /** The events of one connection; callbacks of a connection that was replaced are ignored. */
  private final class Connection implements RawWatchSink {
    private final int id;
    private final long openedAt;
    private boolean delivered;

    Connection(int id, long openedAt) {
      this.id = id;
      this.openedAt = openedAt;
    }

    private boolean current() {
      synchronized (lock) {
        return id == generation && !finished.get();
      }
    }

    @Override
    public void onOpen() {
      established.countDown();
    }

    @Override
    public void onEvent(JsonNode event) {
      if (!current()) {
        return;
      }
      String kind = event.path("type").asText("");
      JsonNode object = event.path("object");
      switch (kind) {
        case "ERROR" -> finish(ApiErrors.fromStatus(object, HttpVerb.WATCH, subject));
        case "BOOKMARK" -> {
          String version = Wire.resourceVersion(object);
          if (!version.isEmpty()) {
            lastVersion = version;
          }
          delivered = true;
          if (request.bookmarks()) {
            listener.onEvent(new WatchEvent(WatchEvent.Type.BOOKMARK, bookmark(type, version)));
          }
        }
        case "ADDED", "MODIFIED", "DELETED" -> {
          Resource resource = Wire.toResource(object, type);
          String version = resource.resourceVersion();
          if (version != null && !version.isEmpty()) {
            lastVersion = version;
          }
          delivered = true;
          listener.onEvent(new WatchEvent(WatchEvent.Type.valueOf(kind), resource));
        }
        default -> {
          // An event type this client does not know: skip it, as client-go does.
        }
      }
    }

    @Override
    public void onEnd(@Nullable BackendException failure) {
      established.countDown(); // a failed first attempt ends the wait; the retries go on in the background
      if (!current() || closed.get()) {
        return;
      }
      if (failure instanceof BackendException.Gone || (failure != null && !failure.isRetryable())) {
        finish(failure);
        return;
      }
      boolean quickEmptyEnd = failure == null && !delivered && System.nanoTime() - openedAt < QUICK_END_NANOS;
      int attempt;
      synchronized (lock) {
        failures = failure != null || quickEmptyEnd ? failures + 1 : 0;
        attempt = failures;
      }
      if (attempt > maxFailures) {
        finish(failure != null ? failure : new BackendException.Unavailable(
            503, "watch " + subject + ": the server keeps ending the watch at once", Duration.ZERO));
        return;
      }
      metrics.watchRestart(type.groupKind());
      long delayMillis = attempt == 0 ? 0 : Math.min(5_000, 50L << Math.min(attempt, 7));
      try {
        scheduler.schedule(ResumingWatch.this::connect, delayMillis, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        finish(null); // the backend is closing
      }
    }
  }

  /** The object a BOOKMARK event carries: the watched kind and the version, nothing else. */
  static Resource bookmark(ResourceType type, String version) {
    ObjectNode tree = Json.object();
    tree.put("apiVersion", type.apiVersion());
    tree.put("kind", type.kind());
    tree.putObject("metadata").put("name", BOOKMARK_NAME).put("resourceVersion", version);
    return Resource.of(tree);
  }
}
