package dev.converge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

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

  /**
   * A second, tighter reference: the naive diff, walking each desired tree and looking every member up in its
   * live tree (objects by name, arrays by index, scalars by {@code equals}) with no paths, list keys, value
   * rules or normalizers. It is what the planner's no-change case costs before it does anything a correct
   * planner must do; it is printed beside the floor to show how much of the planner's time is the walk itself.
   *
   * @param trees desired and live trees, alternating, as {@link PlannerWorkload#trees}
   * @return how many desired scalars differ or are missing, so that the walk cannot be optimised away
   */
  static long pairedWalk(List<JsonNode> trees) {
    long differences = 0;
    for (int i = 0; i + 1 < trees.size(); i += 2) {
      differences += paired(trees.get(i), trees.get(i + 1));
    }
    return differences;
  }

  private static long paired(JsonNode want, @Nullable JsonNode have) {
    if (have == null) {
      return 1;
    }
    if (want instanceof ObjectNode) {
      long[] differences = {0};
      ((ObjectNode) want).forEachEntry((name, value) -> differences[0] += paired(value, have.get(name)));
      return differences[0];
    }
    if (want.isArray()) {
      long differences = Math.abs(want.size() - have.size());
      for (int i = 0, n = Math.min(want.size(), have.size()); i < n; i++) {
        differences += paired(want.get(i), have.get(i));
      }
      return differences;
    }
    return want.equals(have) ? 0 : 1;
  }
}
