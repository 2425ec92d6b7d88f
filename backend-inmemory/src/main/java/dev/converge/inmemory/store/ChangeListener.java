package dev.converge.inmemory.store;

/**
 * Receives every committed change, synchronously, in revision order, while the server holds its lock. The
 * watch hub and the built-in controllers listen here (as informers would); listeners must only record work,
 * never call back into the server.
 */
@FunctionalInterface
public interface ChangeListener {
  /** One committed change; must not block nor call the server. */
  void onChange(Change change);
}
