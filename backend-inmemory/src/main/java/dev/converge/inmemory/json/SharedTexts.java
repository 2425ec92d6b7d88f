package dev.converge.inmemory.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.Map;

/**
 * One text node per value for the few members that nearly every stored object repeats ({@code apiVersion},
 * {@code kind}, {@code metadata.namespace}): a cluster of 10,000 Leases otherwise holds 10,000 text nodes
 * saying {@code coordination.k8s.io/v1}, and every request that reads a stored object's type or namespace
 * then misses the cache on its own copy. Text nodes are immutable and compare by value, so which instance a
 * tree holds changes nothing but where it lives. Bounded: past {@link #MAX} values, new ones are kept as they
 * come. Not thread-safe (the server uses it under its lock).
 */
public final class SharedTexts {
  static final int MAX = 4_096;

  private final Map<String, TextNode> nodes = new HashMap<>();

  /** Replaces {@code object}'s text member {@code field}, if any, by the shared node with its value. */
  public void share(ObjectNode object, String field) {
    JsonNode value = object.get(field);
    if (value instanceof TextNode text) {
      TextNode shared = shared(text);
      if (shared != text) {
        object.set(field, shared);
      }
    }
  }

  /** The shared node with {@code text}'s value ({@code text} itself when it is the first one, or when full). */
  TextNode shared(TextNode text) {
    String value = text.textValue();
    TextNode known = nodes.get(value);
    if (known != null) {
      return known;
    }
    if (nodes.size() < MAX) {
      nodes.put(value, text);
    }
    return text;
  }
}
