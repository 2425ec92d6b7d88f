package dev.converge.inmemory.watch;

/**
 * Decides when and on which thread watch events reach their listeners. The server hands deliveries over in
 * commit order once a request has finished (never in the middle of a write), while still holding its lock.
 *
 * <ul>
 *   <li>{@link #synchronous()} (the default) runs each delivery at once, on the thread that made the
 *       request, so a unit test sees every event before its write call returns.
 *   <li>A simulation schedules deliveries on its virtual clock (e.g. after a modelled watch latency).
 *   <li>The HTTP front queues them per watch and writes them on the connection's own thread.
 * </ul>
 *
 * An implementation must keep each watch's deliveries in the order given.
 */
@FunctionalInterface
public interface WatchDispatcher {

  /** Runs {@code delivery} now or later; must not block. */
  void dispatch(Delivery delivery);

  /** Delivers on the calling thread, immediately. */
  static WatchDispatcher synchronous() {
    return Delivery::run;
  }
}
