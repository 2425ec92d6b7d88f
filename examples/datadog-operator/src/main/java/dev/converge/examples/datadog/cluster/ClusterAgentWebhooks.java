package dev.converge.examples.datadog.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import dev.converge.api.Lookup;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.admission.AdmissionMutator;
import dev.converge.inmemory.admission.AdmissionPlugin;
import dev.converge.inmemory.admission.AdmissionRequest;
import dev.converge.inmemory.admission.Operation;
import dev.converge.inmemory.admission.Verdict;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Errors;
import dev.converge.inmemory.store.ObjectCache;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Datadog Cluster Agent's admission webhooks in the in-memory cluster: kube-apiserver's dispatch of
 * mutating webhooks ({@code k8s.io/apiserver/pkg/admission/plugin/webhook/mutating/dispatcher.go}) for the
 * webhooks Datadog registers, answered by the pure {@link AdmissionMutator}. Register it once per server with
 * {@link #register}; it then takes part in every create and update.
 *
 * <p>Everything is read live from the server at each request, nothing is cached, so a deleted configuration
 * or a Cluster Agent that went down takes effect on the very next request:
 *
 * <ol>
 *   <li>the MutatingWebhookConfigurations, in name order (kube-apiserver sorts them so), and in each the
 *       webhooks named {@value #WEBHOOK_PREFIX}{@code *}, the names the Cluster Agent gives its webhooks (other
 *       webhooks are someone else's server);
 *   <li>for each such webhook whose rules and selectors match the request ({@link WebhookMatcher}), the
 *       Service of its {@code clientConfig} and the Cluster Agent behind it ({@link ClusterAgentEndpoint});
 *   <li>reachable: the endpoint named by {@code clientConfig.service.path} ({@value #CONFIG_PATH}, {@value
 *       #TAGS_PATH}) mutates the object, each webhook seeing the previous one's result as kube-apiserver chains
 *       them;
 *   <li>unreachable: {@code failurePolicy: Ignore} skips the webhook (the object goes on unmutated by it);
 *       {@code Fail}, the default of {@code admissionregistration.k8s.io/v1}, fails the request with 500 {@code
 *       InternalError} and kube-apiserver's wording: {@code Internal error occurred: failed calling webhook
 *       "datadog.webhook.agent.config": failed to call webhook: Post
 *       "https://datadog-admission-controller.datadog.svc:443/injectconfig?timeout=10s": dial tcp
 *       10.96.0.12:443: connect: connection refused}.
 * </ol>
 *
 * <p>A webhook call is not an API request, so none is recorded; the Cluster Agent's look-ups of a pod's owners
 * read the server's store, as they would read the Cluster Agent's informer caches. {@code reinvocationPolicy}
 * is not modelled: no other plugin changes pods after these webhooks.
 */
public final class ClusterAgentWebhooks implements AdmissionPlugin.Mutating {
  /** The plugin's name in the server's admission chain. */
  public static final String NAME = "datadog-cluster-agent-webhooks";
  /** The prefix of the webhook names the Cluster Agent registers ({@code datadog.webhook.agent.config}, …). */
  public static final String WEBHOOK_PREFIX = "datadog.webhook.";
  /** The config webhook's path: {@code DD_AGENT_HOST} (or the sockets) and {@code DD_ENTITY_ID}. */
  public static final String CONFIG_PATH = "/injectconfig";
  /** The standard-tags webhook's path: {@code DD_ENV}, {@code DD_SERVICE}, {@code DD_VERSION}. */
  public static final String TAGS_PATH = "/injecttags";
  private static final GroupKind CONFIGURATION = GroupKind.of("admissionregistration.k8s.io", "MutatingWebhookConfiguration");

  private final ApiServer server;

  private ClusterAgentWebhooks(ApiServer server) {
    this.server = server;
  }

  /** Adds the Cluster Agent's webhooks to {@code server}'s admission chain. */
  public static ClusterAgentWebhooks register(ApiServer server) {
    ClusterAgentWebhooks plugin = new ClusterAgentWebhooks(server);
    server.admission().register(plugin);
    return plugin;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Creates and updates with an object; which of them a webhook wants, its rules say. */
  @Override
  public boolean handles(AdmissionRequest request) {
    return request.operation() != Operation.DELETE && request.object() != null;
  }

  /**
   * Calls every matching Datadog webhook in turn. Runs under the server's lock (admission is part of the
   * request), which is what makes reading {@link ApiServer#cache()} safe here.
   */
  @Override
  public Verdict mutate(AdmissionRequest request) {
    Resource original = Objects.requireNonNull(request.object());
    ObjectCache cache = server.cache();
    Resource current = original;
    for (Resource configuration : cache.objects(CONFIGURATION).values()) {
      for (JsonNode webhook : configuration.json().path("webhooks")) {
        String name = webhook.path("name").asText();
        if (!name.startsWith(WEBHOOK_PREFIX) || !WebhookMatcher.matches(webhook, request, current, cache)) {
          continue;
        }
        JsonNode service = webhook.path("clientConfig").path("service");
        ObjectNode answer = call(webhook, service, current, request.namespace(), cache);
        if (answer != null) {
          current = Resource.of(answer);
        }
      }
    }
    return current == original || current.json().equals(original.json()) ? Verdict.allow() : Verdict.patch(current);
  }

  /**
   * The mutated object, or null when the webhook is skipped under {@code failurePolicy: Ignore}.
   *
   * @throws dev.converge.api.backend.BackendException.Unavailable 500 when it fails under {@code Fail}
   */
  private static @Nullable ObjectNode call(JsonNode webhook, JsonNode service, Resource object,
      String namespace, ObjectCache cache) {
    String path = service.path("path").asText("/");
    ClusterAgentEndpoint endpoint = ClusterAgentEndpoint.resolve(service, cache);
    AdmissionMutator mutator = endpoint.mutator();
    String failure;
    if (mutator == null) {
      failure = "Post \"" + url(service, webhook) + "\": " + endpoint.failure();
    } else if (path.equals(CONFIG_PATH)) {
      return mutator.injectConfig(object.json(), namespace);
    } else if (path.equals(TAGS_PATH)) {
      Lookup owners = key -> Optional.ofNullable(cache.get(key.groupKind(), key.namespace(), key.name()));
      return mutator.injectTags(object.json(), namespace, owners);
    } else {
      // The Cluster Agent answers 404 for a path it does not serve; the webhook client reports the status error.
      failure = "the server could not find the requested resource";
    }
    if (webhook.path("failurePolicy").asText("Fail").equals("Ignore")) {
      return null;
    }
    throw Errors.internal("failed calling webhook \"" + webhook.path("name").asText() + "\": failed to call webhook: " + failure);
  }

  /** The URL kube-apiserver posts to: the Service's DNS name, port, path and the webhook's timeout. */
  private static String url(JsonNode service, JsonNode webhook) {
    return "https://" + service.path("name").asText() + "." + service.path("namespace").asText() + ".svc:"
        + service.path("port").asInt(443) + service.path("path").asText("/") + "?timeout="
        + webhook.path("timeoutSeconds").asInt(10) + "s";
  }
}
