package dev.converge.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Splitter;
import dev.converge.core.time.VirtualScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The work queue's rules, written as transcripts (the style of Guava's RateLimiter tests): each command runs
 * against the queue and its answer is recorded. Commands: {@code add a}, {@code after a 10ms}, {@code limited
 * a} (addRateLimited, answers the delay), {@code forget a}, {@code get} (answers the item or {@code -}), {@code
 * done a}, {@code wait 10ms} (advance the virtual clock), {@code len} (ready items), {@code next} (ms until the
 * next delayed item, or {@code -}).
 *
 * <p>Rules: de-duplication; FIFO order; an item being processed is not handed out again and is re-queued at
 * {@code done} if it was added meanwhile; delayed adds, earliest time wins; rate-limited adds follow the
 * default controller limiter and {@code forget} resets them; shutdown ignores adds.
 */
class WorkQueueTest {
  private final VirtualScheduler clock = new VirtualScheduler();
  private final WorkQueue<String> queue = WorkQueue.create(clock);

  private List<String> run(String... commands) {
    List<String> transcript = new ArrayList<>();
    for (String command : commands) {
      List<String> words = Splitter.on(' ').splitToList(command);
      String answer = switch (words.get(0)) {
        case "add" -> {
          queue.add(words.get(1));
          yield null;
        }
        case "after" -> {
          queue.addAfter(words.get(1), parse(words.get(2)));
          yield null;
        }
        case "limited" -> queue.addRateLimited(words.get(1)).toMillis() + "ms";
        case "forget" -> {
          queue.forget(words.get(1));
          yield null;
        }
        case "get" -> queue.poll().orElse("-");
        case "done" -> {
          queue.done(words.get(1));
          yield null;
        }
        case "wait" -> {
          clock.runFor(parse(words.get(1)));
          yield null;
        }
        case "len" -> Integer.toString(queue.length());
        case "next" -> queue.nextReadyAt().isPresent()
            ? Duration.ofNanos(queue.nextReadyAt().getAsLong() - clock.nanoTime()).toMillis() + "ms"
            : "-";
        default -> throw new IllegalArgumentException(command);
      };
      transcript.add(answer == null ? command : command + " → " + answer);
    }
    return transcript;
  }

  private static Duration parse(String text) {
    return Duration.ofMillis(Long.parseLong(text.replace("ms", "")));
  }

  @Test
  void add_deduplicatesAndKeepsFifoOrder() {
    assertThat(run("add a", "add b", "add a", "len", "get", "get", "get")).containsExactly(
        "add a", "add b", "add a", "len → 2", "get → a", "get → b", "get → -");
  }

  @Test
  void itemBeingProcessed_isNotHandedOutAgainUntilDone() {
    assertThat(run("add a", "get", "add a", "len", "get", "done a", "len", "get")).containsExactly(
        "add a", "get → a", "add a", "len → 0", "get → -", "done a", "len → 1", "get → a");
  }

  @Test
  void itemAddedManyTimesWhileProcessing_isProcessedOnceMore() {
    assertThat(run("add a", "get", "add a", "add a", "add a", "done a", "get", "done a", "get")).containsExactly(
        "add a", "get → a", "add a", "add a", "add a", "done a", "get → a", "done a", "get → -");
  }

  @Test
  void doneWithoutReAdd_leavesNothingQueued() {
    assertThat(run("add a", "get", "done a", "len", "get")).containsExactly(
        "add a", "get → a", "done a", "len → 0", "get → -");
  }

  @Test
  void addAfter_becomesReadyWhenItsTimeComes() {
    assertThat(run("after a 10ms", "get", "next", "wait 9ms", "get", "wait 1ms", "get")).containsExactly(
        "after a 10ms", "get → -", "next → 10ms", "wait 9ms", "get → -", "wait 1ms", "get → a");
  }

  @Test
  void addAfter_twice_theEarlierTimeWins() {
    assertThat(run("after a 50ms", "after a 20ms", "after a 40ms", "next", "wait 20ms", "get", "next")).containsExactly(
        "after a 50ms", "after a 20ms", "after a 40ms", "next → 20ms", "wait 20ms", "get → a", "next → -");
  }

  @Test
  void delayedItemsThatComeDueTogether_keepTheOrderTheyWereAdded() {
    assertThat(run("after b 10ms", "after a 10ms", "after c 5ms", "wait 10ms", "get", "get", "get")).containsExactly(
        "after b 10ms", "after a 10ms", "after c 5ms", "wait 10ms", "get → c", "get → b", "get → a");
  }

  @Test
  void addAfter_zeroDelay_addsNow() {
    assertThat(run("after a 0ms", "get")).containsExactly("after a 0ms", "get → a");
  }

  @Test
  void delayedItemAlreadyQueued_isDeduplicatedWhenItComesDue() {
    assertThat(run("add a", "after a 10ms", "wait 10ms", "len", "get", "get")).containsExactly(
        "add a", "after a 10ms", "wait 10ms", "len → 1", "get → a", "get → -");
  }

  @Test
  void addRateLimited_backsOffExponentiallyAndForgetResets() {
    assertThat(run(
        "limited a", "limited a", "limited a", "next", "wait 5ms", "get", "done a",
        "forget a", "limited a"))
        .containsExactly(
            "limited a → 5ms", "limited a → 10ms", "limited a → 20ms", "next → 5ms", "wait 5ms", "get → a",
            "done a", "forget a", "limited a → 5ms");
    assertThat(queue.numRequeues("a")).isEqualTo(1);
  }

  @Test
  void addRateLimited_whileProcessing_waitsThenRequeuesAfterDone() {
    assertThat(run("add a", "get", "limited a", "wait 5ms", "get", "done a", "get")).containsExactly(
        "add a", "get → a", "limited a → 5ms", "wait 5ms", "get → -", "done a", "get → a");
  }

  @Test
  void addRateLimited_withAMinimum_waitsForTheLongerOfTheTwo() {
    assertThat(queue.addRateLimited("a", Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(queue.addRateLimited("b", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(5));
    assertThat(queue.numRequeues("a")).isEqualTo(1);
  }

  @Test
  void shutDown_ignoresAddsAndHandsOutNothing() {
    queue.add("a");
    queue.shutDown();
    queue.add("b");

    assertThat(queue.poll()).isEmpty();
    assertThat(queue.isShutDown()).isTrue();
  }

  @Test
  void depthGauge_reportsReadyItems() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WorkQueue<String> measured = WorkQueue.create(clock, RateLimiter.defaultController(clock), registry, "apps");
    measured.add("a");
    measured.add("b");
    measured.addAfter("c", Duration.ofSeconds(1));

    assertThat(registry.get("converge.queue.depth").tag("name", "apps").gauge().value()).isEqualTo(2.0);
    clock.runFor(Duration.ofSeconds(1));
    assertThat(registry.get("converge.queue.depth").tag("name", "apps").gauge().value()).isEqualTo(3.0);
  }
}
