package dev.converge.api;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link Reconciler#status} sees: the primary, its typed form when it decoded, the live objects after
 * the pass, and how the pass ended.
 *
 * @param <P> the typed view of the primary
 */
public interface StatusContext<P> {

  /** {@return the primary as last read, with its current status} */
  Resource primary();

  /** {@return the typed primary, or empty when {@link Reconciler#decode} rejected it} */
  Optional<P> decoded();

  /** {@return the live objects after the pass: what the server holds, not what the engine wrote} */
  Observed live();

  /** {@return how the pass ended: converged, progressing, invalid or failed} */
  Outcome outcome();

  /** {@return the time to stamp on a condition that flips now} */
  Instant now();
}
