package dev.converge.inmemory.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the allocation-free tree helpers the write path uses:
 *
 * <ul>
 *   <li>{@link Trees#equal} answers exactly what {@link JsonNode#equals} answers, for frozen and mutable trees,
 *       members in another order, number types that differ, arrays of other lengths;
 *   <li>{@link Trees#shallowCopy} keeps the members, their order and their (frozen) values;
 *   <li>{@link Trees#sizeWithout} counts the members but the excluded names;
 *   <li>{@link Trees#forEachObject} visits the object elements, made mutable in place, and nothing else.
 * </ul>
 */
class TreesTest {
  @Test
  void equal_answersAsJsonNodeEquals_onRandomPairs() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 2_000; i++) {
      JsonNode a = tree(random, 3);
      JsonNode b = random.nextInt(3) == 0 ? tree(random, 3) : mutate(a, random);
      JsonNode frozenA = Json.freeze(a);
      JsonNode frozenB = Json.freeze(b);
      boolean expected = a.equals(b);
      assertThat(Trees.equal(a, b)).as("mutable %s vs %s", a, b).isEqualTo(expected);
      assertThat(Trees.equal(frozenA, frozenB)).as("frozen %s vs %s", a, b).isEqualTo(expected);
      assertThat(Trees.equal(a, frozenB)).as("mixed %s vs %s", a, b).isEqualTo(expected);
      assertThat(Trees.equal(frozenB, a)).as("mixed %s vs %s", b, a).isEqualTo(expected);
    }
  }

  @Test
  void equal_ignoresMemberOrder_butNotNumberTypes() {
    JsonNode a = Json.parse("{\"x\":1,\"y\":[1,2]}");
    JsonNode reordered = Json.parse("{\"y\":[1,2],\"x\":1}");
    ObjectNode longValue = Json.object().put("x", 1L);
    longValue.set("y", Json.parse("[1,2]"));

    assertThat(Trees.equal(Json.freeze(a), reordered)).isTrue();
    assertThat(a.equals(longValue)).isFalse();
    assertThat(Trees.equal(a, longValue)).isFalse();
    assertThat(Trees.equal(a, null)).isFalse();
    assertThat(Trees.equal(null, null)).isTrue();
  }

  @Test
  void forEachObject_visitsObjectElementsMadeMutable_andLeavesTheOriginalAlone() {
    JsonNode frozen = Json.freeze(Json.parse("{\"ports\":[{\"port\":80},7,{\"port\":443}],\"n\":1}"));
    ObjectNode parent = Trees.shallowCopy(frozen);
    List<Integer> seen = new ArrayList<>();

    Trees.forEachObject(parent, "ports", port -> {
      seen.add(port.path("port").asInt());
      port.put("protocol", "TCP");
    });
    Trees.forEachObject(parent, "n", port -> seen.add(-1));
    Trees.forEachObject(parent, "absent", port -> seen.add(-2));

    assertThat(seen).containsExactly(80, 443);
    assertThat(parent.get("ports")).isEqualTo(
        Json.parse("[{\"port\":80,\"protocol\":\"TCP\"},7,{\"port\":443,\"protocol\":\"TCP\"}]"));
    assertThat(frozen.get("ports")).isEqualTo(Json.parse("[{\"port\":80},7,{\"port\":443}]"));
  }

  @Test
  void shallowCopy_keepsOrderAndSharesValues() {
    JsonNode frozen = Json.freeze(Json.parse("{\"b\":{\"x\":1},\"a\":[1],\"c\":\"t\"}"));

    ObjectNode copy = Trees.shallowCopy(frozen);

    List<String> names = new ArrayList<>();
    copy.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("b", "a", "c");
    assertThat(copy.get("b")).isSameAs(frozen.get("b"));
    assertThat(copy.get("a")).isSameAs(frozen.get("a"));
    assertThat(Json.isFrozen(copy)).isFalse();
  }

  @Test
  void sizeWithout_countsTheOtherMembers() {
    JsonNode node = Json.freeze(Json.parse("{\"metadata\":{},\"kind\":\"K\",\"spec\":null,\"data\":1}"));

    assertThat(Trees.sizeWithout(node, "metadata", "apiVersion", "kind")).isEqualTo(2);
    assertThat(Trees.sizeWithout(node)).isEqualTo(4);
  }

  private static JsonNode tree(SplittableRandom random, int depth) {
    int pick = depth == 0 ? random.nextInt(4) : random.nextInt(6);
    return switch (pick) {
      case 0 -> Json.nodes().textNode("t" + random.nextInt(3));
      case 1 -> random.nextBoolean() ? Json.nodes().numberNode(random.nextInt(3))
          : Json.nodes().numberNode((long) random.nextInt(3));
      case 2 -> Json.nodes().booleanNode(random.nextBoolean());
      case 3 -> Json.nodes().nullNode();
      case 4 -> {
        ArrayNode array = Json.array();
        int size = random.nextInt(4);
        for (int i = 0; i < size; i++) {
          array.add(tree(random, depth - 1));
        }
        yield array;
      }
      default -> {
        ObjectNode object = Json.object();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
          object.set("f" + random.nextInt(6), tree(random, depth - 1));
        }
        yield object;
      }
    };
  }

  /** A deep copy of {@code node} with at most one change somewhere (or none), members possibly reordered. */
  private static JsonNode mutate(JsonNode node, SplittableRandom random) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      if (random.nextBoolean()) {
        java.util.Collections.reverse(names);
      }
      ObjectNode copy = Json.object();
      int changed = names.isEmpty() ? -1 : random.nextInt(names.size() + 2);
      for (int i = 0; i < names.size(); i++) {
        JsonNode value = object.get(names.get(i));
        copy.set(names.get(i), i == changed ? mutate(value, random) : value.deepCopy());
      }
      if (changed == names.size()) {
        copy.put("extra", 1);
      }
      return copy;
    }
    if (node instanceof ArrayNode array) {
      ArrayNode copy = Json.array();
      int changed = random.nextInt(array.size() + 2);
      for (int i = 0; i < array.size(); i++) {
        copy.add(i == changed ? mutate(array.get(i), random) : array.get(i).deepCopy());
      }
      if (changed == array.size()) {
        copy.add(1);
      }
      return copy;
    }
    return random.nextInt(3) == 0 ? tree(random, 0) : node;
  }
}
