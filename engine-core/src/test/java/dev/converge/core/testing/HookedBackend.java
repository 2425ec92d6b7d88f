package dev.converge.core.testing;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Forwards to a {@link FakeBackend}, running a hook before each apply outside the fake's lock, so that
 * threaded tests can hold requests in flight (with latches and barriers, never sleeps).
 */
public final class HookedBackend implements Backend {
  private final FakeBackend delegate;
  private final Consumer<Resource> beforeApply;

  public HookedBackend(FakeBackend delegate, Consumer<Resource> beforeApply) {
    this.delegate = delegate;
    this.beforeApply = beforeApply;
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
  public Resource apply(Resource resource, ApplyOptions options) {
    beforeApply.accept(resource);
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
}
