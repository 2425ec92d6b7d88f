package dev.converge.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Conversions between the bytes the API server speaks and Converge's {@link Resource}s. Payloads are parsed
 * straight into Jackson trees, never into the client's Gson models: one parse per object, and the
 * resulting frozen tree is what the engine and the informer cache hold.
 */
final class Wire {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * Metadata the server owns. Sending them in an apply is wrong ({@code managedFields} must be absent, a
   * {@code resourceVersion} or {@code uid} would turn into a precondition), and a create rejects or ignores them.
   */
  private static final Set<String> SERVER_METADATA = Set.of(
      "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields", "selfLink",
      "deletionTimestamp", "deletionGracePeriodSeconds");

  private Wire() {}

  /**
   * Parses JSON text into a mutable tree.
   *
   * @throws IllegalArgumentException when {@code text} is not JSON
   */
  static JsonNode parse(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON from the API server: " + e.getOriginalMessage(), e);
    }
  }

  static byte[] bytes(JsonNode tree) {
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The resource an object of {@code type} denotes. Items of a list and some watch events come without
   * {@code apiVersion} and {@code kind} (the API server leaves them out of list items); they are taken from
   * the type asked for, and put first as Kubernetes prints them.
   */
  static Resource toResource(JsonNode object, ResourceType type) {
    if (!object.isObject()) {
      throw new IllegalArgumentException("expected an object from the API server for " + type.groupKind());
    }
    if (object.hasNonNull("apiVersion") && object.hasNonNull("kind")) {
      return Resource.of(object);
    }
    ObjectNode filled = Json.object();
    filled.put("apiVersion", object.path("apiVersion").asText(type.apiVersion()));
    filled.put("kind", object.path("kind").asText(type.kind()));
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      if (!field.getKey().equals("apiVersion") && !field.getKey().equals("kind")) {
        filled.set(field.getKey(), field.getValue());
      }
    }
    return Resource.of(filled);
  }

  /** The items of a list answer as resources, ordered by namespace and name as the SPI promises. */
  static ImmutableList<Resource> items(JsonNode list, ResourceType type) {
    List<Resource> result = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      result.add(toResource(item, type));
    }
    result.sort(Comparator.comparing(Resource::namespace).thenComparing(Resource::name));
    return ImmutableList.copyOf(result);
  }

  /**
   * What this backend sends to create or apply {@code resource}: its tree without the server-owned metadata
   * (see {@link #SERVER_METADATA}). A fresh mutable copy.
   */
  static ObjectNode withoutServerFields(Resource resource) {
    ObjectNode copy = resource.toMutableJson();
    JsonNode metadata = copy.path("metadata");
    if (metadata instanceof ObjectNode meta) {
      meta.remove(SERVER_METADATA);
    }
    return copy;
  }

  /** The {@code metadata.resourceVersion} of an object, or empty. */
  static String resourceVersion(JsonNode object) {
    return object.path("metadata").path("resourceVersion").asText("");
  }
}
