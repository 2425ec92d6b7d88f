package dev.converge.inmemory.watch;

import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import org.jspecify.annotations.Nullable;

/**
 * One event for one watch, or the end of the watch. Running it calls the listener, unless the watch was
 * closed in the meantime (events queued before a close are dropped, as a closed HTTP stream drops them).
 */
public final class Delivery {
  private final Watcher watcher;
  private final @Nullable WatchEvent event;
  private final @Nullable BackendException closeCause;

  private Delivery(Watcher watcher, @Nullable WatchEvent event, @Nullable BackendException closeCause) {
    this.watcher = watcher;
    this.event = event;
    this.closeCause = closeCause;
  }

  static Delivery event(Watcher watcher, WatchEvent event) {
    return new Delivery(watcher, event, null);
  }

  static Delivery close(Watcher watcher, @Nullable BackendException cause) {
    return new Delivery(watcher, null, cause);
  }

  public Watcher watcher() {
    return watcher;
  }

  /** The event, or null for the end of the watch. */
  public @Nullable WatchEvent event() {
    return event;
  }

  /** Calls the listener. */
  public void run() {
    if (event != null) {
      if (!watcher.isClosed()) {
        watcher.listener().onEvent(event);
      }
    } else {
      watcher.listener().onClose(closeCause);
    }
  }

  @Override
  public String toString() {
    return "watch#" + watcher.id() + (event != null ? " " + event.type() + " " + event.object().key() : " close");
  }
}
