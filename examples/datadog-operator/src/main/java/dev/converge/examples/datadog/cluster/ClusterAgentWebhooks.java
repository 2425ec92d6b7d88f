package dev.converge.examples.datadog.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.Lookup;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.admission.AdmissionMutator;
import dev.converge.inmemory.admission.AdmissionReviews;
import dev.converge.inmemory.admission.WebhookEndpoint;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.store.ObjectCache;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Datadog Cluster Agent's admission webhook server in the in-memory cluster. The server itself dispatches
 * the {@code MutatingWebhookConfiguration} the operator writes, as kube-apiserver does (rules, selectors,
 * failure policy, JSON patches: {@code dev.converge.inmemory.admission}); this class is what answers behind the
 * configuration's Service: a {@linkplain dev.converge.inmemory.admission.WebhookEndpoints#services resolver}
 * that finds a running Cluster Agent behind the Service ({@link ClusterAgentEndpoint}), and the endpoint that
 * answers its reviews with the pure {@link AdmissionMutator}.
 *
 * <p>Everything is read live from the server at each request, nothing is cached, so a deleted configuration or
 * a Cluster Agent that went down takes effect on the very next request. With no Cluster Agent behind the
 * Service, the call fails as kube-apiserver's does ({@code dial tcp 10.96.0.12:443: connect: connection
 * refused}), and the webhook's {@code failurePolicy} decides: {@code Ignore} lets the pod through unmutated,
 * {@code Fail} refuses it with 500.
 *
 * <p>The endpoint serves {@value #CONFIG_PATH} (agent host or sockets, entity ID) and {@value #TAGS_PATH}
 * (standard tags from the pod or its owners, read from the server's store as the Cluster Agent reads its
 * informers), and answers 404 on any other path. A webhook call is not an API request, so none is recorded.
 */
public final class ClusterAgentWebhooks implements WebhookEndpoint {
  /** The config webhook's path: {@code DD_AGENT_HOST} (or the sockets) and {@code DD_ENTITY_ID}. */
  public static final String CONFIG_PATH = "/injectconfig";
  /** The standard-tags webhook's path: {@code DD_ENV}, {@code DD_SERVICE}, {@code DD_VERSION}. */
  public static final String TAGS_PATH = "/injecttags";

  private final AdmissionMutator mutator;
  private final ObjectCache cache;

  private ClusterAgentWebhooks(AdmissionMutator mutator, ObjectCache cache) {
    this.mutator = mutator;
    this.cache = cache;
  }

  /** Makes every Service that selects a running Cluster Agent answer the Cluster Agent's webhooks on {@code server}. */
  public static void register(ApiServer server) {
    ObjectCache cache = server.cache();
    server.admission().endpoints().services(service -> endpoint(service, cache));
  }

  private static @Nullable WebhookEndpoint endpoint(Resource service, ObjectCache cache) {
    AdmissionMutator mutator = ClusterAgentEndpoint.resolve(service, cache);
    return mutator == null ? null : new ClusterAgentWebhooks(mutator, cache);
  }

  @Override
  public JsonNode post(String path, JsonNode review) {
    JsonNode request = review.path("request");
    JsonNode pod = request.path("object");
    String namespace = request.path("namespace").asText();
    return switch (path) {
      case CONFIG_PATH -> AdmissionReviews.patch(review, mutator.injectConfig(pod, namespace));
      case TAGS_PATH -> {
        Lookup owners = key -> Optional.ofNullable(cache.get(key.groupKind(), key.namespace(), key.name()));
        yield AdmissionReviews.patch(review, mutator.injectTags(pod, namespace, owners));
      }
      // The Cluster Agent's router answers 404 for a path it does not serve, which client-go reports so.
      default -> throw new WebhookEndpoint.ErrorResponse("the server could not find the requested resource");
    };
  }
}
