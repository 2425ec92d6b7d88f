package dev.converge.examples.datadog.render;

import com.fasterxml.jackson.databind.JsonNode;
import dev.converge.api.DesiredGraph;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.examples.datadog.DatadogTestContext;
import dev.converge.examples.datadog.decode.DatadogAgentDecoder;
import java.util.ArrayList;
import java.util.List;

/** Helpers to render a DatadogAgent and read the result. */
final class RenderHelpers {
  private RenderHelpers() {}

  static DesiredGraph graph(Resource primary) {
    return DesiredRenderer.render(DatadogAgentDecoder.decode(primary), DatadogTestContext.firstPass(primary, 42));
  }

  static Resource get(DesiredGraph graph, String key) {
    return graph.get(ResourceKey.parse(key)).orElseThrow(() -> new AssertionError(key + " not in " + graph.resources().keySet()))
        .resource();
  }

  static List<String> keys(DesiredGraph graph) {
    return graph.resources().keySet().stream().map(ResourceKey::toString).toList();
  }

  static JsonNode container(Resource workload, String name) {
    for (JsonNode container : workload.at("spec.template.spec").path("containers")) {
      if (name.equals(container.path("name").asText())) {
        return container;
      }
    }
    throw new AssertionError("no container " + name + " in " + workload.key());
  }

  static List<String> containerNames(Resource workload) {
    List<String> names = new ArrayList<>();
    workload.at("spec.template.spec").path("containers").forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  /** The compact JSON of variable {@code name} of {@code container}, or {@code "absent"}. */
  static String env(JsonNode container, String name) {
    for (JsonNode var : container.path("env")) {
      if (name.equals(var.path("name").asText())) {
        return var.has("value") ? var.path("value").asText() : Json.write(var.path("valueFrom"));
      }
    }
    return "absent";
  }

  static List<String> envNames(JsonNode container) {
    List<String> names = new ArrayList<>();
    container.path("env").forEach(v -> names.add(v.path("name").asText()));
    return names;
  }

  static List<String> rules(Resource role) {
    List<String> rules = new ArrayList<>();
    role.json().path("rules").forEach(rule -> rules.add(Json.write(rule)));
    return rules;
  }
}
