package dev.converge.inmemory.store;

import dev.converge.api.Resource;
import org.jspecify.annotations.Nullable;

/**
 * One committed change: the revision it produced, what happened, the object after it (for a deletion, its
 * last state stamped with the deletion's revision, as etcd-backed watches report it) and the object before.
 *
 * @param revision the global revision of this change
 * @param type added, modified or deleted
 * @param object the object after the change
 * @param previous the object before the change, null for an addition
 */
public record Change(long revision, Type type, Resource object, @Nullable Resource previous) {

  /** What a change did. */
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED
  }

  /** The object's position in its kind. */
  public ObjectName objectName() {
    return new ObjectName(object.namespace(), object.name());
  }
}
