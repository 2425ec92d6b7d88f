package dev.converge.inmemory.sim.controller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Slow-start batches: 1, 2, 4, 8, … up to the count; a batch with a failure ends the run. */
class SlowStartTest {

  /** Runs {@code count} operations answering at once (failing those in {@code failing}); returns batch sizes. */
  private static List<Integer> batches(int count, List<Integer> failing, SlowStart.Outcome[] outcome) {
    List<Integer> sizes = new ArrayList<>();
    List<Consumer<Boolean>> open = new ArrayList<>();
    int[] started = {0};
    SlowStart.run(count, (index, finished) -> {
      started[0]++;
      open.add(ok -> finished.accept(ok));
    }, result -> outcome[0] = result);
    // Answer batch by batch, as responses arriving later would.
    while (!open.isEmpty()) {
      List<Consumer<Boolean>> batch = new ArrayList<>(open);
      int first = started[0] - batch.size();
      open.clear();
      sizes.add(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).accept(!failing.contains(first + i));
      }
    }
    return sizes;
  }

  @Test
  void twoHundredFifty_inBatchesOfOneTwoFourUpToOneHundredTwentyEight_thenTheRest() {
    SlowStart.Outcome[] outcome = new SlowStart.Outcome[1];
    assertThat(batches(250, List.of(), outcome)).containsExactly(1, 2, 4, 8, 16, 32, 64, 123);
    assertThat(outcome[0]).isEqualTo(new SlowStart.Outcome(0, 0, 8));
  }

  @Test
  void aFailedBatch_skipsTheRest() {
    SlowStart.Outcome[] outcome = new SlowStart.Outcome[1];
    // Operation 4 is in the third batch (indices 3..6).
    assertThat(batches(100, List.of(4), outcome)).containsExactly(1, 2, 4);
    assertThat(outcome[0]).isEqualTo(new SlowStart.Outcome(1, 93, 3));
  }

  @Test
  void nothingToDo_finishesAtOnce() {
    SlowStart.Outcome[] outcome = new SlowStart.Outcome[1];
    assertThat(batches(0, List.of(), outcome)).isEmpty();
    assertThat(outcome[0]).isEqualTo(new SlowStart.Outcome(0, 0, 0));
  }
}
