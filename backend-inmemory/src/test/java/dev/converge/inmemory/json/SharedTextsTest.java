package dev.converge.inmemory.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.converge.api.Json;
import org.junit.jupiter.api.Test;

/**
 * {@link SharedTexts}: the first node of a value becomes the shared one, later equal nodes are replaced by it
 * in place (member order kept), other members and non-text values are left alone, and once full it shares
 * what it has and keeps new values as they come.
 */
class SharedTextsTest {
  @Test
  void share_replacesEqualTextByTheFirstNode_inPlace() {
    SharedTexts texts = new SharedTexts();
    ObjectNode first = Json.object().put("kind", "Lease").put("apiVersion", "coordination.k8s.io/v1");
    ObjectNode second = Json.object().put("kind", new String("Lease")).put("apiVersion", "v1");
    second.put("other", 1);

    texts.share(first, "kind");
    texts.share(second, "kind");
    texts.share(second, "other");
    texts.share(second, "absent");

    assertThat(second.get("kind")).isSameAs(first.get("kind"));
    assertThat(second.get("other").intValue()).isEqualTo(1);
    assertThat(second.has("absent")).isFalse();
    assertThat(second.fieldNames()).toIterable().containsExactly("kind", "apiVersion", "other");
  }

  @Test
  void shared_whenFull_keepsNewValuesAsTheyCome_andStillSharesOldOnes() {
    SharedTexts texts = new SharedTexts();
    TextNode zero = TextNode.valueOf("v0");
    texts.shared(zero);
    for (int i = 1; i < SharedTexts.MAX; i++) {
      texts.shared(TextNode.valueOf("v" + i));
    }
    TextNode fresh = TextNode.valueOf("new");

    assertThat(texts.shared(fresh)).isSameAs(fresh);
    assertThat(texts.shared(TextNode.valueOf("new"))).isNotSameAs(fresh);
    assertThat(texts.shared(TextNode.valueOf("v0"))).isSameAs(zero);
  }
}
