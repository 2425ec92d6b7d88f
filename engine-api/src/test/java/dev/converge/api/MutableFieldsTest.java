package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#mutableCopy}'s compact objects behave exactly as the {@code LinkedHashMap}-backed objects they
 * stand in for, operation by operation, across the move to a map past {@link MutableFields#MAX_COMPACT}
 * members; and freezing one reuses the copied object's shape only while no member was added or removed.
 */
class MutableFieldsTest {
  private static final int OPERATIONS = 400;

  @Test
  void behavesAsLinkedHashMap_underSeededRandomEdits() {
    for (int seed = 0; seed < 200; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      // Most seeds draw names from a pool small enough for the copy to stay compact; some cross the limit.
      int pool = 6 + seed % 24;
      ObjectNode source = Json.object();
      int initial = random.nextInt(pool);
      for (int i = 0; i < initial; i++) {
        source.put(name(random, pool), random.nextInt(5));
      }
      ObjectNode start = random.nextBoolean() ? Json.freezeObject(source) : source;
      ObjectNode model = source.deepCopy();
      ObjectNode copy = Json.mutableCopy(start);
      for (int op = 0; op < OPERATIONS; op++) {
        String step = edit(random, pool, copy, model);
        assertThat(Json.write(copy)).as("seed %d, operation %d: %s", seed, op, step).isEqualTo(Json.write(model));
        assertThat(copy).as("seed %d, operation %d: %s", seed, op, step).isEqualTo(model);
        assertThat(model).isEqualTo(copy);
        assertThat(copy.hashCode()).isEqualTo(model.hashCode());
        assertThat(copy.size()).isEqualTo(model.size());
        if (random.nextInt(4) == 0) {
          // Freezing reads the copy and leaves it as it is; the edits go on.
          JsonNode frozen = Json.freeze(copy);
          assertThat(deeplyFrozen(frozen)).as("seed %d, operation %d: every written member frozen", seed, op).isTrue();
          assertThat(frozen).isEqualTo(model);
        }
      }
      JsonNode frozen = Json.freeze(copy);
      assertThat(deeplyFrozen(frozen)).as("seed %d: every member written since the copy is frozen", seed).isTrue();
      assertThat(Json.write(frozen)).isEqualTo(Json.write(model));
      assertThat(frozen).isEqualTo(model);
    }
  }

  /** Applies one random edit to both objects; returns what it did, for the failure message. */
  private static String edit(SplittableRandom random, int pool, ObjectNode copy, ObjectNode model) {
    String name = name(random, pool);
    int choice = random.nextInt(10);
    switch (choice) {
      case 0, 1, 2 -> {
        int value = random.nextInt(100);
        copy.put(name, value);
        model.put(name, value);
        return "put " + name;
      }
      case 3 -> {
        assertThat(copy.remove(name)).isEqualTo(model.remove(name));
        return "remove " + name;
      }
      case 4 -> {
        assertThat(copy.get(name)).isEqualTo(model.get(name));
        assertThat(copy.has(name)).isEqualTo(model.has(name));
        return "get " + name;
      }
      case 5 -> {
        // Iterator removal of every member whose value is even, through the entry set.
        removeEven(copy.properties().iterator());
        removeEven(model.properties().iterator());
        return "remove even values";
      }
      case 6 -> {
        if (random.nextInt(10) != 0) {
          return "nothing";
        }
        for (Map.Entry<String, JsonNode> entry : copy.properties()) {
          entry.setValue(Json.nodes().numberNode(entry.getValue().asInt() + 1));
        }
        for (Map.Entry<String, JsonNode> entry : model.properties()) {
          entry.setValue(Json.nodes().numberNode(entry.getValue().asInt() + 1));
        }
        return "increment through entries";
      }
      case 7 -> {
        List<String> names = new ArrayList<>();
        copy.fieldNames().forEachRemaining(names::add);
        List<String> expected = new ArrayList<>();
        model.fieldNames().forEachRemaining(expected::add);
        assertThat(names).isEqualTo(expected);
        List<String> visited = new ArrayList<>();
        copy.forEachEntry((key, value) -> visited.add(key));
        assertThat(visited).isEqualTo(expected);
        return "names";
      }
      case 8 -> {
        if (random.nextInt(20) == 0) {
          copy.removeAll();
          model.removeAll();
          return "clear";
        }
        if (random.nextBoolean()) {
          List<String> names = List.of(name, name(random, pool), name(random, pool));
          copy.remove(names);
          model.remove(names);
          return "remove " + names;
        }
        if (random.nextInt(4) == 0) {
          List<String> kept = List.of(name, name(random, pool), name(random, pool), name(random, pool));
          copy.retain(kept);
          model.retain(kept);
          return "retain " + kept;
        }
        copy.without(name);
        model.without(name);
        return "without " + name;
      }
      default -> {
        ObjectNode child = Json.object().put("x", name);
        copy.set(name, child);
        model.set(name, child.deepCopy());
        return "set object " + name;
      }
    }
  }

  private static boolean deeplyFrozen(JsonNode node) {
    if (!Json.isFrozen(node)) {
      return false;
    }
    for (JsonNode child : node) {
      if (!deeplyFrozen(child)) {
        return false;
      }
    }
    return true;
  }

  private static void removeEven(Iterator<Map.Entry<String, JsonNode>> entries) {
    while (entries.hasNext()) {
      JsonNode value = entries.next().getValue();
      if (value.isInt() && value.asInt() % 2 == 0) {
        entries.remove();
      }
    }
  }

  /** Names from a pool, so that edits hit existing members often. */
  private static String name(SplittableRandom random, int pool) {
    return "k" + random.nextInt(pool);
  }

  @Test
  void copyOfFrozenObject_sharesValues_andFreezingItKeepsTheShapeUntilAMemberIsAdded() {
    ObjectNode frozen = Json.freezeObject(Json.object().put("a", "one").put("b", "two").set("c", Json.object()));
    ObjectNode copy = Json.mutableCopy(frozen);
    assertThat(Json.isFrozen(copy)).isFalse();
    assertThat(copy.get("c")).isSameAs(frozen.get("c"));
    copy.put("b", "three");
    ObjectNode edited = Json.freezeObject(copy);
    assertThat(Json.shapeOf(edited)).isSameAs(Json.shapeOf(frozen));
    assertThat(edited.get("a")).as("members left alone are taken as they are").isSameAs(frozen.get("a"));
    assertThat(edited.get("c")).isSameAs(frozen.get("c"));
    assertThat(Json.write(edited)).isEqualTo("{\"a\":\"one\",\"b\":\"three\",\"c\":{}}");

    ObjectNode grown = Json.mutableCopy(frozen);
    grown.put("d", 4);
    grown.remove("d");
    // Same names again, in a new array: freezing finds the interned shape.
    assertThat(Json.shapeOf(Json.freezeObject(grown))).isSameAs(Json.shapeOf(frozen));
    assertThat(frozen.size()).isEqualTo(3);
    assertThat(frozen.get("b").asText()).isEqualTo("two");
  }

  @Test
  void editingWhileIterating_failsFast_asLinkedHashMapDoes() {
    ObjectNode copy = Json.mutableCopy(Json.freezeObject(Json.object().put("a", 1).put("b", 2)));
    Iterator<Map.Entry<String, JsonNode>> entries = copy.properties().iterator();
    entries.next();
    copy.put("c", 3);
    assertThatThrownBy(entries::next).isInstanceOf(ConcurrentModificationException.class);
    assertThatThrownBy(() -> copy.forEachEntry((name, value) -> copy.remove("a")))
        .isInstanceOf(ConcurrentModificationException.class);
  }

  @Test
  void largeObjects_areCopiedIntoAMap_andGrowingPastTheLimitMovesThemThere() {
    ObjectNode large = Json.object();
    for (int i = 0; i < 40; i++) {
      large.put("k" + i, i);
    }
    ObjectNode copy = Json.mutableCopy(Json.freezeObject(large));
    assertThat(copy).isNotInstanceOf(MutableObject.class).isEqualTo(large);

    ObjectNode growing = Json.mutableObject(4);
    LinkedHashMap<String, Integer> expected = new LinkedHashMap<>();
    for (int i = 0; i < 40; i++) {
      growing.put("k" + i, i);
      expected.put("k" + i, i);
    }
    growing.remove("k3");
    expected.remove("k3");
    List<String> names = new ArrayList<>();
    growing.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyElementsOf(expected.keySet());
    assertThat(Json.freeze(growing)).isEqualTo(growing);
  }
}
