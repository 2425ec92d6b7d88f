package dev.converge.core.loop;

import dev.converge.api.Ticker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The work queue of a control loop, with client-go's {@code workqueue} semantics (rate-limiting, delaying,
 * de-duplicating):
 *
 * <ul>
 *   <li><b>Fair:</b> items are handed out in the order they were added.
 *   <li><b>Stingy:</b> an item added several times before it is taken is taken once; an item is never handed
 *       to two workers at once — added again while it is being processed, it is queued again only after
 *       {@link #done}, so the work it asked for is not lost.
 *   <li><b>Delaying:</b> {@link #addAfter} queues an item later; asked twice, the earlier time wins (client-go's
 *       {@code insert} "update the time only if it would cause the item to be queued sooner").
 *   <li><b>Rate limiting:</b> {@link #addRateLimited} delays by what the {@link RateLimiter} says; {@link
 *       #forget} resets the item's backoff.
 * </ul>
 *
 * <p>The queue is passive: it owns no thread and no timer. Time comes from the {@link Ticker}; delayed items
 * become ready when a read ({@link #poll}, {@link #length}) finds their time has come, and {@link
 * #nextReadyAt} tells a driver when to look again. All methods are thread-safe.
 *
 * @param <T> the item type (a primary's key, for the control loop)
 */
public final class WorkQueue<T> {
  private final Ticker ticker;
  private final RateLimiter<T> rateLimiter;
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  private final Map<T, Waiting<T>> waitingByItem = new HashMap<>();
  private final TreeSet<Waiting<T>> waiting = new TreeSet<>();
  private long sequence;
  private boolean shutDown;

  private WorkQueue(Ticker ticker, RateLimiter<T> rateLimiter, MeterRegistry registry, String name) {
    this.ticker = ticker;
    this.rateLimiter = rateLimiter;
    Gauge.builder("converge.queue.depth", this, WorkQueue::length)
        .description("Items ready to be processed (not counting delayed ones), as client-go's workqueue_depth")
        .tag("name", name)
        .register(registry);
  }

  /** A queue with client-go's default controller rate limiter and no metrics. */
  public static <T> WorkQueue<T> create(Ticker ticker) {
    return new WorkQueue<>(ticker, RateLimiter.defaultController(ticker), new CompositeMeterRegistry(), "default");
  }

  /**
   * A queue with the given rate limiter, publishing {@code converge.queue.depth} (tag {@code name}) to
   * {@code registry}.
   */
  public static <T> WorkQueue<T> create(Ticker ticker, RateLimiter<T> rateLimiter, MeterRegistry registry, String name) {
    return new WorkQueue<>(ticker, rateLimiter, registry, name);
  }

  /** Queues {@code item} now, unless it is already queued. Ignored after {@link #shutDown}. */
  public synchronized void add(T item) {
    if (shutDown || !dirty.add(item)) {
      return;
    }
    if (!processing.contains(item)) {
      queue.addLast(item);
    }
  }

  /**
   * Queues {@code item} after {@code delay}; a zero or negative delay queues it now. If it is already waiting,
   * the earlier of the two times is kept.
   */
  public synchronized void addAfter(T item, Duration delay) {
    if (shutDown) {
      return;
    }
    if (delay.isNegative() || delay.isZero()) {
      add(item);
      return;
    }
    long readyAt = ticker.nanoTime() + delay.toNanos();
    Waiting<T> existing = waitingByItem.get(item);
    if (existing != null) {
      if (existing.readyAt <= readyAt) {
        return;
      }
      waiting.remove(existing);
    }
    Waiting<T> entry = new Waiting<>(item, readyAt, sequence++);
    waiting.add(entry);
    waitingByItem.put(item, entry);
  }

  /**
   * Queues {@code item} after the delay its rate limiter chooses, which counts as one more failure of it.
   *
   * @return the delay chosen
   */
  public synchronized Duration addRateLimited(T item) {
    Duration delay = rateLimiter.when(item);
    addAfter(item, delay);
    return delay;
  }

  /**
   * Queues {@code item} after the longer of its rate limiter's delay and {@code atLeast} (a server's {@code
   * Retry-After}); counts as one more failure.
   *
   * @return the delay chosen
   */
  public synchronized Duration addRateLimited(T item, Duration atLeast) {
    Duration delay = rateLimiter.when(item);
    if (atLeast.compareTo(delay) > 0) {
      delay = atLeast;
    }
    addAfter(item, delay);
    return delay;
  }

  /** Ends {@code item}'s retry cycle: its next failure backs off from the first delay again. */
  public synchronized void forget(T item) {
    rateLimiter.forget(item);
  }

  /** Failures of {@code item} since it was last forgotten. */
  public synchronized int numRequeues(T item) {
    return rateLimiter.numRequeues(item);
  }

  /**
   * Takes the next ready item and marks it as being processed; the caller must call {@link #done} when
   * finished. Empty when no item is ready (or the queue is shut down).
   */
  public synchronized Optional<T> poll() {
    promoteDue();
    if (shutDown) {
      return Optional.empty();
    }
    T item = queue.pollFirst();
    if (item == null) {
      return Optional.empty();
    }
    processing.add(item);
    dirty.remove(item);
    return Optional.of(item);
  }

  /** Marks {@code item} as processed; if it was added again meanwhile, it is queued again now. */
  public synchronized void done(T item) {
    processing.remove(item);
    if (dirty.contains(item) && !shutDown) {
      queue.addLast(item);
    }
  }

  /** Items ready to be taken now. */
  public synchronized int length() {
    promoteDue();
    return queue.size();
  }

  /** Items waiting for their delay to pass. */
  public synchronized int waitingCount() {
    promoteDue();
    return waiting.size();
  }

  /** Whether {@code item} has been taken and not yet marked done. */
  public synchronized boolean isProcessing(T item) {
    return processing.contains(item);
  }

  /** The ticker time at which the earliest delayed item becomes ready, or empty if none waits. */
  public synchronized OptionalLong nextReadyAt() {
    promoteDue();
    return waiting.isEmpty() ? OptionalLong.empty() : OptionalLong.of(waiting.first().readyAt);
  }

  /** Stops the queue: adds are ignored and {@link #poll} returns empty from now on. */
  public synchronized void shutDown() {
    shutDown = true;
  }

  public synchronized boolean isShutDown() {
    return shutDown;
  }

  private void promoteDue() {
    long now = ticker.nanoTime();
    while (!waiting.isEmpty() && waiting.first().readyAt <= now) {
      Waiting<T> due = waiting.pollFirst();
      waitingByItem.remove(due.item);
      add(due.item);
    }
  }

  @Override
  public synchronized String toString() {
    return "WorkQueue[ready=" + queue + ", processing=" + processing + ", waiting=" + waiting.size() + "]";
  }

  private record Waiting<T>(T item, long readyAt, long seq) implements Comparable<Waiting<T>> {
    @Override
    public int compareTo(Waiting<T> other) {
      int byTime = Long.compare(readyAt, other.readyAt);
      return byTime != 0 ? byTime : Long.compare(seq, other.seq);
    }

    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Waiting<?> that && seq == that.seq;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(seq);
    }
  }
}
