package dev.converge.inmemory.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;

/** Compact JSON literals for the patch tests: single quotes stand for double quotes. */
final class PatchTesting {
  private PatchTesting() {}

  /** Parses {@code text} with {@code '} read as {@code "}. */
  static JsonNode json(String text) {
    return Json.parse(text.replace('\'', '"'));
  }

  /** Parses an object literal and freezes it, as live objects reach the patch code from the store. */
  static ObjectNode frozen(String text) {
    return Json.freezeObject((ObjectNode) json(text));
  }

  static ObjectNode object(String text) {
    return (ObjectNode) json(text);
  }
}
