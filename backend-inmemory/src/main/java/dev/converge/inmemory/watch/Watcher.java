package dev.converge.inmemory.watch;

import dev.converge.api.FieldSelector;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.inmemory.server.Identity;
import org.jspecify.annotations.Nullable;

/** One open watch: who asked, what it selects, and where its events go. */
public final class Watcher {
  private final long id;
  private final Identity identity;
  private final ResourceType type;
  private final @Nullable String namespace;
  private final LabelSelector labels;
  private final FieldSelector fields;
  private final boolean bookmarks;
  private final WatchListener listener;
  /** When the server ends the watch ({@code timeoutSeconds}), ticker nanoseconds; 0 for never. */
  private final long deadlineNanos;
  private volatile boolean closed;
  private long delivered;
  /** The tallies of the server's {@link WatchEventCounter}s, fixed when the watch opened. */
  private WatchEventCounter.Tally[] tallies = NO_TALLIES;
  private static final WatchEventCounter.Tally[] NO_TALLIES = new WatchEventCounter.Tally[0];

  Watcher(long id, Identity identity, ResourceType type, @Nullable String namespace, LabelSelector labels,
      FieldSelector fields, boolean bookmarks, WatchListener listener, long deadlineNanos) {
    this.id = id;
    this.identity = identity;
    this.type = type;
    this.namespace = namespace == null || namespace.isEmpty() ? null : namespace;
    this.labels = labels;
    this.fields = fields;
    this.bookmarks = bookmarks;
    this.listener = listener;
    this.deadlineNanos = deadlineNanos;
  }

  public long id() {
    return id;
  }

  public Identity identity() {
    return identity;
  }

  /** The watch's field selector. */
  public FieldSelector fields() {
    return fields;
  }

  public ResourceType type() {
    return type;
  }

  public @Nullable String namespace() {
    return namespace;
  }

  /** When the server ends the watch, ticker nanoseconds; 0 for never. */
  public long deadlineNanos() {
    return deadlineNanos;
  }

  public boolean wantsBookmarks() {
    return bookmarks;
  }

  public WatchListener listener() {
    return listener;
  }

  public boolean isClosed() {
    return closed;
  }

  /** Events queued for this watch so far. */
  public long delivered() {
    return delivered;
  }

  void markClosed() {
    closed = true;
  }

  void countDelivered(WatchEvent.Type type) {
    delivered++;
    for (WatchEventCounter.Tally tally : tallies) {
      tally.sent(type);
    }
  }

  void tallies(WatchEventCounter.Tally[] tallies) {
    this.tallies = tallies;
  }

  /** Whether {@code object} is in this watch's namespace and matches its selectors. */
  public boolean selects(@Nullable Resource object) {
    if (object == null) {
      return false;
    }
    if (namespace != null && !namespace.equals(object.namespace())) {
      return false;
    }
    return labels.matches(object) && (fields.isEverything() || fields.matches(object));
  }
}
