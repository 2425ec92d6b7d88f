package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/**
 * Frozen trees: their compact members behave like the map they replace; trees built bottom-up: {@link Json#frozenObject} and {@link Json#frozenArray} wrap their collection
 * without copying, are frozen (mutators throw, {@link Json#freeze} returns them as they are), and accept
 * only frozen children.
 */
class JsonTest {
  @Test
  void frozenObject_takesItsMembers_isFrozen_andIsNotCopiedByFreeze() {
    LinkedHashMap<String, JsonNode> children = new LinkedHashMap<>();
    children.put("a", Json.nodes().textNode("x"));
    children.put("b", Json.freeze(Json.object()));
    ObjectNode object = Json.frozenObject(children);
    assertThat(Json.write(object)).isEqualTo("{\"a\":\"x\",\"b\":{}}");
    assertThat(Json.isFrozen(object)).isTrue();
    assertThat(Json.freeze(object)).isSameAs(object);
    assertThatThrownBy(() -> object.put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(object.deepCopy().put("c", 1).size()).isEqualTo(3);
  }

  @Test
  void frozenArray_takesItsElements_andIsFrozen() {
    ArrayList<JsonNode> elements = new ArrayList<>();
    elements.add(Json.nodes().numberNode(1));
    ArrayNode array = Json.frozenArray(elements);
    assertThat(Json.write(array)).isEqualTo("[1]");
    assertThat(Json.freeze(array)).isSameAs(array);
    assertThatThrownBy(() -> array.add(2)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void mutableChildren_areRefused() {
    LinkedHashMap<String, JsonNode> children = new LinkedHashMap<>();
    children.put("a", Json.object());
    assertThatThrownBy(() -> Json.frozenObject(children)).isInstanceOf(IllegalArgumentException.class);
    ArrayList<JsonNode> elements = new ArrayList<>();
    elements.add(Json.array());
    assertThatThrownBy(() -> Json.frozenArray(elements)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Frozen objects keep their members as a shared {@link Shape} and a value array ({@link FrozenFields}): names
   * scanned when small, hashed above eight members, shapes of more than sixteen not shared. Every size on both sides of that line must find each member by an equal but not identical
   * name, miss absent ones, keep the order, and equal the mutable tree it came from in both directions.
   */
  @Test
  void freeze_keepsMembersInOrder_findsThemByEqualNames_andEqualsTheMutableTree() {
    for (int size = 0; size <= 40; size++) {
      ObjectNode mutable = Json.object();
      for (int i = 0; i < size; i++) {
        mutable.put("field-" + i, i);
      }
      ObjectNode frozen = Json.freezeObject(mutable);
      assertThat(frozen.size()).isEqualTo(size);
      for (int i = 0; i < size; i++) {
        assertThat(frozen.get(new String("field-" + i))).as("member %d of %d", i, size).isEqualTo(Json.nodes().numberNode(i));
      }
      assertThat(frozen.get("field-" + size)).isNull();
      assertThat(frozen.has("absent")).isFalse();
      assertThat(Json.write(frozen)).isEqualTo(Json.write(mutable));
      assertThat(frozen).isEqualTo(mutable);
      assertThat(mutable).isEqualTo(frozen);
      assertThat(frozen.hashCode()).isEqualTo(mutable.hashCode());
      ArrayList<String> names = new ArrayList<>();
      frozen.fieldNames().forEachRemaining(names::add);
      ArrayList<String> expected = new ArrayList<>();
      mutable.fieldNames().forEachRemaining(expected::add);
      assertThat(names).isEqualTo(expected);
    }
  }

  @Test
  void frozenMembers_refuseEveryMutation_andCopyToMutableTrees() {
    ObjectNode mutable = Json.object();
    for (int i = 0; i < 12; i++) {
      mutable.putObject("o" + i).put("v", i);
    }
    mutable.putArray("list").add(1).add(2);
    ObjectNode frozen = Json.freezeObject(mutable);
    assertThatThrownBy(() -> frozen.remove("o1")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> frozen.removeAll()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> frozen.properties().iterator().next().setValue(Json.object()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> {
      var it = frozen.properties().iterator();
      it.next();
      it.remove();
    }).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((ObjectNode) frozen.get("o3")).put("v", 0)).isInstanceOf(UnsupportedOperationException.class);
    ArrayNode list = (ArrayNode) frozen.get("list");
    assertThatThrownBy(() -> list.set(0, 5)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(list.get(2)).isNull();
    assertThat(list.get(-1)).isNull();
    ObjectNode copy = frozen.deepCopy();
    ((ObjectNode) copy.get("o3")).put("v", 99);
    assertThat(frozen.get("o3").get("v").intValue()).isEqualTo(3);
    assertThat(copy).isNotEqualTo(frozen);
  }

  /** Names with equal hash codes ("Aa" and "BB", "AaAa" and "BBBB"…) are told apart, in both lookup modes. */
  @Test
  void frozenMembers_withCollidingHashes_areFoundByName() {
    String[] colliding = {"Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB"};
    for (int extra : new int[] {0, 10}) {
      ObjectNode mutable = Json.object();
      for (int i = 0; i < extra; i++) {
        mutable.put("x" + i, -i);
      }
      for (int i = 0; i < colliding.length; i++) {
        mutable.put(colliding[i], i);
      }
      ObjectNode frozen = Json.freezeObject(mutable);
      for (int i = 0; i < colliding.length; i++) {
        assertThat(frozen.get(new String(colliding[i])).intValue()).as("%s with %d more members", colliding[i], extra).isEqualTo(i);
      }
      assertThat(frozen.get("BBAA")).isNull();
      assertThat(frozen).isEqualTo(mutable);
    }
  }
  /**
   * Objects with equal member names, in the same order, share one {@link Shape} even when the names are
   * equal but not identical strings; another order or another name is another shape; each object still
   * answers with its own values, through every way of reading it.
   */
  @Test
  void equalNames_shareOneShape_andEachObjectKeepsItsValues() {
    ObjectNode first = Json.freezeObject(Json.object().put("name", "http").put("containerPort", 8080));
    ObjectNode second = Json.freezeObject(Json.object().put(new String("name"), "metrics").put(new String("containerPort"), 9090));
    ObjectNode reordered = Json.freezeObject(Json.object().put("containerPort", 80).put("name", "web"));
    assertThat(shapeOf(second)).isSameAs(shapeOf(first));
    assertThat(shapeOf(reordered)).isNotSameAs(shapeOf(first));
    assertThat(second.get("name").textValue()).isEqualTo("metrics");
    assertThat(first.path("containerPort").intValue()).isEqualTo(8080);
    assertThat(first.path("protocol").isMissingNode()).isTrue();
    assertThat(first.get("protocol")).isNull();
    ArrayList<String> visited = new ArrayList<>();
    second.forEachEntry((name, value) -> visited.add(name + "=" + value.asText()));
    assertThat(visited).containsExactly("name=metrics", "containerPort=9090");
    assertThat(Json.freezeObject(Json.object()).isEmpty()).isTrue();
  }

  /**
   * The shape table is bounded: after more distinct shapes than it holds it starts over. Objects frozen
   * before and after keep working, and shapes frozen after the reset are shared again.
   */
  @Test
  void shapeTable_startsOverWhenFull_andNoObjectLosesItsMembers() {
    ArrayList<ObjectNode> frozen = new ArrayList<>();
    int count = 20_000;
    for (int i = 0; i < count; i++) {
      frozen.add(Json.freezeObject(Json.object().put("unique-" + i, i).put("common", -i)));
    }
    for (int i = 0; i < count; i++) {
      assertThat(frozen.get(i).get("unique-" + i).intValue()).isEqualTo(i);
      assertThat(frozen.get(i).get("common").intValue()).isEqualTo(-i);
      assertThat(frozen.get(i).get("unique-" + (i + 1))).isNull();
    }
    // The first freeze may be the one that finds the table full and starts it over, unshared.
    Json.freezeObject(Json.object().put("after-reset", 0));
    ObjectNode a = Json.freezeObject(Json.object().put("after-reset", 1));
    ObjectNode b = Json.freezeObject(Json.object().put("after-reset", 2));
    assertThat(shapeOf(b)).isSameAs(shapeOf(a));
    assertThat(Shape.isInterned(shapeOf(a))).isTrue();
  }

  /** Objects of more than sixteen members (their names are usually data) get a shape of their own. */
  @Test
  void largeObjects_getTheirOwnShape() {
    // Different values, so that the two objects are not one shared node (InternedTest).
    ObjectNode mutable = Json.object();
    ObjectNode other = Json.object();
    for (int i = 0; i <= Shape.MAX_INTERNED; i++) {
      mutable.put("key-" + i, i);
      other.put("key-" + i, -i);
    }
    ObjectNode one = Json.freezeObject(mutable);
    ObjectNode two = Json.freezeObject(other);
    assertThat(shapeOf(one)).isNotSameAs(shapeOf(two));
    assertThat(Shape.isInterned(shapeOf(one))).isFalse();
    assertThat(two.get("key-" + Shape.MAX_INTERNED).intValue()).isEqualTo(-Shape.MAX_INTERNED);
  }

  /** Threads freezing the same and different shapes at once all get objects that answer correctly. */
  @Test
  void concurrentFreezing_givesCorrectObjects() throws Exception {
    int threads = 4;
    int perThread = 5_000;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      ArrayList<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(pool.submit(() -> {
          int wrong = 0;
          for (int i = 0; i < perThread; i++) {
            ObjectNode object = Json.freezeObject(Json.object().put("k" + (i % 300), i).put("v", -i));
            if (object.get("k" + (i % 300)).intValue() != i || object.get("v").intValue() != -i) {
              wrong++;
            }
          }
          return wrong;
        }));
      }
      for (java.util.concurrent.Future<Integer> result : results) {
        assertThat(result.get()).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Shape shapeOf(ObjectNode frozen) {
    return Json.shapeOf(frozen);
  }

  @Test
  void forEachPaired_pairsMembersByName_whateverTheShapes() {
    ObjectNode walked = Json.freezeObject((ObjectNode) Json.parse("{\"x\":1,\"y\":2,\"z\":3}"));
    ObjectNode reordered = Json.freezeObject((ObjectNode) Json.parse("{\"z\":30,\"w\":0,\"x\":10}"));
    ObjectNode other = Json.freezeObject((ObjectNode) Json.parse("{\"y\":200}"));

    // The pairing is kept per pair of shapes: alternate between two others to see that it is not mixed up.
    for (int round = 0; round < 2; round++) {
      assertThat(pairs(walked, reordered)).isEqualTo("x=1/10 y=2/- z=3/30");
      assertThat(pairs(walked, other)).isEqualTo("x=1/- y=2/200 z=3/-");
    }
    assertThat(pairs(walked.deepCopy(), reordered)).as("mutable objects").isEqualTo("x=1/10 y=2/- z=3/30");
    assertThat(pairs(walked, Json.object())).isEqualTo("x=1/- y=2/- z=3/-");
  }

  private static String pairs(ObjectNode walked, ObjectNode other) {
    StringBuilder out = new StringBuilder();
    Json.forEachPaired(walked, other, (name, value, paired) -> out.append(out.length() == 0 ? "" : " ")
        .append(name).append('=').append(value).append('/').append(paired == null ? "-" : paired.toString()));
    return out.toString();
  }
}
