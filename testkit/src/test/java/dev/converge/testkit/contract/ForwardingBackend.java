package dev.converge.testkit.contract;

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

/** A backend that forwards every call; tests override one method to break one rule. */
class ForwardingBackend implements Backend {
  private final Backend delegate;

  ForwardingBackend(Backend delegate) {
    this.delegate = delegate;
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
}
