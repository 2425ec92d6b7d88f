package dev.converge.inmemory.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * FieldsV1 keys are written without an ObjectMapper but exactly as Jackson writes them, whatever the key
 * values hold (quotes, backslashes, control and non-ASCII characters, longs, doubles, booleans); parsing a
 * key gives back an equal element, interned field elements are shared, and interning changes no answer.
 */
class PathElementTest {
  private static final String CHARACTERS = "aZ09-_./ \"\\\n\t\u0001é€\u2028";

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void keysAndValues_areWrittenAsJacksonWritesThem(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 2_000; i++) {
      List<PathElement.KeyField> fields = new ArrayList<>();
      ObjectNode expected = Json.object();
      int count = 1 + random.nextInt(3);
      List<String> names = new ArrayList<>();
      for (int f = 0; f < count; f++) {
        String name = randomText(random);
        if (names.contains(name)) {
          continue;
        }
        names.add(name);
        fields.add(new PathElement.KeyField(name, randomScalar(random)));
      }
      PathElement key = PathElement.key(fields);
      names.sort(null);
      for (String name : names) {
        for (PathElement.KeyField field : fields) {
          if (field.name().equals(name)) {
            expected.set(name, PatchValues.canonical(field.value()));
          }
        }
      }
      assertThat(key.fieldsV1()).isEqualTo("k:" + Json.write(expected));
      assertThat(PathElement.parse(key.fieldsV1())).isEqualTo(key);
      JsonNode scalar = randomScalar(random);
      PathElement value = PathElement.value(scalar);
      assertThat(value.fieldsV1()).isEqualTo("v:" + Json.write(PatchValues.canonical(scalar)));
      assertThat(PathElement.parse(value.fieldsV1())).isEqualTo(value);
    }
  }

  @Test
  void fieldElements_areInterned_andParseToTheSameElement() {
    assertThat(PathElement.field("replicas")).isSameAs(PathElement.field("replicas"));
    assertThat(PathElement.parse("f:replicas")).isSameAs(PathElement.field("replicas"));
    assertThat(PathElement.parse("f:replicas").fieldsV1()).isEqualTo("f:replicas");
    assertThat(PathElement.parse("k:{\"name\":\"web\"}")).isSameAs(PathElement.parse("k:{\"name\":\"web\"}"));
  }

  @Test
  void aKeyWrittenInAnotherSpelling_parsesToTheSameElement_andIsWrittenCanonically() {
    PathElement canonical = PathElement.parse("k:{\"containerPort\":80,\"protocol\":\"TCP\"}");
    PathElement reordered = PathElement.parse("k:{\"protocol\":\"TCP\",\"containerPort\":80.0}");
    assertThat(reordered).isEqualTo(canonical);
    assertThat(reordered.fieldsV1()).isEqualTo("k:{\"containerPort\":80,\"protocol\":\"TCP\"}");
  }

  private static String randomText(Random random) {
    StringBuilder out = new StringBuilder();
    for (int n = random.nextInt(6); n > 0; n--) {
      out.append(CHARACTERS.charAt(random.nextInt(CHARACTERS.length())));
    }
    return out.toString();
  }

  private static JsonNode randomScalar(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> Json.nodes().numberNode(random.nextInt(70_000) - 100);
      case 1 -> Json.nodes().numberNode(random.nextLong());
      case 2 -> Json.nodes().numberNode(random.nextDouble() * 1000);
      case 3 -> Json.nodes().booleanNode(random.nextBoolean());
      default -> Json.nodes().textNode(randomText(random));
    };
  }
}
