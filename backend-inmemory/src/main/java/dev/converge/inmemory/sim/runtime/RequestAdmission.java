package dev.converge.inmemory.sim.runtime;

import dev.converge.inmemory.server.Identity;

/**
 * When a request that reached the API server may run: at once (the default), later, or never but to be
 * answered 429. The load model's priority and fairness plugs in here ({@link SimContext#admission(
 * RequestAdmission)}): it queues the request on the virtual clock and runs it when it is dispatched, so that
 * its effect, its watch events and its record carry the dispatch time. A {@link SimClient} asks once per
 * attempt, after its client-side throttle.
 */
@FunctionalInterface
public interface RequestAdmission {

  /**
   * {@code call} from {@code identity} has arrived; run {@code dispatch} exactly once, now or later on the
   * virtual clock, when it may be served (or answered 429 by the server's interceptors).
   */
  void admit(Identity identity, SimClient.Call<?> call, Runnable dispatch);

  /** Every request runs as it arrives (no load model). */
  static RequestAdmission immediate() {
    return (identity, call, dispatch) -> dispatch.run();
  }
}
