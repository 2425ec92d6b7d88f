package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.ResourceType;

/**
 * Checks that a create or update body is an object of the URL's kind, in the URL's namespace, as
 * kube-apiserver's handlers do before the registry sees it ({@code rest.BeforeCreate},
 * {@code handlers/create.go}): a missing {@code apiVersion}/{@code kind} is taken from the URL, a mismatch is a
 * 400, a missing namespace is the URL's.
 */
final class ObjectBodies {
  private ObjectBodies() {}

  /** Completes and checks {@code body} in place; returns its (mutable) {@code metadata}. */
  static ObjectNode prepare(ObjectNode body, ResourceType type, ApiPath path) {
    String apiVersion = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    if (apiVersion.isEmpty()) {
      body.put("apiVersion", type.apiVersion());
    } else if (!apiVersion.equals(type.apiVersion())) {
      throw new IllegalArgumentException("the API version in the data (" + apiVersion
          + ") does not match the expected API version (" + type.apiVersion() + ")");
    }
    if (kind.isEmpty()) {
      body.put("kind", type.kind());
    } else if (!kind.equals(type.kind())) {
      throw new IllegalArgumentException("the kind in the data (" + kind + ") does not match the expected kind ("
          + type.kind() + ")");
    }
    JsonNode existing = body.path("metadata");
    ObjectNode metadata = existing.isObject() ? (ObjectNode) existing : body.putObject("metadata");
    String namespace = metadata.path("namespace").asText("");
    if (type.namespaced()) {
      if (namespace.isEmpty()) {
        metadata.put("namespace", path.namespace());
      } else if (!namespace.equals(path.namespace())) {
        throw new IllegalArgumentException("the namespace of the provided object does not match the namespace sent "
            + "on the request");
      }
    } else if (!namespace.isEmpty()) {
      metadata.remove("namespace");
    }
    return metadata;
  }

  /** An update names the object of its URL. */
  static void requireName(ObjectNode body, ApiPath path) {
    String name = body.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      ((ObjectNode) body.path("metadata")).put("name", path.name());
    } else if (!name.equals(path.name())) {
      throw new IllegalArgumentException("the name of the object (" + name + ") does not match the name on the URL ("
          + path.name() + ")");
    }
  }
}
