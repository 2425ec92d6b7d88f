package dev.converge.core.testing;

import dev.converge.api.Resource;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.ForwardingBackend;
import java.util.function.Consumer;

/**
 * Forwards to a {@link FakeBackend}, running a hook before each apply outside the fake's lock, so that
 * threaded tests can hold requests in flight (with latches and barriers, never sleeps).
 */
public final class HookedBackend extends ForwardingBackend {
  private final Consumer<Resource> beforeApply;

  public HookedBackend(FakeBackend delegate, Consumer<Resource> beforeApply) {
    super(delegate);
    this.beforeApply = beforeApply;
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    beforeApply.accept(resource);
    return delegate().apply(resource, options);
  }
}
