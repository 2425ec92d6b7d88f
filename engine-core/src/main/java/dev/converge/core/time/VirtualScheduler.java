package dev.converge.core.time;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import dev.converge.api.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A discrete-event scheduler over a virtual clock. Events run in order of their time and, at equal times, in
 * the order they were scheduled, so a simulation that schedules the same events in the same order replays the
 * same trace byte for byte. The clock only moves when events run ({@link #runUntil}, {@link #runFor}, {@link
 * #runUntilIdle}, {@link #runNext}): it jumps to each event's time, so an hour of simulated time with ten
 * events costs ten task runs.
 *
 * <p>It is the {@link Ticker} of everything in the simulation: {@link #nanoTime()} is the virtual time since
 * the origin, {@link #now()} is the epoch plus that time.
 *
 * <p>Confined to one thread: a simulation is single-threaded by design (Caffeine's simulator keeps its policy
 * core the same way). An exception thrown by a task propagates out of the {@code run…} call that ran it; the
 * clock stays at that task's time and later events stay queued.
 */
public final class VirtualScheduler implements Ticker, TaskScheduler {
  /** The default epoch: a fixed instant, so timestamps written in a simulation are reproducible. */
  public static final Instant DEFAULT_EPOCH = Instant.parse("2025-01-01T00:00:00Z");

  /** {@link #runUntilIdle()} gives up after this many events: a periodic task never lets the queue empty. */
  public static final long DEFAULT_IDLE_LIMIT = 10_000_000L;

  private final Instant epoch;
  /** The pending (and lazily dropped cancelled) events, ordered by (time, seq). */
  private final EventQueue<Event> events = new EventQueue<>();
  private long now;
  private long sequence;
  private int live;
  private long executed;
  private boolean running;

  /** A scheduler whose clock starts at {@link #DEFAULT_EPOCH}. */
  public VirtualScheduler() {
    this(DEFAULT_EPOCH);
  }

  /** A scheduler whose clock starts at {@code epoch} (virtual time zero). */
  public VirtualScheduler(Instant epoch) {
    this.epoch = epoch;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Instant now() {
    return epoch.plusNanos(now);
  }

  /** Virtual time elapsed since the origin. */
  public Duration elapsed() {
    return Duration.ofNanos(now);
  }

  @Override
  public ScheduledTask schedule(Duration delay, Runnable task) {
    checkArgument(!delay.isNegative(), "delay must not be negative: %s", delay);
    return scheduleAt(saturatedAdd(now, delay.toNanos()), task);
  }

  /**
   * Runs {@code task} at virtual time {@code nanoTime}; a time in the past means "now", after the events
   * already due.
   */
  public ScheduledTask scheduleAt(long nanoTime, Runnable task) {
    Event event = new Event(Math.max(nanoTime, now), sequence++, task);
    events.add(event);
    live++;
    return event;
  }

  /** The number of scheduled events that have neither run nor been cancelled. */
  public int pending() {
    return live;
  }

  /** The total number of events run so far. */
  public long executed() {
    return executed;
  }

  /** The virtual time of the next event, or empty if none is pending. */
  public OptionalLong nextEventTime() {
    Event next = peekLive();
    return next == null ? OptionalLong.empty() : OptionalLong.of(next.time);
  }

  /**
   * Runs the earliest pending event, moving the clock to its time.
   *
   * @return false if there was none
   */
  public boolean runNext() {
    checkNotRunning();
    Event next = peekLive();
    if (next == null) {
      return false;
    }
    events.poll();
    runEvent(next);
    return true;
  }

  /**
   * Runs every event due at or before {@code nanoTime} (including those they schedule within that window),
   * then sets the clock to {@code nanoTime}.
   *
   * @return the number of events run
   */
  public int runUntil(long nanoTime) {
    checkNotRunning();
    checkArgument(nanoTime >= now, "cannot run backwards: %s < %s", nanoTime, now);
    int count = 0;
    for (Event next = peekLive(); next != null && next.time <= nanoTime; next = peekLive()) {
      events.poll();
      runEvent(next);
      count++;
    }
    now = nanoTime;
    return count;
  }

  /** Runs every event due within {@code duration} from now, then advances the clock by {@code duration}. */
  public int runFor(Duration duration) {
    checkArgument(!duration.isNegative(), "duration must not be negative: %s", duration);
    return runUntil(saturatedAdd(now, duration.toNanos()));
  }

  /**
   * Runs events until none is pending.
   *
   * @return the number of events run
   * @throws IllegalStateException after {@link #DEFAULT_IDLE_LIMIT} events (something reschedules forever)
   */
  public long runUntilIdle() {
    return runUntilIdle(DEFAULT_IDLE_LIMIT);
  }

  /**
   * Runs events until none is pending, at most {@code maxEvents}.
   *
   * @throws IllegalStateException if events are still pending after {@code maxEvents}
   */
  public long runUntilIdle(long maxEvents) {
    checkNotRunning();
    long count = 0;
    for (Event next = peekLive(); next != null; next = peekLive()) {
      checkState(count < maxEvents, "still %s events pending after %s events (at %s): a task reschedules itself forever",
          live, maxEvents, elapsed());
      events.poll();
      runEvent(next);
      count++;
    }
    return count;
  }

  private void checkNotRunning() {
    checkState(!running, "re-entrant run: a task must schedule work, not run the scheduler");
  }

  private void runEvent(Event event) {
    live--;
    event.state = Event.RAN;
    now = event.time;
    executed++;
    running = true;
    try {
      event.task.run();
    } finally {
      running = false;
    }
  }

  private @Nullable Event peekLive() {
    Event head = events.peek();
    while (head != null && head.state == Event.CANCELLED) {
      events.poll();
      head = events.peek();
    }
    return head;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  @Override
  public String toString() {
    return "VirtualScheduler[t=" + elapsed() + ", pending=" + live + "]";
  }

  private final class Event extends EventQueue.Entry implements ScheduledTask {
    static final int PENDING = 0;
    static final int RAN = 1;
    static final int CANCELLED = 2;

    final Runnable task;
    int state = PENDING;

    Event(long time, long seq, Runnable task) {
      super(time, seq);
      this.task = task;
    }

    @Override
    public void cancel() {
      if (state == PENDING) {
        state = CANCELLED;
        live--;
      }
    }

    @Override
    public boolean isCancelled() {
      return state == CANCELLED;
    }
  }
}
