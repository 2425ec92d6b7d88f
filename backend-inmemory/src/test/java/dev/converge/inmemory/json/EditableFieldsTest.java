package dev.converge.inmemory.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** EditableFields behaves as a LinkedHashMap: same members, same order, after any sequence of edits. */
class EditableFieldsTest {

  @Test
  void randomEdits_matchALinkedHashMap() {
    SplittableRandom random = new SplittableRandom(42);
    for (int run = 0; run < 200; run++) {
      EditableFields fields = new EditableFields(random.nextInt(1, 6));
      Map<String, JsonNode> expected = new LinkedHashMap<>();
      for (int step = 0; step < 60; step++) {
        String name = new String("f" + random.nextInt(12));
        JsonNode value = IntNode.valueOf(random.nextInt(100));
        switch (random.nextInt(6)) {
          case 0, 1 -> assertThat(fields.put(name, value)).isEqualTo(expected.put(name, value));
          case 2 -> assertThat(fields.remove(name)).isEqualTo(expected.remove(name));
          case 3 -> {
            Iterator<Map.Entry<String, JsonNode>> a = fields.entrySet().iterator();
            Iterator<Map.Entry<String, JsonNode>> b = expected.entrySet().iterator();
            int stop = random.nextInt(3);
            while (a.hasNext()) {
              Map.Entry<String, JsonNode> x = a.next();
              Map.Entry<String, JsonNode> y = b.next();
              assertThat(x).isEqualTo(y);
              if (x.getValue().intValue() % 3 == stop) {
                a.remove();
                b.remove();
              } else if (x.getValue().intValue() % 5 == 0) {
                x.setValue(value);
                y.setValue(value);
              }
            }
            assertThat(b.hasNext()).isFalse();
          }
          case 4 -> assertThat(fields.keySet().removeAll(List.of(name, "f1")))
              .isEqualTo(expected.keySet().removeAll(List.of(name, "f1")));
          default -> assertThat(fields.get(name)).isEqualTo(expected.get(name));
        }
        assertThat(new ArrayList<>(fields.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
        assertThat(fields).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(fields.size()).isEqualTo(expected.size());
        assertThat(fields.containsKey(name)).isEqualTo(expected.containsKey(name));
      }
    }
  }

  @Test
  void shallowCopy_ofAFrozenObject_editsAsALinkedCopyWould() {
    ObjectNode frozen = (ObjectNode) Json.freeze(Json.parse("{\"a\":1,\"b\":{\"c\":2},\"d\":\"x\"}"));
    ObjectNode copy = Trees.shallowCopy(frozen);
    assertThat(copy).isEqualTo(frozen);
    assertThat(copy.get("b")).isSameAs(frozen.get("b"));
    copy.remove("a");
    copy.put("a", 3);
    copy.set("d", TextNode.valueOf("y"));
    Trees.object(copy, "b").put("e", 4);
    assertThat(copy.toString()).isEqualTo("{\"b\":{\"c\":2,\"e\":4},\"d\":\"y\",\"a\":3}");
    assertThat(Json.freeze(copy).toString()).isEqualTo(copy.toString());
    assertThat(frozen.toString()).isEqualTo("{\"a\":1,\"b\":{\"c\":2},\"d\":\"x\"}");
  }
}
