package dev.converge.inmemory.sim.runtime;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.core.loop.RateLimiter;
import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A controller's work queue and workers on the virtual clock, as client-go's {@code workqueue} with
 * {@code workers} goroutines: a key is queued at most once ("dirty"), never synced by two workers at once
 * ("processing"), and a key added while it is being synced is synced again afterwards. A sync is
 * asynchronous — it issues requests and reports when their answers are in — so a worker stays busy with its key
 * for the virtual time its requests take. Failed syncs are retried after the
 * {@link RateLimiter#defaultController default controller rate limiter}'s delay, without limit or, for the
 * controllers that cap them ({@code maxRetries}), until a key has been retried that many times in a row: its
 * next failure drops it ({@code queue.Forget}) until it is added again.
 *
 * @param <K> the key type
 */
public final class SyncQueue<K> {
  /** One sync of one key; it must call {@code done} exactly once, with the error if it failed. */
  @FunctionalInterface
  public interface Sync<K> {
    void sync(K key, Done done);
  }

  /** The end of a sync. */
  @FunctionalInterface
  public interface Done {
    void done(@Nullable Throwable error);
  }

  private final VirtualScheduler clock;
  private final int workers;
  private final Sync<K> sync;
  private final RateLimiter<K> limiter;
  private final int maxRetries;
  private final ArrayDeque<K> queue = new ArrayDeque<>();
  private final Set<K> dirty = new HashSet<>();
  private final Set<K> processing = new HashSet<>();
  private boolean pumpScheduled;
  private long syncs;
  private long failures;
  private long dropped;

  /** A queue whose failed keys are retried without limit (the DaemonSet, ReplicaSet and StatefulSet controllers). */
  public SyncQueue(VirtualScheduler clock, int workers, Sync<K> sync) {
    this(clock, workers, sync, Integer.MAX_VALUE);
  }

  /**
   * A queue that retries a failed key while it has been retried fewer than {@code maxRetries} times since its
   * last success, and drops it on the next failure, as a controller's {@code handleErr} does with {@code
   * queue.NumRequeues(key) < maxRetries} (15 in the Deployment and endpoints controllers).
   */
  public SyncQueue(VirtualScheduler clock, int workers, Sync<K> sync, int maxRetries) {
    this(clock, workers, sync, RateLimiter.defaultController(clock), maxRetries);
  }

  /** A queue that retries failed keys without limit after {@code limiter}'s delays (the Job controller's). */
  public SyncQueue(VirtualScheduler clock, int workers, Sync<K> sync, RateLimiter<K> limiter) {
    this(clock, workers, sync, limiter, Integer.MAX_VALUE);
  }

  /**
   * A queue with {@code limiter}'s delays that drops a key failing more than {@code maxRetries} times in a row
   * (the EndpointSlice controller's: its own limiter, 15 retries).
   */
  public SyncQueue(VirtualScheduler clock, int workers, Sync<K> sync, RateLimiter<K> limiter, int maxRetries) {
    checkArgument(workers > 0, "workers must be positive");
    checkArgument(maxRetries >= 0, "maxRetries must not be negative");
    this.clock = clock;
    this.workers = workers;
    this.sync = sync;
    this.limiter = limiter;
    this.maxRetries = maxRetries;
  }

  /** Queues {@code key} (once, however often it is added before a worker takes it). */
  public void add(K key) {
    if (!dirty.add(key)) {
      return;
    }
    if (!processing.contains(key)) {
      queue.addLast(key);
      schedulePump();
    }
  }

  /** Queues {@code key} after {@code delay}. */
  public void addAfter(K key, Duration delay) {
    if (delay.isZero() || delay.isNegative()) {
      add(key);
    } else {
      clock.schedule(delay, () -> add(key));
    }
  }

  /** Syncs started so far. */
  public long syncs() {
    return syncs;
  }

  /** Syncs that reported an error. */
  public long failures() {
    return failures;
  }

  /** Failed keys dropped after {@code maxRetries} retries. */
  public long dropped() {
    return dropped;
  }

  /** Whether nothing is queued or being synced. */
  public boolean isIdle() {
    return queue.isEmpty() && processing.isEmpty();
  }

  private void schedulePump() {
    if (!pumpScheduled) {
      pumpScheduled = true;
      // Workers pick keys up in their own event, never inside the informer callback that added them.
      clock.scheduleAt(clock.nanoTime(), this::pump);
    }
  }

  private void pump() {
    pumpScheduled = false;
    while (processing.size() < workers && !queue.isEmpty()) {
      K key = queue.pollFirst();
      dirty.remove(key);
      processing.add(key);
      syncs++;
      boolean[] finished = new boolean[1];
      sync.sync(key, error -> {
        if (finished[0]) {
          throw new IllegalStateException("sync of " + key + " reported done twice");
        }
        finished[0] = true;
        finish(key, error);
      });
    }
  }

  private void finish(K key, @Nullable Throwable error) {
    processing.remove(key);
    if (error != null) {
      failures++;
      if (limiter.numRequeues(key) < maxRetries) {
        addAfter(key, limiter.when(key));
      } else {
        dropped++;
        limiter.forget(key);
      }
    } else {
      limiter.forget(key);
    }
    if (dirty.contains(key)) {
      queue.addLast(key);
    }
    schedulePump();
  }
}
