package dev.converge.examples.datadog.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.common.collect.ImmutableList;
import dev.converge.api.Resource;
import java.io.IOException;

/** Reads Kubernetes manifests written in YAML (one or more documents) into resources. */
public final class AgentManifests {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private AgentManifests() {}

  /**
   * Every non-empty document of {@code yaml}, as resources.
   *
   * @throws IllegalArgumentException with the parser's message when {@code yaml} is not valid YAML
   */
  public static ImmutableList<Resource> readAll(String yaml) {
    ImmutableList.Builder<Resource> result = ImmutableList.builder();
    try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && !document.isNull() && !document.isMissingNode() && !document.isEmpty()) {
          result.add(Resource.of(document));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid YAML: " + e.getMessage(), e);
    }
    return result.build();
  }

  /** The single document of {@code yaml}. */
  public static Resource read(String yaml) {
    ImmutableList<Resource> all = readAll(yaml);
    if (all.size() != 1) {
      throw new IllegalArgumentException("expected one document, got " + all.size());
    }
    return all.get(0);
  }

  /**
   * {@code resource} placed in {@code namespace} unless it names one, as {@code kubectl apply -n namespace}
   * does, optionally with a server-assigned {@code uid}.
   */
  public static Resource inNamespace(Resource resource, String namespace, String uid) {
    return resource.edit(tree -> {
      var metadata = tree.withObjectProperty("metadata");
      if (metadata.path("namespace").asText("").isEmpty()) {
        metadata.put("namespace", namespace);
      }
      if (!uid.isEmpty() && metadata.path("uid").isMissingNode()) {
        metadata.put("uid", uid);
      }
    });
  }
}
