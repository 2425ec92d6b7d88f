package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Resource;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The webhook servers an embedding runs in process, by the address a webhook configuration names: a Service
 * ({@code clientConfig.service}, any port and path) or the scheme, host and port of a URL ({@code
 * clientConfig.url}). A Service no endpoint is registered for is offered to the {@linkplain #services
 * resolvers}, which find a server by what the Service selects, as kube-proxy forwards to the pods behind it.
 * What nothing answers for fails as a call to an address nothing listens on fails, and the webhook's {@code
 * failurePolicy} decides; or it is called over the network: a URL with {@link #callUrlsOverNetwork}, a Service
 * at the address {@link #serviceAt} gives it.
 */
public final class WebhookEndpoints {
  /**
   * Makes a call over the network on behalf of the server that owns these endpoints: the API server lets its lock
   * go for the call's duration when it can ({@code ApiServer} sets this), so that a slow webhook server delays only
   * the request that calls it, and a webhook server may call the API server back while it answers.
   */
  @FunctionalInterface
  public interface NetworkCallRunner {
    /**
     * Runs {@code call}, a network call that touches nothing of the server's.
     *
     * @param call the call
     * @return what it returns
     */
    JsonNode run(Supplier<JsonNode> call);
  }

  /** Finds the server behind a Service, as the cluster's network would. */
  @FunctionalInterface
  public interface ServiceResolver {
    /**
     * The server that answers at {@code service}, or null when this resolver knows none there.
     *
     * @param service the Service a webhook names, as stored
     * @return the endpoint, or null
     */
    @Nullable WebhookEndpoint resolve(Resource service);
  }

  private final Map<String, WebhookEndpoint> byAddress = new ConcurrentHashMap<>();
  private final Map<String, String> serviceAddresses = new ConcurrentHashMap<>();
  private final List<ServiceResolver> resolvers = new CopyOnWriteArrayList<>();
  private volatile boolean network;
  private volatile NetworkCallRunner runner = Supplier::get;
  /** The HTTPS clients of the calls made over the network, one per CA bundle and name, shared by every caller. */
  private final NetworkCalls calls = new NetworkCalls();

  /** Serves the webhooks whose {@code clientConfig.service} is {@code namespace/name}, on every port and path. */
  public WebhookEndpoints service(String namespace, String name, WebhookEndpoint endpoint) {
    byAddress.put(serviceKey(namespace, name), endpoint);
    return this;
  }

  /**
   * Calls the webhooks whose {@code clientConfig.service} is {@code namespace/name} over the network at {@code
   * address}, whatever port they name, as a cluster's Service network forwards a Service's connections to a pod
   * behind it: a webhook server running beside the API server (as {@code converge serve --webhook-service} runs
   * one) answers webhook configurations written for the cluster, unchanged. As kube-apiserver does, the Service
   * must be stored (else {@code service "name" not found}) and the server's certificate must be valid for {@code
   * <name>.<namespace>.svc} and signed by the configuration's {@code caBundle}. An endpoint registered in process
   * for the Service, or found by a resolver, answers first.
   *
   * @param namespace the Service's namespace
   * @param name the Service's name
   * @param address {@code host:port}, such as {@code 127.0.0.1:9443} or {@code [::1]:9443}
   * @return these endpoints
   * @throws IllegalArgumentException if {@code address} is not a host and a port between 1 and 65535
   */
  public WebhookEndpoints serviceAt(String namespace, String name, String address) {
    URI uri;
    try {
      uri = new URI("https://" + address);
    } catch (java.net.URISyntaxException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65_535 || uri.getRawPath() == null
        || !uri.getRawPath().isEmpty() || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("not host:port with a port between 1 and 65535: " + address);
    }
    serviceAddresses.put(serviceKey(namespace, name), address);
    return this;
  }

  /** The network address of {@code namespace/name} given to {@link #serviceAt}, or null. */
  @Nullable String serviceAddress(String namespace, String name) {
    return serviceAddresses.get(serviceKey(namespace, name));
  }

  /**
   * Serves the webhooks whose {@code clientConfig.url} has the scheme, host and port of {@code url} (its path
   * is ignored here: the endpoint gets each call's path).
   *
   * @throws IllegalArgumentException if {@code url} is not an absolute URL with a host
   */
  public WebhookEndpoints url(String url, WebhookEndpoint endpoint) {
    String key = urlKey(url);
    if (key == null) {
      throw new IllegalArgumentException("not an absolute URL with a host: " + url);
    }
    byAddress.put(key, endpoint);
    return this;
  }

  /**
   * Adds a resolver, asked in the order added for Services no endpoint is registered for. Resolvers run under
   * the server's lock and may read {@code ApiServer.cache()}.
   */
  public WebhookEndpoints services(ServiceResolver resolver) {
    resolvers.add(resolver);
    return this;
  }

  /**
   * Whether webhooks whose {@code clientConfig.url} no endpoint is registered for are called over the network, as
   * kube-apiserver calls them: an HTTPS POST that trusts the configuration's {@code caBundle} (the JVM's roots when
   * it has none), with the webhook's timeout. Off by default, so that tests stay in process and deterministic;
   * {@code converge serve} turns it on, so that a webhook server running beside it (as envtest runs one) is called
   * at the URL its configuration names. A top-level request lets the server's lock go during the call ({@link
   * NetworkCallRunner}), so a slow webhook server delays only the request that calls it, and one may call the API
   * server back while it answers; a call made inside another request or a controller's run keeps the lock.
   *
   * @param enabled whether to call URLs over the network
   * @return these endpoints
   */
  public WebhookEndpoints callUrlsOverNetwork(boolean enabled) {
    network = enabled;
    return this;
  }

  /**
   * Sets how calls over the network are made ({@link NetworkCallRunner}); the API server owning these endpoints sets
   * it when it is created.
   *
   * @param runner runs each call
   * @return these endpoints
   */
  public WebhookEndpoints networkCallRunner(NetworkCallRunner runner) {
    this.runner = runner;
    return this;
  }

  /** Runs a network call as the owning server wants it run. */
  JsonNode overNetwork(Supplier<JsonNode> call) {
    return runner.run(call);
  }

  /** The network, when URLs are called over it; else null. */
  @Nullable NetworkCalls network() {
    return network ? calls : null;
  }

  /** The calls over the network, for a Service at a network address (called whatever {@link #callUrlsOverNetwork} says). */
  NetworkCalls calls() {
    return calls;
  }

  /**
   * Stops serving {@code namespace/name}, in process and at a network address.
   *
   * @param namespace the Service's namespace
   * @param name the Service's name
   * @return whether an endpoint or an address was registered
   */
  public boolean removeService(String namespace, String name) {
    String key = serviceKey(namespace, name);
    boolean endpoint = byAddress.remove(key) != null;
    return serviceAddresses.remove(key) != null || endpoint;
  }

  /** Stops serving the address of {@code url}; returns whether an endpoint was registered. */
  public boolean removeUrl(String url) {
    String key = urlKey(url);
    return key != null && byAddress.remove(key) != null;
  }

  @Nullable WebhookEndpoint forService(Resource service) {
    WebhookEndpoint registered = byAddress.get(serviceKey(service.namespace(), service.name()));
    if (registered != null) {
      return registered;
    }
    for (ServiceResolver resolver : resolvers) {
      WebhookEndpoint found = resolver.resolve(service);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  @Nullable WebhookEndpoint forUrl(String url) {
    String key = urlKey(url);
    return key == null ? null : byAddress.get(key);
  }

  private static String serviceKey(String namespace, String name) {
    return "service:" + namespace + "/" + name;
  }

  /** {@code scheme://host:port}, the port made explicit; null for what is not an absolute URL with a host. */
  static @Nullable String urlKey(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return null;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
  }
}
