package dev.converge.api.backend;

import dev.converge.api.Observed;
import dev.converge.api.Readiness;
import dev.converge.api.ReadyGate;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import java.util.Optional;

/**
 * A {@link Backend} that forwards every call to another; subclasses override the calls they decorate
 * (auditing writes, reporting progress, injecting faults in tests) and inherit the rest. Like Guava's
 * {@code Forwarding*} collections, it forwards the calls that {@link Backend} implements by default too
 * ({@link #create}, {@link #observe}, {@link #readiness}): a decorator must not turn a cached backend's
 * {@code observe} into list requests, nor an overridden {@code create} back into an apply.
 *
 * <p>A decorator is itself a backend the engine relies on; run the testkit's backend contract suite against
 * it, as the audit guide does.
 */
public abstract class ForwardingBackend implements Backend {
  private final Backend delegate;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the backend every call goes to unless a subclass overrides it
   */
  protected ForwardingBackend(Backend delegate) {
    this.delegate = delegate;
  }

  /** {@return the backend calls are forwarded to} */
  protected final Backend delegate() {
    return delegate;
  }

  @Override
  public ResourceTypes types() {
    return delegate.types();
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    return delegate.get(key);
  }

  @Override
  public ListResult list(ListRequest request) {
    return delegate.list(request);
  }

  @Override
  public Resource create(Resource resource) {
    return delegate.create(resource);
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    return delegate.apply(resource, options);
  }

  @Override
  public Resource update(Resource resource) {
    return delegate.update(resource);
  }

  @Override
  public Resource updateStatus(Resource resource) {
    return delegate.updateStatus(resource);
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    return delegate.delete(key, options);
  }

  @Override
  public Subscription watch(WatchRequest request, WatchListener listener) {
    return delegate.watch(request, listener);
  }

  @Override
  public Observed observe(Selection selection) {
    return delegate.observe(selection);
  }

  @Override
  public Readiness readiness(ResourceKey key, ReadyGate gate) {
    return delegate.readiness(key, gate);
  }
}
