package dev.converge.examples.datadog.install;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.examples.datadog.decode.DatadogAgentSchema;
import dev.converge.examples.datadog.decode.SpecSchema;
import java.util.Map;

/**
 * The CRD's {@code openAPIV3Schema}, generated from the same {@link SpecSchema} the decoder checks against: a
 * structural schema with a description on every field, so {@code kubectl explain datadogagent.spec.features}
 * works and the API server prunes nothing the operator reads.
 */
public final class AgentCrdSchema {
  private AgentCrdSchema() {}

  /** The schema of the whole DatadogAgent object. */
  public static ObjectNode openApiV3() {
    ObjectNode root = Json.object().put("type", "object")
        .put("description", "DatadogAgent deploys the Datadog Agent, Cluster Agent and cluster-check runners.");
    ObjectNode properties = root.putObject("properties");
    properties.putObject("apiVersion").put("type", "string").put("description", "The versioned schema of this representation.");
    properties.putObject("kind").put("type", "string").put("description", "The REST resource this object represents.");
    properties.putObject("metadata").put("type", "object");
    properties.set("spec", convert(DatadogAgentSchema.spec()));
    properties.putObject("status").put("type", "object")
        .put("description", "The observed state: conditions and per-component summaries, written by the operator.")
        .put("x-kubernetes-preserve-unknown-fields", true);
    return root;
  }

  /** {@code schema} as OpenAPI v3 (structural: every node typed). */
  public static ObjectNode convert(SpecSchema schema) {
    ObjectNode node = Json.object().put("type", schema.type().openApiName());
    if (!schema.description().isEmpty()) {
      node.put("description", schema.description());
    }
    if (!schema.enumValues().isEmpty()) {
      ArrayNode values = node.putArray("enum");
      schema.enumValues().forEach(values::add);
    }
    switch (schema.type()) {
      case OBJECT:
        ObjectNode properties = node.putObject("properties");
        for (Map.Entry<String, SpecSchema> property : schema.properties().entrySet()) {
          properties.set(property.getKey(), convert(property.getValue()));
        }
        break;
      case MAP:
        node.set("additionalProperties", convert(requireItems(schema)));
        break;
      case ARRAY:
        node.set("items", convert(requireItems(schema)));
        break;
      default:
        break;
    }
    return node;
  }

  private static SpecSchema requireItems(SpecSchema schema) {
    SpecSchema items = schema.items();
    if (items == null) {
      throw new IllegalStateException("array or map schema without items");
    }
    return items;
  }
}
