package dev.converge.inmemory.controllers;

import dev.converge.api.backend.BackendException;

/**
 * A built-in controller whose work is one queue of keys, each handled on its own by {@link #sync}: a key whose
 * object went away meanwhile (404) is done; any other failed request puts the key back for the next
 * {@link ControllerManager#settle()}.
 *
 * @param <K> what is queued
 */
abstract class KeyedController<K> implements Controller {
  final ControllerQueue<K> queue = new ControllerQueue<>();

  @Override
  public final boolean hasWork() {
    return !queue.isEmpty();
  }

  @Override
  public final void retryDeferred() {
    queue.retryDeferred();
  }

  @Override
  public final void step() {
    K key = queue.poll();
    if (key == null) {
      return;
    }
    try {
      sync(key);
    } catch (BackendException.NotFound gone) {
      // the object went away meanwhile: nothing to do
    } catch (BackendException failed) {
      queue.defer(key);
    }
  }

  /** Does the work of {@code key}, making requests that may fail. */
  abstract void sync(K key);
}
