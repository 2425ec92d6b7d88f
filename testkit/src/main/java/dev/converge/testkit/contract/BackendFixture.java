package dev.converge.testkit.contract;

import com.google.common.collect.ImmutableMap;
import dev.converge.api.backend.Backend;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * What a backend's contract test supplies: the backend under test, a namespace of its own, what the backend
 * cannot do, and the few things the SPI cannot express (wait for the server's controllers, drop history,
 * send a bookmark, act as another identity, fail a request). One fixture serves one test method; JUnit
 * creates the test instance, and so the fixture, afresh for every test.
 *
 * <p>A hook whose capability is declared missing in {@link #limitations()} is never called. A hook that is
 * called but not implemented throws {@link UnsupportedOperationException}, which fails the test: a gap must
 * be declared to be skipped.
 */
public interface BackendFixture {

  /** The backend under test, with full rights (cluster-admin); the same instance for the whole test. */
  Backend backend();

  /**
   * A namespace no other test uses at the same time; the suite creates it before each test. Cluster-scoped
   * objects the suite creates are named after it too, so a shared server can run the suite.
   */
  String namespace();

  /** What this backend cannot do, each with the reason reported on the skipped tests. Empty by default. */
  default ImmutableMap<Capability, String> limitations() {
    return ImmutableMap.of();
  }

  /**
   * Returns once {@code condition} holds, after letting the server's controllers (garbage collector,
   * namespace controller, CRD controller) and watch deliveries catch up; fails with {@code what} if it does
   * not. An in-memory backend settles and checks once (it never polls); a backend over the network polls up
   * to a timeout.
   */
  void awaitTrue(String what, BooleanSupplier condition);

  /** Drops every change before now from the server's history: later watches and continues from older versions get 410. */
  default void compactHistory() {
    throw new UnsupportedOperationException("compactHistory is not implemented by " + getClass().getName());
  }

  /** Makes the server send a BOOKMARK with its current version to every watch that asked for bookmarks. */
  default void bookmarkNow() {
    throw new UnsupportedOperationException("bookmarkNow is not implemented by " + getClass().getName());
  }

  /** The same server as user {@code user}, who has no RBAC bindings. */
  default Backend backendAs(String user) {
    throw new UnsupportedOperationException("backendAs is not implemented by " + getClass().getName());
  }

  /**
   * Makes the next request to the backend fail with {@code code} (429, 500, 503 or 504) and, for 429, a
   * {@code Retry-After} of {@code retryAfter}.
   */
  default void failNextRequest(int code, Duration retryAfter) {
    throw new UnsupportedOperationException("failNextRequest is not implemented by " + getClass().getName());
  }
}
