package dev.converge.inmemory.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.inmemory.json.Trees;

/**
 * Conversion between the served versions of a custom kind with the CRD's {@code None} strategy, which changes
 * nothing but {@code apiVersion}. The copies share every other member with the original (frozen trees stay
 * frozen and shared).
 */
public final class Versions {
  private Versions() {}

  /** {@code object} in {@code apiVersion}: itself if it is in that version already. */
  public static Resource convert(Resource object, String apiVersion) {
    if (object.apiVersion().equals(apiVersion)) {
      return object;
    }
    return Resource.of(Json.freezeObject(convert(object.json(), apiVersion)));
  }

  /** A new root over {@code tree}'s members with {@code apiVersion} set (mutable at the root only). */
  public static ObjectNode convert(JsonNode tree, String apiVersion) {
    ObjectNode copy = Trees.shallowCopy(tree);
    copy.put("apiVersion", apiVersion);
    return copy;
  }
}
