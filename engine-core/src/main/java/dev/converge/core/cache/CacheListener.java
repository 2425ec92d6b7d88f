package dev.converge.core.cache;

import dev.converge.api.backend.WatchEvent;

/**
 * Told about every change a {@link WatchCache} takes in from the server, after its store holds it (client-go's
 * {@code ResourceEventHandler}: handlers run after the indexer was updated, so a handler that reads the cache
 * sees at least this state).
 *
 * <p>Events are typed by what the cache held before: ADDED for an object it did not hold, MODIFIED for one it
 * did, DELETED with the object's last state. After a re-list every object is told again (MODIFIED if it was
 * held, unchanged or not), as client-go's informer calls {@code OnUpdate} for each. Changes that only echo
 * the engine's own writes, which the cache took in when they were made, are not told.
 */
@FunctionalInterface
public interface CacheListener {

  /**
   * One change. Called on the thread that delivered it (a watch delivery, a re-list on the scheduler), one
   * at a time per kind, while the kind's informer holds its lock: must not block and must not call the
   * backend; hand work off to a queue.
   */
  void onChange(WatchEvent event);
}
