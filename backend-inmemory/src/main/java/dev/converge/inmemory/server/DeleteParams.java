package dev.converge.inmemory.server;

import dev.converge.api.Propagation;
import dev.converge.api.backend.DeleteOptions;
import org.jspecify.annotations.Nullable;

/**
 * The server's delete options ({@code metav1.DeleteOptions}).
 *
 * @param propagation what happens to dependents; null for the kind's default (background for every v1 kind)
 * @param uid delete only the object with this uid (precondition)
 * @param resourceVersion delete only if the object is at this version (precondition)
 * @param gracePeriodSeconds for pods: seconds before the kubelet must have stopped it; null for the pod's
 *     {@code terminationGracePeriodSeconds}; 0 deletes at once
 * @param dryRun {@code dryRun=All}: answered with what the delete would do, nothing removed or marked
 */
public record DeleteParams(
    @Nullable Propagation propagation,
    @Nullable String uid,
    @Nullable String resourceVersion,
    @Nullable Long gracePeriodSeconds,
    boolean dryRun) {

  public DeleteParams(@Nullable Propagation propagation, @Nullable String uid, @Nullable String resourceVersion,
      @Nullable Long gracePeriodSeconds) {
    this(propagation, uid, resourceVersion, gracePeriodSeconds, false);
  }

  public static DeleteParams defaults() {
    return new DeleteParams(null, null, null, null);
  }

  public static DeleteParams of(Propagation propagation) {
    return new DeleteParams(propagation, null, null, null);
  }

  /** The server form of the backend SPI's options. */
  public static DeleteParams from(DeleteOptions options) {
    return new DeleteParams(options.propagation(), options.uid(), options.resourceVersion(), null);
  }

  public DeleteParams withUid(@Nullable String expected) {
    return new DeleteParams(propagation, expected, resourceVersion, gracePeriodSeconds, dryRun);
  }

  public DeleteParams withResourceVersion(@Nullable String expected) {
    return new DeleteParams(propagation, uid, expected, gracePeriodSeconds, dryRun);
  }

  public DeleteParams withGracePeriod(long seconds) {
    return new DeleteParams(propagation, uid, resourceVersion, seconds, dryRun);
  }

  /** These parameters for a dry run ({@code dryRun=All}) when {@code dryRun} is true. */
  public DeleteParams withDryRun(boolean dryRun) {
    return new DeleteParams(propagation, uid, resourceVersion, gracePeriodSeconds, dryRun);
  }
}
