package dev.converge.guides.website;

import dev.converge.core.drive.PassListener;
import dev.converge.core.loop.PassResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Records the passes a threaded driver runs and lets a test wait, on a condition variable (never by sleeping
 * or polling), for the next pass that matches. For {@code *IT}s only: it exists because real threads do.
 */
final class Passes implements PassListener {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private final List<PassResult> passes = new ArrayList<>();

  @Override
  public void onPass(PassResult result) {
    lock.lock();
    try {
      passes.add(result);
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** A position in the record: {@link #awaitAfter} looks only at passes recorded after it. */
  int mark() {
    lock.lock();
    try {
      return passes.size();
    } finally {
      lock.unlock();
    }
  }

  /** The first pass after {@code mark} that matches, waiting up to 30 s for it. */
  PassResult awaitAfter(int mark, String what, Predicate<PassResult> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    lock.lock();
    try {
      for (int seen = mark; ; ) {
        for (; seen < passes.size(); seen++) {
          if (condition.test(passes.get(seen))) {
            return passes.get(seen);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no pass " + what + " within " + TIMEOUT.toSeconds() + " s; passes: " + passes.subList(mark, passes.size()));
        }
        added.await(left, TimeUnit.NANOSECONDS);
      }
    } finally {
      lock.unlock();
    }
  }
}
