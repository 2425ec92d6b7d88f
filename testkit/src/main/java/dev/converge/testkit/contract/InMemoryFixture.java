package dev.converge.testkit.contract;

import dev.converge.api.backend.Backend;
import dev.converge.inmemory.InMemoryBackend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.server.Identity;
import dev.converge.testkit.FakeTicker;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The contract fixture of the in-memory backend: a fresh {@link InMemoryCluster} on a {@link FakeTicker}, its
 * backend as {@code system:admin}. It has no limitations: every hook is implemented. Controllers run to
 * completion after every request, so {@link #awaitTrue} settles and checks once, without polling.
 */
public final class InMemoryFixture implements BackendFixture {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryCluster cluster;
  private final InMemoryBackend backend;
  private final NextRequestFault fault = new NextRequestFault();

  private InMemoryFixture(long seed) {
    this.cluster = InMemoryCluster.create(ticker, seed, config -> config.interceptor(fault));
    this.backend = cluster.backend();
  }

  /** A fixture over a new cluster whose random draws (uids, generated names) come from {@code seed}. */
  public static InMemoryFixture create(long seed) {
    return new InMemoryFixture(seed);
  }

  public InMemoryCluster cluster() {
    return cluster;
  }

  public FakeTicker ticker() {
    return ticker;
  }

  @Override
  public Backend backend() {
    return backend;
  }

  @Override
  public String namespace() {
    return "contract";
  }

  @Override
  public void awaitTrue(String what, BooleanSupplier condition) {
    cluster.settle();
    if (!condition.getAsBoolean()) {
      throw new AssertionError("expected " + what + " once the cluster settled, but it does not hold");
    }
  }

  @Override
  public void compactHistory() {
    cluster.server().compact();
  }

  @Override
  public void bookmarkNow() {
    cluster.server().bookmark();
  }

  @Override
  public Backend backendAs(String user) {
    return cluster.backend(Identity.user(user));
  }

  @Override
  public void failNextRequest(int code, Duration retryAfter) {
    fault.arm(code, retryAfter);
  }
}
