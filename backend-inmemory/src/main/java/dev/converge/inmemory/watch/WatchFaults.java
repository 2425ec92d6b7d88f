package dev.converge.inmemory.watch;

import dev.converge.api.backend.WatchEvent;

/**
 * Decides whether the server drops a watch instead of delivering an event to it (a network break, an API
 * server restart, the server's periodic watch timeout). The listener is told through {@code onClose} with
 * a 500 and must re-watch from the last version it saw.
 */
@FunctionalInterface
public interface WatchFaults {
  /** Never drops. */
  WatchFaults NONE = (watcher, event) -> false;

  /** Whether to close {@code watcher} (with a 500) instead of delivering {@code event} to it. */
  boolean dropBefore(Watcher watcher, WatchEvent event);
}
