package dev.converge.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Observed;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.ApplyOptions;
import dev.converge.api.backend.Backend;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.DeleteOptions;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.api.backend.Selection;
import dev.converge.api.backend.Subscription;
import dev.converge.api.backend.WatchListener;
import dev.converge.api.backend.WatchRequest;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.Pair;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Backend} over a Kubernetes API server, through the official client's {@link ApiClient}.
 *
 * <pre>{@code
 * ApiClient client = Config.fromConfig("/path/to/kubeconfig");   // or ClientBuilder.cluster().build()
 * try (KubernetesBackend backend = new KubernetesBackend(
 *     client, KubernetesBackendOptions.defaults().withFieldManager("my-operator").withInformers(Duration.ofMinutes(10)),
 *     meterRegistry)) {
 *   Resource stored = backend.apply(resource, ApplyOptions.defaults());
 * }
 * }</pre>
 *
 * <p>It holds no global state: the client passed in is used as it is (its credentials are the backend's
 * identity; it is never installed as the process-wide default nor reconfigured), metrics go to the registry
 * passed in. It serves any kind the server serves — built-ins and custom resources alike — through
 * discovery and raw REST calls; see the package documentation of each part:
 * discovery ({@link #types()}, {@link #refreshTypes()}), writes by server-side apply with an update fallback
 * for servers without it, typed errors, resuming watches, and informer-backed {@link #observe} with
 * read-your-writes when {@link KubernetesBackendOptions#informers()} is on.
 *
 * <p>Thread-safe. {@link #close()} stops informers and watches.
 */
public final class KubernetesBackend implements Backend, AutoCloseable {
  private final KubernetesBackendOptions options;
  private final RestClient rest;
  private final Paths paths;
  private final TypeRegistry types;
  private final ResourceWriter writer;
  private final WatchConnector connector;
  private final ExecutorService readers;
  private final ScheduledExecutorService scheduler;
  private final @Nullable InformerCache informers;
  private final Set<ResumingWatch> openWatches = ConcurrentHashMap.newKeySet();

  /**
   * A backend over {@code client}.
   *
   * @param client the connection and identity; not modified
   * @param options behaviour ({@link KubernetesBackendOptions#defaults()})
   * @param registry where the backend's meters go
   */
  public KubernetesBackend(ApiClient client, KubernetesBackendOptions options, MeterRegistry registry) {
    this.options = options;
    this.rest = new RestClient(client, options.requestTimeout(), new BackendMetrics(registry));
    this.paths = new Paths(rest::escape);
    this.types = new TypeRegistry(new ApiDiscovery(rest), options.discoveryMissInterval());
    this.writer = new ResourceWriter(rest, paths, options.fieldManager(), options.maxRetries());
    this.readers = Executors.newCachedThreadPool(daemonThreads("converge-k8s-watch-"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemonThreads("converge-k8s-rewatch-"));
    this.connector = new WatchConnector(rest, options.watchTransport(), readers);
    this.informers = options.informers()
        ? new InformerCache(rest, connector, paths, options.informerResync(), options.informerSyncTimeout())
        : null;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  public KubernetesBackendOptions options() {
    return options;
  }

  /** The kinds served as of the last discovery; the first call discovers. */
  @Override
  public ResourceTypes types() {
    return types.types();
  }

  /** Discovers the served kinds again, now. */
  public ResourceTypes refreshTypes() {
    return types.refresh();
  }

  /**
   * Whether this backend found that its server has no server-side apply (and now applies by get and
   * create/update).
   */
  public boolean usesApplyFallback() {
    return writer.applyUnsupported();
  }

  @Override
  public Optional<Resource> get(ResourceKey key) {
    ResourceType type = typeFor(key);
    return writer.get(type, key);
  }

  @Override
  public ListResult list(ListRequest request) {
    ResourceType type = types.require(request.kind());
    List<Pair> query = new ArrayList<>();
    if (!request.labels().isEverything()) {
      query.add(new Pair("labelSelector", request.labels().toString()));
    }
    if (!request.fields().isEverything()) {
      query.add(new Pair("fieldSelector", request.fields().toString()));
    }
    if (request.limit() > 0) {
      query.add(new Pair("limit", String.valueOf(request.limit())));
    }
    if (request.continueToken() != null) {
      query.add(new Pair("continue", request.continueToken()));
    }
    JsonNode list = rest.call(HttpVerb.LIST, type.groupKind(), type.groupKind().toString(), "GET",
        paths.collection(type, request.namespace()), query, null, null);
    String token = list.path("metadata").path("continue").asText("");
    return new ListResult(Wire.items(list, type), Wire.resourceVersion(list), token.isEmpty() ? null : token);
  }

  @Override
  public Resource apply(Resource resource, ApplyOptions options) {
    ResourceType type = writeType(resource);
    return written(writer.apply(type, resource, options));
  }

  @Override
  public Resource update(Resource resource) {
    ResourceType type = writeType(resource);
    return written(writer.update(type, resource));
  }

  @Override
  public Resource updateStatus(Resource resource) {
    ResourceType type = writeType(resource);
    return written(writer.updateStatus(type, resource));
  }

  /** Creates {@code resource}; fails with {@link BackendException.AlreadyExists} if the name is taken. */
  public Resource create(Resource resource) {
    ResourceType type = writeType(resource);
    return written(writer.create(type, resource, options.fieldManager()));
  }

  @Override
  public boolean delete(ResourceKey key, DeleteOptions options) {
    ResourceType type = typeFor(key);
    ResourceWriter.DeleteOutcome outcome = writer.delete(type, key, options);
    if (outcome == null) {
      return false;
    }
    if (informers != null) {
      if (outcome.remaining() != null) {
        informers.overlay().written(outcome.remaining());
      } else {
        Resource last = outcome.lastSeen();
        String version = last == null ? null : last.resourceVersion();
        informers.overlay().deleted(key, version == null ? "" : version);
      }
    }
    if (type.groupKind().equals(TypeRegistry.CRD)) {
      if (outcome.remaining() != null) {
        types.retire(outcome.remaining());
      } else if (outcome.lastSeen() != null) {
        types.forget(outcome.lastSeen());
      } else {
        types.refresh();
      }
    }
    return true;
  }

  @Override
  public Subscription watch(WatchRequest request, WatchListener listener) {
    ResourceType type = types.require(request.kind());
    ResumingWatch[] self = new ResumingWatch[1];
    ResumingWatch watch = new ResumingWatch(connector, paths, type, request, listener, scheduler, rest.metrics(),
        options.watchTimeout(), options.maxRetries(), () -> openWatches.remove(self[0]));
    self[0] = watch;
    openWatches.add(watch);
    return watch.start();
  }

  /** From the informers when they are enabled (no request once a kind is cached), else by list and get. */
  @Override
  public Observed observe(Selection selection) {
    if (informers == null) {
      return Backend.super.observe(selection);
    }
    return informers.observe(selection, types);
  }

  private Resource written(Resource result) {
    if (informers != null) {
      informers.overlay().written(result);
    }
    if (result.groupKind().equals(TypeRegistry.CRD)) {
      types.learn(result);
    }
    return result;
  }

  /**
   * The type to write {@code resource} at: its kind's, at the version the object is in, which is the URL kubectl
   * and client-go's dynamic client write it to. A custom kind's other served versions are written there (the
   * server converts to its storage version); a version the server does not serve is its 404.
   */
  private ResourceType writeType(Resource resource) {
    ResourceType type = typeFor(resource.key());
    String version = resource.version();
    return version.isEmpty() || version.equals(type.version()) ? type : new ResourceType(type.groupKind(), version,
        type.plural(), type.namespaced(), type.shortNames(), type.statusSubresource());
  }

  /**
   * The type of {@code key}'s kind, checking that the key's scope fits it.
   *
   * @throws BackendException.NotFound if the kind is not served
   * @throws BackendException.Invalid if a namespaced kind has no namespace or a cluster-scoped one has one
   */
  private ResourceType typeFor(ResourceKey key) {
    ResourceType type = types.require(key.groupKind());
    if (type.namespaced() && key.namespace().isEmpty()) {
      throw new BackendException.Invalid(key + ": kind " + type.groupKind() + " is namespaced; the key has no namespace",
          ImmutableList.of("metadata.namespace: Required value"));
    }
    if (!type.namespaced() && !key.namespace().isEmpty()) {
      throw new BackendException.Invalid(key + ": kind " + type.groupKind() + " is cluster-scoped; the key has a namespace",
          ImmutableList.of("metadata.namespace: Forbidden: not allowed on a cluster-scoped kind"));
    }
    return type;
  }

  /**
   * Stops the informers and ends every open watch (listeners get {@code onClose(null)}). Closing the
   * connections matters: a reader blocked on a socket does not notice a thread interrupt.
   */
  @Override
  public void close() {
    if (informers != null) {
      informers.close();
    }
    for (ResumingWatch watch : List.copyOf(openWatches)) {
      watch.close();
    }
    scheduler.shutdownNow();
    readers.shutdownNow();
  }
}
