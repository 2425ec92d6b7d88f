package dev.converge.testkit.contract;

import dev.converge.api.Ticker;
import dev.converge.api.backend.Backend;
import dev.converge.inmemory.InMemoryCluster;
import dev.converge.inmemory.http.HttpFront;
import dev.converge.k8s.KubernetesBackend;
import dev.converge.k8s.KubernetesBackendOptions;
import io.kubernetes.client.openapi.ApiClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * {@link KubernetesBackend} against {@code converge serve}: an in-memory cluster on the wall clock behind its
 * HTTP front (plain HTTP on loopback, as client libraries use it in-process), reached over real sockets with
 * client-java. Nothing is declared missing: every hook reaches the same server the backend talks to.
 *
 * <ul>
 *   <li>{@link #backendAs(String)} is a second backend whose client sends {@code Impersonate-User} with the
 *       admin's token, as {@code kubectl --as} does; the front authorizes the impersonated user by RBAC.
 *   <li>{@link #compactHistory()}, {@link #bookmarkNow()} and {@link #failNextRequest} act on the in-memory
 *       server directly: a real cluster offers no such knob, the HTTP path the backend sees is the same.
 *       Bookmarks are repeated for a few seconds, for watches still on their way to the server.
 *   <li>{@link #awaitTrue} polls: watch events travel over sockets on the front's threads.
 * </ul>
 */
final class ConvergeServeFixture implements BackendFixture, AutoCloseable {
  private static final String ADMIN_TOKEN = "contract-admin";

  private final NextRequestFault fault = new NextRequestFault();
  private final InMemoryCluster cluster;
  private final HttpFront front;
  private final KubernetesBackendOptions options;
  private final KubernetesBackend backend;
  private final List<KubernetesBackend> others = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "contract-bookmarks");
    thread.setDaemon(true);
    return thread;
  });

  ConvergeServeFixture(KubernetesBackendOptions options) {
    this.cluster = InMemoryCluster.create(Ticker.system(), 42, config -> config.interceptor(fault));
    // As converge serve (ConvergeServer) does: webhooks at a URL are posted to over the network.
    cluster.server().admission().endpoints().callUrlsOverNetwork(true);
    this.front = HttpFront.builder(cluster.server()).adminToken(ADMIN_TOKEN).plainHttp().start();
    this.options = options;
    this.backend = new KubernetesBackend(client(null), options, new SimpleMeterRegistry());
  }

  /** A client-java client of the front as the admin, or impersonating {@code user}. */
  private ApiClient client(@Nullable String user) {
    ApiClient client = new ApiClient();
    client.setBasePath(front.url());
    client.setApiKeyPrefix("Bearer");
    client.setApiKey(ADMIN_TOKEN);
    if (user != null) {
      client.addDefaultHeader("Impersonate-User", user);
    }
    return client;
  }

  InMemoryCluster cluster() {
    return cluster;
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
    Polling.awaitTrue(what, condition, Duration.ofSeconds(10), Duration.ofMillis(10));
  }

  @Override
  public void compactHistory() {
    cluster.server().compact();
  }

  /**
   * Bookmarks now, and again every 50 ms for the next 5 s: a watch the test has just opened may still be on its
   * way to the server (the backend's {@code watch} returns before the HTTP request is served), and a bookmark
   * sent before it arrives would never reach it. Repeating is harmless: each bookmark carries the current version,
   * and only watches that asked for bookmarks get one.
   */
  @Override
  public void bookmarkNow() {
    cluster.server().bookmark();
    ScheduledFuture<?> repeat = timer.scheduleAtFixedRate(() -> cluster.server().bookmark(), 50, 50, TimeUnit.MILLISECONDS);
    timer.schedule(() -> repeat.cancel(false), 5, TimeUnit.SECONDS);
  }

  @Override
  public Backend backendAs(String user) {
    KubernetesBackend other = new KubernetesBackend(client(user), options, new SimpleMeterRegistry());
    others.add(other);
    return other;
  }

  @Override
  public void failNextRequest(int code, Duration retryAfter) {
    fault.arm(code, retryAfter);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    others.forEach(KubernetesBackend::close);
    backend.close();
    front.close();
  }
}
