package dev.converge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.converge.api.backend.WatchEvent;
import dev.converge.api.backend.BackendException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The small tools: the fake ticker moves only when advanced and never backwards; the transcript recorder
 * keeps tokens in order and drains them; the watch recorder keeps events, leaves bookmarks out of its
 * tokens, and remembers how the watch ended.
 */
class ToolsTest {

  @Test
  void fakeTicker_movesOnlyWhenAdvanced() {
    FakeTicker ticker = new FakeTicker();
    assertThat(ticker.nanoTime()).isZero();
    assertThat(ticker.now()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    ticker.advance(Duration.ofSeconds(90)).advanceMillis(5);
    assertThat(ticker.nanoTime()).isEqualTo(90_005_000_000L);
    assertThat(ticker.now()).isEqualTo(Instant.parse("2025-01-01T00:01:30.005Z"));
    assertThat(ticker.elapsed()).isEqualTo(Duration.ofMillis(90_005));
    assertThatThrownBy(() -> ticker.advance(Duration.ofSeconds(-1))).hasMessageContaining("time does not run backwards");
  }

  @Test
  void transcript_keepsTokensInOrder_andDrains() {
    TranscriptRecorder transcript = new TranscriptRecorder();
    List.of(1, 2, 3).forEach(transcript.recording(n -> "R" + n));
    transcript.record("done");
    assertThat(transcript.drain()).containsExactly("R1", "R2", "R3", "done");
    assertThat(transcript.size()).isZero();
    transcript.record("again");
    assertThat(transcript.tokens()).containsExactly("again");
  }

  @Test
  void watchRecorder_tokensLeaveBookmarksOut_andItRemembersTheEnd() {
    WatchRecorder recorder = new WatchRecorder();
    recorder.onEvent(new WatchEvent(WatchEvent.Type.ADDED, KubeObjects.configMap("ns", "a", "k", "1")));
    recorder.onEvent(new WatchEvent(WatchEvent.Type.BOOKMARK, KubeObjects.configMap("ns", "~bookmark", "k", "1")));
    recorder.onEvent(new WatchEvent(WatchEvent.Type.DELETED, KubeObjects.configMap("ns", "a", "k", "1")));
    assertThat(recorder.tokens()).containsExactly("ADDED a", "DELETED a");
    assertThat(recorder.events()).hasSize(3);
    assertThat(recorder.isClosed()).isFalse();
    BackendException.Gone gone = new BackendException.Gone("too old");
    recorder.onClose(gone);
    assertThat(recorder.isClosed()).isTrue();
    assertThat(recorder.closeCause()).isSameAs(gone);
  }
}
