package dev.converge.inmemory.controllers;

/**
 * A built-in controller: it learns about changes from the server's change feed (its informer), queues work,
 * and does one unit of work per {@link #step()} by making ordinary requests under its own identity. The
 * {@link ControllerManager} decides when steps run.
 */
public interface Controller {

  /** The controller's name, for diagnostics. */
  String name();

  /** Whether work is queued. */
  boolean hasWork();

  /**
   * Processes one queued item. A failed request (fault, conflict) puts the item back for the next
   * {@link ControllerManager#settle()}, never for the same one, so that a failing server cannot spin it.
   */
  void step();

  /** Moves items deferred after failures back into the queue. */
  void retryDeferred();
}
