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
 * Frozen trees built bottom-up: {@link Json#frozenObject} and {@link Json#frozenArray} wrap their collection
 * without copying, are frozen (mutators throw, {@link Json#freeze} returns them as they are), and accept
 * only frozen children.
 */
class JsonTest {
  @Test
  void frozenObject_wrapsItsMap_isFrozen_andIsNotCopiedByFreeze() {
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
  void frozenArray_wrapsItsList_andIsFrozen() {
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
}
