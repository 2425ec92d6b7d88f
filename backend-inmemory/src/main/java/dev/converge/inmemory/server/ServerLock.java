package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The API server's one lock, and the one case in which it is let go: a webhook called over the network
 * ({@link #outside}). A thread that holds the lock once and serves a top-level request ({@link #serving}) or
 * converts an answer ({@link #converting}) lets it go for the call; the request is told ({@link
 * RequestContext#markLockReleased}), so that it checks its object before it writes ({@code
 * Writes#unchangedMeanwhile}). A call made inside another request, a controller's run or the simulation's clock
 * (which hold the lock more than once, or serve no request) keeps it, so the simulation stays deterministic.
 */
final class ServerLock {
  private final ReentrantLock lock = new ReentrantLock();
  /** The top-level request the current thread serves, while it holds the lock once; else none. */
  private final ThreadLocal<RequestContext> serving = new ThreadLocal<>();
  /** Set while the current thread converts an answer holding the lock once. */
  private final ThreadLocal<Boolean> converting = new ThreadLocal<>();

  void lock() {
    lock.lock();
  }

  void unlock() {
    lock.unlock();
  }

  /**
   * Marks {@code ctx} as the top-level request of the current thread when it holds the lock once.
   *
   * @return whether it did: the caller then calls {@link #served} when the request ends
   */
  boolean serving(RequestContext ctx) {
    if (lock.getHoldCount() != 1) {
      return false;
    }
    serving.set(ctx);
    return true;
  }

  void served() {
    serving.remove();
  }

  /** Runs {@code conversion} under the lock, letting it go for calls over the network when this is the outermost hold. */
  <T> T converting(Supplier<T> conversion) {
    lock.lock();
    boolean outermost = lock.getHoldCount() == 1;
    if (outermost) {
      converting.set(Boolean.TRUE);
    }
    try {
      return conversion.get();
    } finally {
      if (outermost) {
        converting.remove();
      }
      lock.unlock();
    }
  }

  /** Runs a call over the network, with the lock let go when the current thread may let it go (see above). */
  JsonNode outside(Supplier<JsonNode> call) {
    RequestContext ctx = serving.get();
    if ((ctx == null && converting.get() == null) || lock.getHoldCount() != 1) {
      return call.get();
    }
    if (ctx != null) {
      ctx.markLockReleased();
    }
    lock.unlock();
    try {
      return call.get();
    } finally {
      lock.lock();
    }
  }
}
