package dev.converge.testkit;

import com.google.common.collect.ImmutableList;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A {@link WatchListener} that keeps every event and how the watch ended, for assertions on the whole
 * sequence: {@code assertThat(recorder.tokens()).containsExactly("ADDED a", "MODIFIED a", "DELETED a")}.
 * Thread-safe, since backends deliver on their own threads.
 */
public final class WatchRecorder implements WatchListener {
  private final List<WatchEvent> events = new ArrayList<>();
  private boolean closed;
  private @Nullable BackendException closeCause;

  @Override
  public synchronized void onEvent(WatchEvent event) {
    events.add(event);
  }

  @Override
  public synchronized void onClose(@Nullable BackendException cause) {
    closed = true;
    closeCause = cause;
  }

  /** The events received, in order. */
  public synchronized ImmutableList<WatchEvent> events() {
    return ImmutableList.copyOf(events);
  }

  /** The events other than bookmarks, in order. */
  public synchronized ImmutableList<WatchEvent> changes() {
    return events.stream().filter(e -> e.type() != WatchEvent.Type.BOOKMARK).collect(ImmutableList.toImmutableList());
  }

  /** {@code "<TYPE> <name>"} for every change (bookmarks left out), in order. */
  public ImmutableList<String> tokens() {
    return tokens(e -> e.type() + " " + e.object().name());
  }

  /** {@code format(event)} for every change (bookmarks left out), in order. */
  public ImmutableList<String> tokens(Function<WatchEvent, String> format) {
    return changes().stream().map(format).collect(ImmutableList.toImmutableList());
  }

  /** How many changes (not bookmarks) arrived. */
  public int changeCount() {
    return changes().size();
  }

  /** Whether {@code onClose} was called. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /** The cause {@code onClose} was given: null when closed by the caller or not closed at all. */
  public synchronized @Nullable BackendException closeCause() {
    return closeCause;
  }
}
