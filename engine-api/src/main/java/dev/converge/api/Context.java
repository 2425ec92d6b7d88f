package dev.converge.api;

import java.util.random.RandomGenerator;

/** What {@link Reconciler#desired} may consult besides the primary. */
public interface Context {

  /** {@return the primary as the server returned it (uid, generation, labels)} */
  Resource primary();

  /**
   * The live objects this primary owns or references, as last observed. A reconciler reads it to keep a
   * value it generated once (a random token) instead of generating a new one every pass.
   *
   * @return the owned and referenced objects, by key
   */
  Observed observed();

  /** {@return seeded randomness; the only source a reconciler may draw from} */
  RandomGenerator random();
}
