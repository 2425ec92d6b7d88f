package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The floor the planner is measured against: one walk over every node of the same desired and live trees,
 * hashing field names and values, reading the trees the same way the diff does ({@code forEachEntry} over
 * objects, indexed access of arrays). Nothing can read both trees faster; the planner must also look fields up,
 * compare them and find edges.
 */
final class Floor implements BiConsumer<String, JsonNode> {
  private long[] hashes = new long[64];
  private int depth;

  private Floor() {}

  static long walk(List<JsonNode> trees) {
    Floor floor = new Floor();
    long h = 0;
    for (JsonNode tree : trees) {
      h = h * 31 + floor.hash(tree);
    }
    return h;
  }

  @Override
  public void accept(String name, JsonNode value) {
    long h = hash(value);
    hashes[depth] = hashes[depth] * 31 + (name.hashCode() ^ h);
  }

  private long hash(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT: {
        if (++depth == hashes.length) {
          hashes = Arrays.copyOf(hashes, depth * 2);
        }
        hashes[depth] = 1;
        ((ObjectNode) node).forEachEntry(this);
        return hashes[depth--];
      }
      case ARRAY: {
        long h = 2;
        for (int i = 0; i < node.size(); i++) {
          h = h * 31 + hash(node.get(i));
        }
        return h;
      }
      case STRING:
        return node.textValue().hashCode();
      case NUMBER:
        return node.isIntegralNumber() ? node.longValue() : Double.doubleToLongBits(node.doubleValue());
      case BOOLEAN:
        return node.booleanValue() ? 3 : 5;
      default:
        return 7;
    }
  }
}
