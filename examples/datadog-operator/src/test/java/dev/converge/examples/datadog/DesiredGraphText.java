package dev.converge.examples.datadog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.converge.api.DesiredGraph;
import dev.converge.api.DesiredResource;
import dev.converge.api.Json;
import dev.converge.api.Redaction;
import dev.converge.api.ResourceKey;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A desired graph as text for golden files: resources in key order, each a YAML document with its object keys
 * sorted, preceded by comments naming its key, its explicit dependencies and its readiness gate. Secret values
 * are masked, as in every report Converge prints.
 */
public final class DesiredGraphText {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

  private DesiredGraphText() {}

  public static String render(DesiredGraph graph) {
    StringBuilder out = new StringBuilder();
    for (DesiredResource entry : graph.resources().values()) {
      out.append("--- # ").append(entry.key()).append('\n');
      for (ResourceKey prerequisite : entry.dependsOn().stream().sorted().toList()) {
        out.append("# dependsOn: ").append(prerequisite).append('\n');
      }
      if (entry.readyWhen() != null) {
        out.append("# readyWhen: ").append(entry.readyWhen().describe()).append('\n');
      }
      out.append("# ownership: ").append(entry.ownership()).append('\n');
      try {
        out.append(YAML.writeValueAsString(sorted(Redaction.redact(entry.resource()).json())));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }

  /** {@code node} with every object's keys sorted; arrays keep their order. */
  public static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, JsonNode> fields = new TreeMap<>();
      node.properties().forEach(e -> fields.put(e.getKey(), sorted(e.getValue())));
      ObjectNode result = Json.object();
      fields.forEach(result::set);
      return result;
    }
    if (node.isArray()) {
      ArrayNode result = Json.array();
      node.forEach(element -> result.add(sorted(element)));
      return result;
    }
    return node;
  }
}
