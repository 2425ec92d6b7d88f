package dev.converge.guides.audit;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ForwardingBackend;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A {@link Backend} that forwards every call to another and reports each write, as one line, to an audit
 * trail: {@code "apply apps/Deployment/web/blog"}, or {@code "delete ConfigMap/web/old: 403 Forbidden"} when
 * the server refused it. Reads are not audited. Wrapping a backend must not change what the engine can rely
 * on, so it passes the whole backend contract suite ({@code AuditingBackendContractTest}).
 */
public final class AuditingBackend extends ForwardingBackend {
  private final Consumer<String> audit;

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the backend that does the work
   * @param audit receives one line per write; called on the writing thread, so it must be thread-safe
   */
  public AuditingBackend(Backend delegate, Consumer<String> audit) {
    super(delegate);
    this.audit = audit;
  }

  // guide: begin audited
  private <T> T audited(String verb, ResourceKey key, Supplier<T> write) {
    try {
      T result = write.get();
      audit.accept(verb + " " + key);
      return result;
    } catch (BackendException refused) {
      audit.accept(verb + " " + key + ": " + refused.code() + " " + refused.getClass().getSimpleName());
      throw refused;
    }
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    return audited("apply", resource.key(), () -> delegate().apply(resource, options));
  }
  // guide: end audited

  @Override
  public Resource create(Resource resource) {
    return audited("create", resource.key(), () -> delegate().create(resource));
  }

  @Override
  public Resource update(Resource resource) {
    return audited("update", resource.key(), () -> delegate().update(resource));
  }

  @Override
  public Resource updateStatus(Resource resource) {
    return audited("update-status", resource.key(), () -> delegate().updateStatus(resource));
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    return audited("delete", key, () -> delegate().delete(key, options));
  }
}
