package dev.converge.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Small frozen subtrees shared by content ({@link Interned}). The tables are global, so every test freezes
 * values no other test uses (a fresh prefix).
 */
class InternedTest {
  private final String prefix = UUID.randomUUID().toString().substring(0, 8) + "-";

  @Test
  void equalSmallParts_frozenApart_areOneInstance_andLargeOnesAreNot() {
    ObjectNode tree = Json.object();
    tree.put("image", prefix + "app:1.0").put("port", 8_081_234);
    tree.putObject("labels").put("app", prefix + "web").put("tier", "web");
    tree.put("script", prefix + "x".repeat(Interned.MAX_TEXT));
    ArrayNode heavy = tree.putArray("heavy");
    for (int i = 0; i < Interned.MAX_WEIGHT; i++) {
      heavy.add(prefix + i);
    }

    JsonNode first = Json.freeze(tree);
    JsonNode second = Json.freeze(Json.parse(Json.write(tree)));

    assertThat(second).isEqualTo(first).isNotSameAs(first);
    assertThat(second.get("image")).isSameAs(first.get("image"));
    assertThat(second.get("port")).isSameAs(first.get("port"));
    assertThat(second.get("labels")).isSameAs(first.get("labels"));
    assertThat(second.get("script")).as("long texts are kept as they are").isNotSameAs(first.get("script"));
    assertThat(second.get("heavy")).as("containers of more than MAX_WEIGHT nodes").isNotSameAs(first.get("heavy"));
    assertThat(second.get("heavy").get(3)).as("but their small parts are shared").isSameAs(first.get("heavy").get(3));
  }

  @Test
  void sharing_comparesMembersOneLevelDeep_andNeverMixesUnequalNodes() {
    JsonNode one = Json.freeze(Json.parse("{\"a\":{\"b\":1},\"c\":[1,\"1\"]}"));
    JsonNode other = Json.freeze(Json.parse("{\"a\":{\"b\":\"1\"},\"c\":[\"1\",1]}"));
    JsonNode longValue = Json.freeze(Json.parse("{\"a\":{\"b\":1},\"c\":[1,\"1\"],\"d\":1}"));

    assertThat(other).isNotEqualTo(one);
    assertThat(other.get("a")).isNotSameAs(one.get("a"));
    assertThat(Json.write(other)).isEqualTo("{\"a\":{\"b\":\"1\"},\"c\":[\"1\",1]}");
    assertThat(longValue.get("a")).isSameAs(one.get("a"));
    assertThat(Json.nodes().numberNode(1L)).as("a long 1 is not an int 1").isNotEqualTo(Json.nodes().numberNode(1));
  }

  @Test
  void frozenHashesAndEquality_matchJacksonsMutableTrees() {
    List<String> texts = List.of("{}", "[]", "{\"a\":1,\"b\":[true,null,\"x\",2.5]}", "[{\"k\":\"v\"},[1,2],{}]",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"ports\":[{\"containerPort\":80}]}]}}");
    for (String text : texts) {
      JsonNode mutable = Json.parse(text);
      JsonNode frozen = Json.freeze(mutable);
      assertThat(frozen.hashCode()).as(text).isEqualTo(mutable.hashCode());
      assertThat(frozen).as(text).isEqualTo(mutable);
      assertThat(mutable).as(text).isEqualTo(frozen);
    }
    assertThat(Json.freeze(Json.parse("{\"a\":1,\"b\":2}"))).isEqualTo(Json.freeze(Json.parse("{\"b\":2,\"a\":1}")));
    assertThat(Json.freeze(Json.parse("[1,2]"))).isNotEqualTo(Json.freeze(Json.parse("[2,1]")));
  }

  @Test
  void aCommonValue_keepsItsInstance_whileManyOthersComeAndGo() {
    JsonNode first = null;
    for (int i = 0; i < Interned.PROMOTE + 1; i++) {
      JsonNode value = Json.freeze(Json.parse("{\"apiVersion\":\"" + prefix + "group/v1\"}")).get("apiVersion");
      first = first == null ? value : first;
      assertThat(value).isSameAs(first);
    }
    assertThat(Interned.isCommon(first)).isTrue();

    // Far more distinct values than both tables hold, each met a few times (as an object's name is), and
    // another common value used all along: the first one is not used meanwhile.
    JsonNode once = Json.freeze(Json.parse("{\"name\":\"" + prefix + "once\"}")).get("name");
    for (int i = 0; i < 20 * Interned.SLOTS; i++) {
      String name = prefix + "object-" + i;
      Json.freeze(Json.parse("{\"name\":\"" + name + "\",\"labels\":{\"app\":\"" + name + "\"},\"kind\":\"" + prefix
          + "Kind\"}"));
    }

    JsonNode again = Json.freeze(Json.parse("{\"apiVersion\":\"" + prefix + "group/v1\"}")).get("apiVersion");
    JsonNode onceAgain = Json.freeze(Json.parse("{\"name\":\"" + prefix + "once\"}")).get("name");
    assertThat(again).as("the common value survived every generation of the recent table").isSameAs(first);
    assertThat(onceAgain).as("a value met once is forgotten: the tables are bounded").isNotSameAs(once);
    assertThat(Interned.isShared(once)).isFalse();
  }

  @Test
  void valuesRepeatedOnlyWithinOneObject_doNotBecomeCommon() {
    ObjectNode tree = Json.object();
    String name = prefix + "deployment";
    tree.putObject("metadata").put("name", name).putObject("labels").put("app", name);
    tree.putObject("selector").put("app", name);

    JsonNode frozen = Json.freeze(tree);

    assertThat(frozen.get("metadata").get("name")).isSameAs(frozen.get("selector").get("app"));
    assertThat(Interned.isCommon(frozen.get("selector").get("app"))).isFalse();
  }

  @Test
  void concurrentFreezing_givesEqualTrees() throws Exception {
    String text = "{\"spec\":{\"containers\":[{\"name\":\"" + prefix + "app\",\"image\":\"" + prefix
        + "img\",\"ports\":[{\"containerPort\":80,\"protocol\":\"TCP\"}]}]},\"n\":%d}";
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<JsonNode>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(pool.submit(() -> {
          List<JsonNode> out = new ArrayList<>();
          for (int i = 0; i < 5_000; i++) {
            out.add(Json.freeze(Json.parse(String.format(text, i % 50))));
          }
          return out;
        }));
      }
      for (Future<List<JsonNode>> result : results) {
        List<JsonNode> trees = result.get();
        for (int i = 0; i < trees.size(); i++) {
          assertThat(trees.get(i)).isEqualTo(Json.parse(String.format(text, i % 50)));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void uniqueTexts_areNeverLookedUp_andTheirParentsAreNotShared() {
    String version = prefix + "12345";
    ObjectNode first = Json.object().put("name", prefix + "lease");
    first.set("resourceVersion", Json.uniqueText(version));
    ObjectNode second = Json.object().put("name", prefix + "lease").put("resourceVersion", version);

    JsonNode frozen = Json.freeze(first);
    JsonNode plain = Json.freeze(second);
    JsonNode again = Json.freeze(Json.parse(Json.write(second)));

    assertThat(frozen).isEqualTo(plain);
    assertThat(frozen.get("resourceVersion")).isSameAs(first.get("resourceVersion"));
    assertThat(Interned.isShared(frozen.get("resourceVersion"))).isFalse();
    assertThat(Interned.isShared(frozen)).as("an object holding a unique text").isFalse();
    assertThat(frozen.get("name")).as("its other members are shared as usual").isSameAs(plain.get("name"));
    assertThat(again).as("plain texts still are").isSameAs(plain);
  }
}
