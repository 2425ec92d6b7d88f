package dev.converge.inmemory.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The ring of a kind's changes against an {@link ArrayDeque} of them, through growth and wrap-around. */
class ChangeLogTest {
  private static final Resource OBJECT = Resource.of(Json.parse(
      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"n\"}}"));

  @Test
  void keepsChangesInOrder_andFindsThoseAfterARevision_acrossGrowthAndWrapAround() {
    ChangeLog log = new ChangeLog();
    ArrayDeque<Change> model = new ArrayDeque<>();
    long revision = 0;
    for (int round = 0; round < 500; round++) {
      revision += 1 + round % 3;
      Change change = new Change(revision, Change.Type.MODIFIED, OBJECT, OBJECT);
      log.addLast(change, 0);
      model.addLast(change);
      // A window that grows to 40 and then holds, so the ring wraps around many times after growing.
      while (model.size() > Math.min(40, 5 + round / 4)) {
        assertThat(log.removeFirst()).isEqualTo(model.removeFirst().revision());
      }
      assertThat(log.size()).isEqualTo(model.size());
      assertThat(log.firstRevision()).isEqualTo(model.peekFirst().revision());
      assertThat(log.lastRevision()).isEqualTo(model.peekLast().revision());
      for (long from = model.peekFirst().revision() - 2; from <= revision + 1; from++) {
        List<Change> expected = new ArrayList<>();
        for (Change c : model) {
          if (c.revision() > from) {
            expected.add(c);
          }
        }
        assertThat(log.after(from)).containsExactlyElementsOf(expected);
        List<Change> newestFirst = new ArrayList<>();
        log.forEachAfterNewestFirst(from, newestFirst::add);
        Collections.reverse(expected);
        assertThat(newestFirst).containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  void emptyLog_hasNoRevisions() {
    ChangeLog log = new ChangeLog();
    assertThat(log.isEmpty()).isTrue();
    assertThat(log.after(0)).isEmpty();
    assertThatThrownBy(log::removeFirst).isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(log::lastRevision).isInstanceOf(NoSuchElementException.class);
  }
}
