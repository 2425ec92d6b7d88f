package dev.converge.inmemory;

import com.google.common.collect.ImmutableList;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.ServerWarnings;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteParams;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.WriteOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Backend} SPI over an in-memory {@link ApiServer}, acting as one {@link Identity}: every call is one
 * request, authorized, admitted and accounted as that identity. Nothing is serialized and nothing copied
 * beyond the server's one freeze per write, so a call costs microseconds. Kinds are presented and read at their
 * most preferred served version, as the Kubernetes backend discovers them (a CRD whose storage version is older
 * than another it serves is read in the newer, converted by {@code None}); writes go to the version of the
 * object written and are answered in it. The server's warnings on writes (a deprecated version, unknown fields
 * dropped, admission notes) reach the caller through {@link ServerWarnings}.
 */
public final class InMemoryBackend implements Backend {
  /** Writes with the server's defaults, their warnings passed to the caller ({@link ServerWarnings}). */
  private static final WriteOptions WRITE = new WriteOptions(null, ServerWarnings::report);

  private final ApiServer server;
  private final Identity identity;

  public InMemoryBackend(ApiServer server, Identity identity) {
    this.server = server;
    this.identity = identity;
  }

  public ApiServer server() {
    return server;
  }

  public Identity identity() {
    return identity;
  }

  /** The same server as another identity. */
  public InMemoryBackend as(Identity other) {
    return new InMemoryBackend(server, other);
  }

  /**
   * A get or list is made at the kind's most preferred version; if the CRD deprecates even that one, the server
   * warns the reader, as it warns writers ({@link ServerWarnings}), and as the Kubernetes backend reports the
   * header of its read. Watches are not warned, here as there (the Kubernetes backend's watch connections do not
   * read the header).
   */
  private void warnIfDeprecated(GroupKind kind) {
    server.preferredVersionWarning(kind).ifPresent(ServerWarnings::report);
  }

  /** Each kind at its most preferred served version, as the Kubernetes backend discovers it. */
  @Override
  public ResourceTypes types() {
    return server.preferredTypes();
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    warnIfDeprecated(key.groupKind());
    try {
      return Optional.of(server.inPreferredVersion(server.get(identity, key)));
    } catch (BackendException.NotFound notFound) {
      server.type(key.groupKind()); // a kind that is not served is NotFound itself, not an absent object
      return Optional.empty();
    }
  }

  @Override
  public ListResult list(ListRequest request) {
    warnIfDeprecated(request.kind());
    ListResult result = server.list(identity, server.preferredType(request.kind()), request);
    if (!server.preferredElsewhere(request.kind())) {
      return result;
    }
    ImmutableList<Resource> items = result.items().stream().map(server::inPreferredVersion)
        .collect(ImmutableList.toImmutableList());
    return new ListResult(items, result.resourceVersion(), result.continueToken());
  }

  @Override
  public Resource create(Resource resource) {
    return server.create(identity, resource, WRITE);
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    return server.apply(identity, resource, PatchOptions.apply(options.fieldManager(), options.force())
        .withWarnings(ServerWarnings::report));
  }

  @Override
  public Resource update(Resource resource) {
    return server.update(identity, resource, WRITE);
  }

  @Override
  public Resource updateStatus(Resource resource) {
    return server.updateStatus(identity, resource, WRITE);
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    try {
      server.delete(identity, key, DeleteParams.from(options));
      return true;
    } catch (BackendException.NotFound notFound) {
      server.type(key.groupKind()); // a kind that is not served is NotFound itself, not an absent object
      return false;
    }
  }

  @Override
  public Subscription watch(WatchRequest request, WatchListener listener) {
    if (!server.preferredElsewhere(request.kind())) {
      return server.watch(identity, request, listener);
    }
    AtomicReference<@Nullable Subscription> subscription = new AtomicReference<>();
    AtomicBoolean ended = new AtomicBoolean();
    Subscription opened = server.watch(identity, server.preferredType(request.kind()), request, new WatchListener() {
      @Override
      public void onEvent(WatchEvent event) {
        if (ended.get()) {
          return;
        }
        Resource object;
        try {
          object = event.type() == WatchEvent.Type.BOOKMARK ? event.object() : server.inPreferredVersion(event.object());
        } catch (BackendException failed) {
          // A conversion webhook failed: the watch ends with the failure as an internal error, as kube-apiserver's
          // storage watcher ends it.
          end(new BackendException.Unavailable(500, "Internal error occurred: " + failed.getMessage(), Duration.ZERO));
          return;
        }
        listener.onEvent(new WatchEvent(event.type(), object));
      }

      @Override
      public void onClose(@Nullable BackendException cause) {
        end(cause);
      }

      private void end(@Nullable BackendException cause) {
        if (ended.compareAndSet(false, true)) {
          Subscription open = subscription.get();
          if (open != null) {
            open.close();
          }
          listener.onClose(cause);
        }
      }
    });
    subscription.set(opened);
    if (ended.get()) {
      opened.close(); // it ended while replaying the objects it starts with
    }
    return opened;
  }
}
