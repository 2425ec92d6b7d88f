package dev.converge.inmemory.controllers;

import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.Identity;
import java.util.Objects;

/**
 * A built-in controller whose work is one queue of keys, each handled on its own by {@link #sync}: a key whose
 * object went away meanwhile (404) is done; any other failed request puts the key back for the next
 * {@link ControllerManager#settle()}.
 *
 * @param <K> what is queued
 */
abstract class KeyedController<K> implements Controller {
  final ControllerQueue<K> queue = new ControllerQueue<>();
  private Identity identity;

  KeyedController(Identity identity) {
    this.identity = identity;
  }

  /**
   * Makes this controller's requests as {@code who} from now on (default: the service account kube-controller-manager
   * gives it with {@code --use-service-account-credentials}); a simulated kube-controller-manager without that
   * flag runs every controller as itself. Set before the controller runs.
   */
  public final void actAs(Identity who) {
    this.identity = Objects.requireNonNull(who, "who");
  }

  /** Who this controller's requests are made as. */
  public final Identity identity() {
    return identity;
  }

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
