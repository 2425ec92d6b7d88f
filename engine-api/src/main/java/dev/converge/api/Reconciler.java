package dev.converge.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableSet;

/**
 * What an embedding writes: a pure function from its primary resource to the graph of resources it wants,
 * and a pure function from what is live to the primary's status. The engine does the rest — observe, plan,
 * order, apply, prune, retry, write status only when it changed, clean up on deletion.
 *
 * <p>Implementations do no I/O and read no clock; randomness comes from {@link Context#random()}, time from
 * {@link StatusContext#now()}.
 *
 * @param <P> the typed view of the primary resource
 */
public interface Reconciler<P> {

  /** {@return the kind of the primary resource this reconciler manages} */
  GroupKind primaryKind();

  /**
   * The kinds of the objects this reconciler may create. The engine watches them (events are mapped back to
   * the primary) and prunes owned objects of these kinds that are no longer desired, even when the current
   * desired graph has none of a kind.
   *
   * @return the owned kinds
   */
  ImmutableSet<GroupKind> ownedKinds();

  /**
   * Whether this reconciler manages {@code primary}, an object of {@link #primaryKind()}; by default every one.
   * The loop leaves the others alone entirely: no finalizer, no status, no pass, nothing applied or pruned in
   * their name, as controller-runtime's predicates and the Java Operator SDK's label selector do. Narrow it when
   * the primary kind is a shared one (a ConfigMap standing for an install) or when several operators divide the
   * objects of one kind among them.
   *
   * <p>It must be a pure function of the object, and stable over a primary's life: a primary that stops being
   * managed keeps the loop's finalizer, and its deletion waits until the finalizer is removed by hand or the
   * primary is managed again.
   *
   * @param primary the primary as the server returned it
   * @return whether the loop reconciles it
   */
  default boolean manages(Resource primary) {
    return true;
  }

  /**
   * Reads the primary into its typed form, applying defaults to a copy.
   *
   * @param primary the primary as the server returned it
   * @return the typed, defaulted view
   * @throws InvalidSpecException with the message users see when the spec is invalid; the engine then
   *     changes nothing in the cluster and reports the message through {@link #status}
   */
  P decode(Resource primary);

  /**
   * The resources {@code primary} wants. Must be deterministic given the primary and the context.
   *
   * @param primary the decoded primary
   * @param context the primary as stored, what it owns, and seeded randomness
   * @return the desired graph; the engine stamps ownership on it
   */
  DesiredGraph desired(P primary, Context context);

  /**
   * The primary's {@code status}, computed from live objects after a pass. The engine writes it only when it
   * differs from the current status.
   *
   * @param context the primary, its decoded form (absent if decoding failed), the live objects, the pass's
   *     outcome and the time
   * @return the whole new {@code status}
   */
  ObjectNode status(StatusContext<P> context);
}
