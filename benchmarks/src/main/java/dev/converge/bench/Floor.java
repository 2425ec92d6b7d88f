package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The floor the planner is measured against: one walk over every node of the same desired and live trees,
 * hashing field names and values, reading the trees the same way the diff does (entry iteration of objects,
 * indexed access of arrays). Nothing can read both trees faster; the planner must also look fields up,
 * compare them and find edges.
 */
final class Floor {
  private Floor() {}

  static long walk(List<JsonNode> trees) {
    long h = 0;
    for (JsonNode tree : trees) {
      h = h * 31 + hash(tree);
    }
    return h;
  }

  private static long hash(JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT: {
        long h = 1;
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          h = h * 31 + (field.getKey().hashCode() ^ hash(field.getValue()));
        }
        return h;
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
