package dev.converge.examples.datadog.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.GroupKind;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.examples.datadog.admission.AdmissionMutator;
import dev.converge.examples.datadog.admission.DatadogAdmissionConfig;
import dev.converge.inmemory.store.ObjectCache;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The Cluster Agent behind a Service, read live from the server, when it answers.
 *
 * <p>kube-apiserver resolves a webhook Service to its cluster IP (the default {@code ClusterIPServiceResolver},
 * without {@code --enable-aggregator-routing}) and dials it; kube-proxy then forwards to a ready pod that the
 * Service selects, or refuses the connection when there is none. Here the pod is stood for by its Deployment:
 * the Cluster Agent answers when a Deployment in the Service's namespace whose pod template the Service
 * selects has an available replica and runs the admission controller ({@value
 * DatadogAdmissionConfig#ENV_ENABLED}{@code =true}). What it injects comes from that Deployment's environment,
 * as the Cluster Agent reads its own configuration.
 */
final class ClusterAgentEndpoint {
  private static final GroupKind DEPLOYMENT = GroupKind.of("apps", "Deployment");

  private ClusterAgentEndpoint() {}

  /** The Cluster Agent's admission endpoints behind {@code service}, or null when no Cluster Agent answers there. */
  static @Nullable AdmissionMutator resolve(Resource service, ObjectCache cache) {
    LabelSelector selector = LabelSelector.matchLabels(stringMap(service.spec().path("selector")));
    if (selector.isEverything()) {
      return null;
    }
    for (Resource deployment : cache.inNamespace(DEPLOYMENT, service.namespace()).values()) {
      Map<String, String> env = admissionEnv(deployment);
      if (selector.matches(stringMap(deployment.at("spec.template.metadata.labels")))
          && deployment.status().path("availableReplicas").asInt(0) > 0
          && "true".equals(env.get(DatadogAdmissionConfig.ENV_ENABLED))) {
        return new AdmissionMutator(DatadogAdmissionConfig.fromClusterAgentEnv(service.namespace(), env));
      }
    }
    return null;
  }

  /** The literal environment of the pod template's container that runs the admission controller, if any. */
  private static Map<String, String> admissionEnv(Resource deployment) {
    for (JsonNode container : deployment.at("spec.template.spec.containers")) {
      Map<String, String> env = new LinkedHashMap<>();
      for (JsonNode var : container.path("env")) {
        if (var.path("value").isTextual()) {
          env.putIfAbsent(var.path("name").asText(), var.path("value").asText());
        }
      }
      if (env.containsKey(DatadogAdmissionConfig.ENV_ENABLED)) {
        return env;
      }
    }
    return Map.of();
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> map = new LinkedHashMap<>();
    object.properties().forEach(entry -> map.put(entry.getKey(), entry.getValue().asText()));
    return map;
  }
}
