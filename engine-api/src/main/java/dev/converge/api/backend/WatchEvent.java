package dev.converge.api.backend;

import dev.converge.api.Resource;

/**
 * One change seen by a watch.
 *
 * @param type what happened
 * @param object the object after the change (for DELETED, its last state; for BOOKMARK, an object of the
 *     watched kind carrying only {@code metadata.resourceVersion})
 */
public record WatchEvent(Type type, Resource object) {

  /** Kubernetes' watch event types. */
  public enum Type {
    /** The object was created, or existed when a watch without a version started. */
    ADDED,
    /** The object changed. */
    MODIFIED,
    /** The object is gone; the event carries its last state. */
    DELETED,
    /** No change: the watch has seen every change up to this {@code resourceVersion}. */
    BOOKMARK
  }
}
