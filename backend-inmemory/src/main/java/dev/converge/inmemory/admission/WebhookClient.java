package dev.converge.inmemory.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Resource;
import dev.converge.inmemory.store.ObjectCache;
import java.net.URI;

/**
 * Posts a review to where a webhook's {@code clientConfig} leads, as kube-apiserver's webhook client does
 * ({@code k8s.io/apiserver/pkg/util/webhook}): a Service ({@code namespace}, {@code name}, {@code port} 443 and
 * {@code path} {@code /} unless given) or a URL, answered by the {@link WebhookEndpoint} registered for it. Shared
 * by admission webhooks and CRD conversion webhooks, whose {@code clientConfig}s have the same shape. A URL no
 * endpoint is registered for is called over the network when the endpoints say so, and a Service at the network
 * address they give it ({@link NetworkCalls}).
 *
 * <p>A call that cannot be made fails with {@link CallFailed}, worded as client-go words it: {@code Post
 * "https://svc.ns.svc:443/path?timeout=10s": dial tcp 10.96.0.12:443: connect: connection refused}, or {@code
 * service "svc" not found} when the Service is not stored (the ClusterIP resolver's lister error).
 */
final class WebhookClient {
  private static final GroupKind SERVICE = GroupKind.of("", "Service");

  private final ObjectCache cache;
  private final WebhookEndpoints endpoints;

  WebhookClient(ObjectCache cache, WebhookEndpoints endpoints) {
    this.cache = cache;
    this.endpoints = endpoints;
  }

  /**
   * Posts {@code review} to where {@code clientConfig} leads and returns the answer.
   *
   * @param timeoutSeconds the timeout the request URL carries ({@code ?timeout=10s})
   * @throws CallFailed when nothing answers there, or the endpoint fails the call
   */
  JsonNode post(JsonNode clientConfig, int timeoutSeconds, JsonNode review) {
    String timeout = "?timeout=" + timeoutSeconds + "s";
    JsonNode serviceRef = clientConfig.path("service");
    String url;
    String path;
    WebhookEndpoint endpoint;
    String refused;
    if (serviceRef.isObject()) {
      String namespace = serviceRef.path("namespace").asText();
      String name = serviceRef.path("name").asText();
      int port = serviceRef.path("port").asInt(443);
      path = serviceRef.path("path").asText("/");
      url = "https://" + name + "." + namespace + ".svc:" + port + path + timeout;
      Resource service = cache.get(SERVICE, namespace, name);
      if (service == null) {
        // The ClusterIP service resolver's lister error.
        throw new CallFailed("Post \"" + url + "\": service \"" + name + "\" not found");
      }
      endpoint = endpoints.forService(service);
      String address = endpoint == null ? endpoints.serviceAddress(namespace, name) : null;
      if (address != null) {
        String caBundle = clientConfig.path("caBundle").asText("");
        return endpoints.overNetwork(() -> endpoints.calls().postVia(address, url, name + "." + namespace + ".svc",
            caBundle, timeoutSeconds, review));
      }
      refused = "dial tcp " + service.spec().path("clusterIP").asText() + ":" + port + ": connect: connection refused";
    } else {
      String address = clientConfig.path("url").asText();
      URI uri = URI.create(address);
      path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      url = address + (address.contains("?") ? "&" + timeout.substring(1) : timeout);
      endpoint = endpoints.forUrl(address);
      NetworkCalls network = endpoint == null ? endpoints.network() : null;
      if (network != null) {
        String caBundle = clientConfig.path("caBundle").asText("");
        String posted = url;
        return endpoints.overNetwork(() -> network.post(posted, caBundle, timeoutSeconds, review));
      }
      String key = WebhookEndpoints.urlKey(address);
      refused = "dial tcp " + (key == null ? address : key.substring(key.indexOf("://") + 3)) + ": connect: connection refused";
    }
    if (endpoint == null) {
      throw new CallFailed("Post \"" + url + "\": " + refused);
    }
    try {
      return endpoint.post(path, review);
    } catch (WebhookEndpoint.Unreachable e) {
      throw new CallFailed("Post \"" + url + "\": " + e.getMessage());
    } catch (WebhookEndpoint.ErrorResponse e) {
      // The REST client's status error, which names no URL.
      throw new CallFailed(e.getMessage());
    }
  }

  /** {@code webhookutil.ErrCallingWebhook}: a call that failed, which a failure policy may ignore. */
  static final class CallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CallFailed(String reason) {
      super(reason, null, false, false);
    }
  }
}
