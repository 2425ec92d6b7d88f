package dev.converge.api.backend;

import org.jspecify.annotations.Nullable;

/** Receives the events of a watch, in order, on the backend's delivery thread. */
public interface WatchListener {

  /**
   * Receives one event. Must not block; hand work off to a queue.
   *
   * @param event the event
   */
  void onEvent(WatchEvent event);

  /**
   * The watch ended: closed by the caller ({@code cause} null), expired ({@link BackendException.Gone}: re-list
   * and watch again from the new version) or dropped by the server or network.
   *
   * @param cause why, or null when the caller closed it
   */
  default void onClose(@Nullable BackendException cause) {}
}
