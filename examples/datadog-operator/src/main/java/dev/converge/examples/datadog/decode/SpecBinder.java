package dev.converge.examples.datadog.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.Json;
import dev.converge.examples.datadog.model.ComponentName;
import dev.converge.examples.datadog.model.ComponentOverride;
import dev.converge.examples.datadog.model.Credentials;
import dev.converge.examples.datadog.model.DatadogAgentSpec;
import dev.converge.examples.datadog.model.EnvVar;
import dev.converge.examples.datadog.model.Features;
import dev.converge.examples.datadog.model.GlobalConfig;
import dev.converge.examples.datadog.model.ImageConfig;
import dev.converge.examples.datadog.model.SecretKeyRef;
import dev.converge.examples.datadog.model.Toleration;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Binds a spec tree that passed the schema check and has its defaults applied to the {@code model} records.
 * Plain code, one method per record: the schema check already guaranteed every type, so reading cannot fail.
 */
final class SpecBinder {
  private SpecBinder() {}

  static DatadogAgentSpec spec(JsonNode spec) {
    return new DatadogAgentSpec(global(spec.path("global")), features(spec.path("features")), overrides(spec.path("override")));
  }

  private static GlobalConfig global(JsonNode global) {
    JsonNode credentials = global.path("credentials");
    return new GlobalConfig(
        global.path("site").asText(),
        text(global.path("clusterName")),
        strings(global.path("tags")),
        global.path("registry").asText(),
        global.path("logLevel").asText(),
        new Credentials(secretRef(credentials.path("apiSecret")), secretRef(credentials.path("appSecret")),
            text(credentials.path("apiKey")), text(credentials.path("appKey"))));
  }

  private static @Nullable SecretKeyRef secretRef(JsonNode node) {
    String name = text(node.path("secretName"));
    String key = text(node.path("keyName"));
    return name == null || key == null ? null : new SecretKeyRef(name, key);
  }

  private static Features features(JsonNode features) {
    JsonNode apm = features.path("apm");
    JsonNode instrumentation = apm.path("instrumentation");
    JsonNode logs = features.path("logCollection");
    JsonNode admission = features.path("admissionController");
    JsonNode clusterChecks = features.path("clusterChecks");
    JsonNode dogstatsd = features.path("dogstatsd");
    return new Features(
        new Features.Apm(apm.path("enabled").asBoolean(),
            new Features.Instrumentation(instrumentation.path("enabled").asBoolean(),
                strings(instrumentation.path("enabledNamespaces")), strings(instrumentation.path("disabledNamespaces"))),
            Json.at(apm, "unixDomainSocketConfig.enabled").asBoolean()),
        new Features.LogCollection(logs.path("enabled").asBoolean(), logs.path("containerCollectAll").asBoolean()),
        new Features.RemoteConfiguration(Json.at(features, "remoteConfiguration.enabled").asBoolean()),
        new Features.AdmissionController(admission.path("enabled").asBoolean(), admission.path("mutateUnlabelled").asBoolean(),
            admission.path("agentCommunicationMode").asText(), admission.path("serviceName").asText(),
            admission.path("failurePolicy").asText()),
        new Features.ClusterChecks(clusterChecks.path("enabled").asBoolean(), clusterChecks.path("useClusterChecksRunners").asBoolean()),
        new Features.Dogstatsd(dogstatsd.path("originDetectionEnabled").asBoolean(),
            Json.at(dogstatsd, "unixDomainSocketConfig.enabled").asBoolean()),
        new Features.KubeStateMetricsCore(Json.at(features, "kubeStateMetricsCore.enabled").asBoolean()),
        new Features.EventCollection(Json.at(features, "eventCollection.collectKubernetesEvents").asBoolean()));
  }

  private static ImmutableMap<ComponentName, ComponentOverride> overrides(JsonNode overrides) {
    Map<ComponentName, ComponentOverride> result = new EnumMap<>(ComponentName.class);
    for (ComponentName component : ComponentName.values()) {
      JsonNode node = overrides.path(component.overrideKey());
      if (node.isObject()) {
        result.put(component, override(node));
      }
    }
    return ImmutableMap.copyOf(result);
  }

  private static ComponentOverride override(JsonNode node) {
    JsonNode image = node.path("image");
    String imageName = text(image.path("name"));
    ImmutableList.Builder<EnvVar> env = ImmutableList.builder();
    for (JsonNode var : node.path("env")) {
      JsonNode from = var.path("valueFrom");
      env.add(new EnvVar(var.path("name").asText(), text(var.path("value")), from.isObject() ? from : null));
    }
    ImmutableList.Builder<Toleration> tolerations = ImmutableList.builder();
    for (JsonNode t : node.path("tolerations")) {
      JsonNode seconds = t.path("tolerationSeconds");
      tolerations.add(new Toleration(text(t.path("key")), text(t.path("operator")), text(t.path("value")),
          text(t.path("effect")), seconds.isIntegralNumber() ? seconds.asLong() : null));
    }
    JsonNode replicas = node.path("replicas");
    return new ComponentOverride(
        imageName == null ? null : new ImageConfig(imageName, text(image.path("tag"))),
        replicas.isIntegralNumber() ? replicas.asInt() : null,
        env.build(),
        stringMap(node.path("nodeSelector")),
        tolerations.build(),
        stringMap(node.path("labels")),
        stringMap(node.path("annotations")),
        text(node.path("serviceAccountName")),
        node.path("createPodDisruptionBudget").asBoolean(false),
        node.path("disabled").asBoolean(false));
  }

  private static @Nullable String text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  private static ImmutableList<String> strings(JsonNode node) {
    ImmutableList.Builder<String> result = ImmutableList.builder();
    for (JsonNode element : node) {
      result.add(element.asText());
    }
    return result.build();
  }

  /** A string map in key order, so that rendering does not depend on the order the user wrote. */
  private static ImmutableMap<String, String> stringMap(JsonNode node) {
    java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      sorted.put(entry.getKey(), entry.getValue().asText());
    }
    return ImmutableMap.copyOf(sorted);
  }
}
