package dev.converge.cli.apply;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * A {@link Backend} that says on the progress stream what each write did, as it returns: {@code applied
 * ConfigMap/shop/settings}, {@code deleted …}, {@code failed apply …: <error>}. Reads are passed through
 * silently. The executor writes through this, so progress shows while a long plan runs; the stream is locked
 * per line because a step's actions may run on several threads.
 */
final class ProgressBackend implements Backend {
  private final Backend backend;
  private final PrintWriter progress;

  ProgressBackend(Backend backend, PrintWriter progress) {
    this.backend = backend;
    this.progress = progress;
  }

  @Override
  public ResourceTypes types() {
    return backend.types();
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    return backend.get(key);
  }

  @Override
  public ListResult list(ListRequest request) {
    return backend.list(request);
  }

  @Override
  public Resource create(Resource resource) {
    return backend.create(resource);
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    try {
      Resource stored = backend.apply(resource, options);
      say("  applied " + resource.key());
      return stored;
    } catch (BackendException e) {
      say("  failed to apply " + resource.key() + ": " + e.getMessage());
      throw e;
    }
  }

  @Override
  public Resource update(Resource resource) {
    return backend.update(resource);
  }

  @Override
  public Resource updateStatus(Resource resource) {
    return backend.updateStatus(resource);
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    try {
      boolean existed = backend.delete(key, options);
      say("  deleted " + key + (existed ? "" : " (already gone)"));
      return existed;
    } catch (BackendException e) {
      say("  failed to delete " + key + ": " + e.getMessage());
      throw e;
    }
  }

  @Override
  public Subscription watch(WatchRequest request, WatchListener listener) {
    return backend.watch(request, listener);
  }

  private void say(String line) {
    synchronized (progress) {
      progress.println(line);
      progress.flush();
    }
  }
}
