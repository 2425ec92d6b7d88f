package dev.converge.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of the virtual scheduler: events run by time, then by insertion order; the clock jumps to each
 * event and never runs backwards; cancelled events never run; {@code runUntil} stops at its horizon and leaves
 * the clock there; {@code runUntilIdle} refuses to spin forever.
 */
class VirtualSchedulerTest {
  private final VirtualScheduler scheduler = new VirtualScheduler();
  private final List<String> transcript = new ArrayList<>();

  private Runnable record(String name) {
    return () -> transcript.add(name + "@" + scheduler.elapsed().toMillis());
  }

  @Test
  void events_runByTimeThenInsertionOrder() {
    scheduler.schedule(Duration.ofMillis(20), record("c"));
    scheduler.schedule(Duration.ofMillis(10), record("a"));
    scheduler.schedule(Duration.ofMillis(10), record("b"));
    scheduler.schedule(Duration.ZERO, record("now"));

    assertThat(scheduler.runUntilIdle()).isEqualTo(4);

    assertThat(transcript).containsExactly("now@0", "a@10", "b@10", "c@20");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void manyEvents_runInTimeThenInsertionOrder_whateverTheOrderTheyWereScheduledIn() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    List<long[]> expected = new ArrayList<>();
    List<long[]> ran = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      long at = random.nextInt(400);
      long[] event = {at, i};
      expected.add(event);
      ScheduledTask task = scheduler.scheduleAt(at, () -> ran.add(event));
      if (i % 7 == 3) {
        task.cancel();
        expected.remove(event);
      }
    }
    expected.sort(java.util.Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));

    scheduler.runUntilIdle();

    assertThat(ran).containsExactlyElementsOf(expected);
  }

  /**
   * Times spread over minutes, beyond the queue's calendar of ticks, with events scheduled by running tasks:
   * every event runs once, in (time, insertion) order, and cancelled ones never.
   */
  @Test
  void eventsSpreadOverMinutes_andScheduledWhileRunning_runInTimeThenInsertionOrder() {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    List<long[]> ran = new ArrayList<>();
    long[] scheduled = new long[1];
    long[] cancelled = new long[1];
    long[] seq = new long[1];
    Runnable[] spawn = new Runnable[1];
    spawn[0] = () -> {
      // Delays from nothing to five minutes: the same tick, the next ones, the ring, and past the ring.
      long delay = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> random.nextLong(EventQueue.TICK_NANOS * 3);
        case 2 -> random.nextLong(EventQueue.TICK_NANOS * EventQueue.SLOTS);
        default -> random.nextLong(300_000_000_000L);
      };
      long at = scheduler.nanoTime() + delay;
      long[] event = {at, seq[0]++};
      scheduled[0]++;
      ScheduledTask task = scheduler.scheduleAt(at, () -> {
        ran.add(event);
        if (ran.size() < 20_000 && random.nextInt(3) > 0) {
          spawn[0].run();
          if (random.nextBoolean()) {
            spawn[0].run();
          }
        }
      });
      if (random.nextInt(10) == 0) {
        task.cancel();
        cancelled[0]++;
      }
    };
    for (int i = 0; i < 2_000; i++) {
      spawn[0].run();
    }

    scheduler.runUntilIdle();

    assertThat(ran).hasSize((int) (scheduled[0] - cancelled[0]));
    for (int i = 1; i < ran.size(); i++) {
      long[] before = ran.get(i - 1);
      long[] after = ran.get(i);
      assertThat(before[0] < after[0] || before[0] == after[0] && before[1] < after[1])
          .as("event %d (t=%d, #%d) after event %d (t=%d, #%d)", i, after[0], after[1], i - 1, before[0], before[1])
          .isTrue();
    }
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void eventScheduledAtTheCurrentTime_runsAfterThoseAlreadyDue() {
    scheduler.schedule(Duration.ofMillis(5), () -> {
      transcript.add("first@" + scheduler.elapsed().toMillis());
      scheduler.schedule(Duration.ZERO, record("spawned"));
    });
    scheduler.schedule(Duration.ofMillis(5), record("second"));

    scheduler.runUntilIdle();

    assertThat(transcript).containsExactly("first@5", "second@5", "spawned@5");
  }

  @Test
  void runUntil_runsDueEventsAndLeavesTheClockAtTheHorizon() {
    scheduler.schedule(Duration.ofMillis(10), record("a"));
    scheduler.schedule(Duration.ofMillis(30), record("b"));

    int ran = scheduler.runUntil(Duration.ofMillis(25).toNanos());

    assertThat(ran).isEqualTo(1);
    assertThat(transcript).containsExactly("a@10");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofMillis(25));
    assertThat(scheduler.pending()).isEqualTo(1);
    assertThat(scheduler.nextEventTime()).hasValue(Duration.ofMillis(30).toNanos());
  }

  @Test
  void runUntil_includesEventsAtExactlyTheHorizonAndThoseTheySchedule() {
    scheduler.schedule(Duration.ofMillis(10), () -> {
      transcript.add("a@" + scheduler.elapsed().toMillis());
      scheduler.schedule(Duration.ZERO, record("a2"));
      scheduler.schedule(Duration.ofMillis(1), record("late"));
    });

    scheduler.runFor(Duration.ofMillis(10));

    assertThat(transcript).containsExactly("a@10", "a2@10");
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void runUntil_refusesToRunBackwards() {
    scheduler.runFor(Duration.ofSeconds(1));

    assertThatThrownBy(() -> scheduler.runUntil(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cancelledEvents_neverRunAndAreNotPending() {
    ScheduledTask doomed = scheduler.schedule(Duration.ofMillis(1), record("doomed"));
    scheduler.schedule(Duration.ofMillis(2), record("kept"));

    doomed.cancel();
    doomed.cancel();

    assertThat(doomed.isCancelled()).isTrue();
    assertThat(scheduler.pending()).isEqualTo(1);
    scheduler.runUntilIdle();
    assertThat(transcript).containsExactly("kept@2");
  }

  @Test
  void cancellingAnEventThatRan_doesNothing() {
    ScheduledTask task = scheduler.schedule(Duration.ZERO, record("a"));
    scheduler.runUntilIdle();

    task.cancel();

    assertThat(task.isCancelled()).isFalse();
    assertThat(scheduler.pending()).isZero();
  }

  @Test
  void runNext_advancesToTheNextEventOnly() {
    scheduler.schedule(Duration.ofSeconds(3), record("a"));
    scheduler.schedule(Duration.ofSeconds(7), record("b"));

    assertThat(scheduler.runNext()).isTrue();
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofSeconds(3));
    assertThat(scheduler.runNext()).isTrue();
    assertThat(scheduler.runNext()).isFalse();
    assertThat(transcript).containsExactly("a@3000", "b@7000");
  }

  @Test
  void runUntilIdle_failsWhenATaskReschedulesItselfForever() {
    Runnable[] loop = new Runnable[1];
    loop[0] = () -> scheduler.schedule(Duration.ofSeconds(1), loop[0]);
    scheduler.schedule(Duration.ZERO, loop[0]);

    assertThatThrownBy(() -> scheduler.runUntilIdle(100))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after 100 events");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofSeconds(99));
  }

  @Test
  void now_isTheEpochPlusVirtualTime() {
    VirtualScheduler clock = new VirtualScheduler(Instant.parse("2024-12-01T10:00:00Z"));

    clock.runFor(Duration.ofMinutes(90));

    assertThat(clock.now()).isEqualTo(Instant.parse("2024-12-01T11:30:00Z"));
    assertThat(clock.nanoTime()).isEqualTo(Duration.ofMinutes(90).toNanos());
  }

  @Test
  void aTaskThatThrows_propagatesAndLeavesLaterEventsQueued() {
    scheduler.schedule(Duration.ofMillis(1), () -> {
      throw new IllegalStateException("boom");
    });
    scheduler.schedule(Duration.ofMillis(2), record("later"));

    assertThatThrownBy(scheduler::runUntilIdle).hasMessage("boom");
    assertThat(scheduler.elapsed()).isEqualTo(Duration.ofMillis(1));
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void aTaskMayNotRunTheSchedulerItself() {
    scheduler.schedule(Duration.ZERO, () -> scheduler.runFor(Duration.ofSeconds(1)));

    assertThatThrownBy(scheduler::runUntilIdle).hasMessageContaining("re-entrant");
  }

  @Test
  void negativeDelays_areRejected() {
    assertThatThrownBy(() -> scheduler.schedule(Duration.ofMillis(-1), record("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
