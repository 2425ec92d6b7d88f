package dev.converge.inmemory.controllers;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs the built-in controllers. In the default {@link Mode#INLINE} mode the server calls {@link #settle()}
 * after every request, so a test sees the garbage collector's and the namespace controller's work as soon as
 * its own call returns; in {@link Mode#MANUAL} mode nothing runs until someone calls {@link #settle()} or
 * {@link #stepAll()} (the simulation schedules them on its virtual clock).
 */
public final class ControllerManager {
  /** When controllers run. */
  public enum Mode {
    INLINE,
    MANUAL
  }

  /** A bound on one settle, so that two controllers feeding each other forever cannot hang a test. */
  static final int MAX_STEPS_PER_SETTLE = 1_000_000;

  private final List<Controller> controllers = new CopyOnWriteArrayList<>();
  private volatile Mode mode = Mode.INLINE;

  public void add(Controller controller) {
    controllers.add(controller);
  }

  public ImmutableList<Controller> controllers() {
    return ImmutableList.copyOf(controllers);
  }

  public Mode mode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  /** The server's post-request hook: settles in INLINE mode, does nothing in MANUAL mode. */
  public void afterRequest() {
    if (mode == Mode.INLINE) {
      settle();
    }
  }

  /**
   * Runs every controller until none has work (items that failed are retried once per settle).
   *
   * @return the number of steps taken
   */
  public int settle() {
    for (Controller controller : controllers) {
      controller.retryDeferred();
    }
    int steps = 0;
    boolean worked = true;
    while (worked && steps < MAX_STEPS_PER_SETTLE) {
      worked = false;
      for (Controller controller : controllers) {
        if (controller.hasWork()) {
          controller.step();
          steps++;
          worked = true;
        }
      }
    }
    return steps;
  }

  /** One step of each controller that has work (a simulation's tick). @return whether any worked */
  public boolean stepAll() {
    boolean worked = false;
    for (Controller controller : controllers) {
      controller.retryDeferred();
      if (controller.hasWork()) {
        controller.step();
        worked = true;
      }
    }
    return worked;
  }

  public boolean hasWork() {
    // Asked after every request: a loop, not a stream.
    for (Controller controller : controllers) {
      if (controller.hasWork()) {
        return true;
      }
    }
    return false;
  }
}
