package dev.converge.api.backend;

import dev.converge.api.Propagation;
import org.jspecify.annotations.Nullable;

/**
 * Options of a delete.
 *
 * @param propagation what happens to dependents
 * @param uid if set, delete only the object with this uid (not a newer one of the same name)
 * @param resourceVersion if set, delete only if the object is still at this version
 */
public record DeleteOptions(Propagation propagation, @Nullable String uid, @Nullable String resourceVersion) {

  /**
   * {@return a background delete without preconditions: the object goes now, the garbage collector removes
   * its dependents after}
   */
  public static DeleteOptions background() {
    return new DeleteOptions(Propagation.BACKGROUND, null, null);
  }

  /**
   * {@return a delete with {@code propagation} and no preconditions}
   *
   * @param propagation what happens to dependents
   */
  public static DeleteOptions of(Propagation propagation) {
    return new DeleteOptions(propagation, null, null);
  }

  /**
   * {@return these options with a uid precondition, so that a newer object of the same name is never
   * deleted by mistake}
   *
   * @param expected the uid the object must have, or null for none
   */
  public DeleteOptions withUid(@Nullable String expected) {
    return new DeleteOptions(propagation, expected, resourceVersion);
  }
}
