package dev.converge.inmemory.sim.controller;

import java.util.function.Consumer;

/**
 * {@code slowStartBatch} of the DaemonSet and ReplicaSet controllers: {@code count} operations in batches of 1,
 * 2, 4, 8, …; all operations of a batch run at once, the next batch starts when every one of them has answered,
 * and after a batch with a failure the rest is skipped ("a project with a low quota … is prevented from spamming
 * the API service"). The operations are asynchronous requests, so a batch lasts as long as its slowest answer.
 */
final class SlowStart {
  /** {@code controller.SlowStartInitialBatchSize}. */
  static final int INITIAL_BATCH = 1;

  /** One operation; it must call {@code finished} exactly once, with whether it succeeded. */
  @FunctionalInterface
  interface Operation {
    void start(int index, Consumer<Boolean> finished);
  }

  /** How it went: failures, and operations never started because a batch failed. */
  record Outcome(int failures, int skipped, int batches) {}

  private final int count;
  private final Operation operation;
  private final Consumer<Outcome> done;
  private int failures;
  private int batches;

  private SlowStart(int count, Operation operation, Consumer<Outcome> done) {
    this.count = count;
    this.operation = operation;
    this.done = done;
  }

  /** Runs {@code count} operations; {@code done} gets the outcome once the last batch has answered. */
  static void run(int count, Operation operation, Consumer<Outcome> done) {
    new SlowStart(count, operation, done).batch(0, Math.min(count, INITIAL_BATCH));
  }

  private void batch(int pos, int size) {
    if (size <= 0 || pos >= count) {
      done.accept(new Outcome(failures, 0, batches));
      return;
    }
    batches++;
    int[] pending = {size};
    int[] batchFailures = {0};
    for (int i = pos; i < pos + size; i++) {
      operation.start(i, ok -> {
        if (!ok) {
          batchFailures[0]++;
        }
        if (--pending[0] == 0) {
          failures += batchFailures[0];
          int skipped = count - (pos + size);
          if (batchFailures[0] > 0 && skipped > 0) {
            done.accept(new Outcome(failures, skipped, batches));
          } else {
            batch(pos + size, Math.min(2 * size, count - (pos + size)));
          }
        }
      });
    }
  }
}
