package dev.converge.cli.apply;

import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ForwardingBackend;
import java.io.PrintWriter;

/**
 * A {@link Backend} that says on the progress stream what each write did, as it returns: {@code applied
 * ConfigMap/shop/settings}, {@code deleted …}, {@code failed apply …: <error>}. Reads are passed through
 * silently. The executor writes through this, so progress shows while a long plan runs; the stream is locked
 * per line because a step's actions may run on several threads.
 */
final class ProgressBackend extends ForwardingBackend {
  private final PrintWriter progress;

  ProgressBackend(Backend backend, PrintWriter progress) {
    super(backend);
    this.progress = progress;
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    try {
      Resource stored = delegate().apply(resource, options);
      say("  applied " + resource.key());
      return stored;
    } catch (BackendException e) {
      say("  failed to apply " + resource.key() + ": " + e.getMessage());
      throw e;
    }
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    try {
      boolean existed = delegate().delete(key, options);
      say("  deleted " + key + (existed ? "" : " (already gone)"));
      return existed;
    } catch (BackendException e) {
      say("  failed to delete " + key + ": " + e.getMessage());
      throw e;
    }
  }

  private void say(String line) {
    synchronized (progress) {
      progress.println(line);
      progress.flush();
    }
  }
}
