package dev.converge.core.drive;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.converge.api.ResourceKey;
import dev.converge.core.cache.WatchCache;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.EventRouter;
import dev.converge.core.loop.PassResult;
import dev.converge.core.loop.RateLimiter;
import dev.converge.core.loop.WorkQueue;
import dev.converge.core.time.ScheduledTask;
import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Runs a control loop on a {@link VirtualScheduler}: one worker, one thread, virtual time. Each pass is one
 * scheduler event at the time its key became ready (passes take no virtual time), so passes interleave with
 * everything else the simulation schedules — node heartbeats, controllers, watch deliveries — in one total
 * order. The same seed and the same inputs give the same {@link #transcript()}, byte for byte.
 *
 * <p>The driver's events and its passes share one {@link WatchCache} of the primary and owned kinds (one list and
 * one watch per kind, reconnected on the virtual clock): passes read from it once each kind has synced and
 * feed it their writes, so a converged pass makes no request ({@link Builder#readThroughCache}).
 *
 * <p>With a resync period (default 10 minutes, as controller-runtime's {@code SyncPeriod}) the scheduler is
 * never idle: drive it with {@code runFor}/{@code runUntil}, or set the period to zero and use {@code
 * runUntilIdle}. Confined to the scheduler's thread.
 */
public final class SimulatedDriver {
  private final ControlLoop<?> running;
  private final VirtualScheduler scheduler;
  private final WorkQueue<ResourceKey> queue;
  private final Dispatcher dispatcher;
  private final EventRouter router;
  private final Duration resyncPeriod;
  private final List<String> transcript = new ArrayList<>();
  private @Nullable ScheduledTask wake;
  private long wakeAt;
  private @Nullable ScheduledTask resync;
  private boolean started;
  private boolean stopped;
  private long passes;

  private SimulatedDriver(Builder builder) {
    ControlLoop<?> loop = builder.loop;
    this.scheduler = builder.scheduler;
    this.resyncPeriod = builder.resyncPeriod;
    RateLimiter<ResourceKey> limiter = builder.rateLimiter != null ? builder.rateLimiter : RateLimiter.defaultController(scheduler);
    this.queue = WorkQueue.create(scheduler, limiter, loop.meterRegistry(), loop.primaryKind().toString());
    List<PassListener> listeners = new ArrayList<>(builder.listeners);
    listeners.add(0, this::record);
    WatchCache cache = loop.watchCache(scheduler, builder.reconnectDelay);
    this.router = loop.events(cache, this::enqueue);
    this.running = builder.readThroughCache ? loop.withCache(cache) : loop;
    this.dispatcher = new Dispatcher(running, queue, listeners, loop.meterRegistry());
  }

  /**
   * A driver for {@code loop} on {@code scheduler}, which must be the loop's ticker (one clock for the whole
   * simulation).
   */
  public static Builder builder(ControlLoop<?> loop, VirtualScheduler scheduler) {
    checkArgument(loop.ticker() == scheduler, "the loop must use the simulation's VirtualScheduler as its ticker");
    return new Builder(loop, scheduler);
  }

  /**
   * Starts the watch cache (its initial lists enqueue every existing primary, then its watches open) and
   * schedules the resync.
   */
  public void start() {
    checkState(!started, "already started");
    started = true;
    router.start();
    scheduleResync();
  }

  /** Closes the watch cache, cancels pending work and shuts the queue down. */
  public void stop() {
    stopped = true;
    router.close();
    cancel(wake);
    cancel(resync);
    queue.shutDown();
  }

  /** Enqueues {@code primary} as an event would. */
  public void enqueue(ResourceKey primary) {
    queue.add(primary);
    scheduleWake();
  }

  /** One line per pass: {@code "t=5ms example.dev/App/shop/web converged writes=7 status=written requeue=none"}. */
  public ImmutableList<String> transcript() {
    return ImmutableList.copyOf(transcript);
  }

  /** Passes run so far. */
  public long passes() {
    return passes;
  }

  /** The work queue, for inspection. */
  public WorkQueue<ResourceKey> queue() {
    return queue;
  }

  /** The primaries the driver has seen through its watch. */
  public ImmutableList<ResourceKey> knownPrimaries() {
    return router.knownPrimaries().asList();
  }

  /**
   * The loop the passes run: the driver's loop {@link ControlLoop#withCache reading through} the watch cache,
   * unless the builder turned that off.
   */
  public ControlLoop<?> loop() {
    return running;
  }

  /** The watch cache the events come from (and, by default, the passes read). */
  public WatchCache cache() {
    return router.cache();
  }

  private void record(PassResult result) {
    passes++;
    transcript.add("t=" + time(scheduler.nanoTime()) + " " + result.primary() + " " + result);
  }

  /** Milliseconds, with microseconds when there are any: {@code 5ms}, {@code 0.25ms}. */
  private static String time(long nanos) {
    long micros = nanos / 1_000;
    return micros % 1_000 == 0 ? micros / 1_000 + "ms" : micros / 1_000 + "." + String.format(java.util.Locale.ROOT, "%03d", micros % 1_000) + "ms";
  }

  /** Makes sure a wake event is pending at the time the next key becomes ready. */
  private void scheduleWake() {
    if (stopped) {
      return;
    }
    long due;
    if (queue.length() > 0) {
      due = scheduler.nanoTime();
    } else {
      OptionalLong next = queue.nextReadyAt();
      if (next.isEmpty()) {
        return;
      }
      due = next.getAsLong();
    }
    ScheduledTask pending = wake;
    if (pending != null && wakeAt <= due) {
      return;
    }
    cancel(pending);
    wakeAt = due;
    wake = scheduler.scheduleAt(due, this::onWake);
  }

  /** Runs one pass per event, so that everything else due at the same instant interleaves fairly. */
  private void onWake() {
    wake = null;
    Optional<ResourceKey> key = queue.poll();
    key.ifPresent(dispatcher::process);
    scheduleWake();
  }

  private void scheduleResync() {
    if (resyncPeriod.isZero() || stopped) {
      return;
    }
    resync = scheduler.schedule(resyncPeriod, () -> {
      for (ResourceKey primary : router.knownPrimaries()) {
        queue.add(primary);
      }
      scheduleWake();
      scheduleResync();
    });
  }

  private static void cancel(@Nullable ScheduledTask task) {
    if (task != null) {
      task.cancel();
    }
  }

  /** Configures a {@link SimulatedDriver}. */
  public static final class Builder {
    private final ControlLoop<?> loop;
    private final VirtualScheduler scheduler;
    private Duration resyncPeriod = Duration.ofMinutes(10);
    private Duration reconnectDelay = Duration.ofSeconds(1);
    private @Nullable RateLimiter<ResourceKey> rateLimiter;
    private boolean readThroughCache = true;
    private final List<PassListener> listeners = new ArrayList<>();

    private Builder(ControlLoop<?> loop, VirtualScheduler scheduler) {
      this.loop = loop;
      this.scheduler = scheduler;
    }

    /** How often every known primary is enqueued again (default 10 minutes; zero disables). */
    public Builder resyncPeriod(Duration period) {
      checkArgument(!period.isNegative(), "period must not be negative");
      this.resyncPeriod = period;
      return this;
    }

    /** How long a dropped watch waits before it is re-opened, or a failed list before it is retried (default 1 s). */
    public Builder reconnectDelay(Duration delay) {
      checkArgument(!delay.isNegative(), "delay must not be negative");
      this.reconnectDelay = delay;
      return this;
    }

    /**
     * Whether passes read through the watch cache that feeds the events (default true: a converged pass makes
     * no request). False makes every pass read the backend, as {@link ControlLoop#reconcile} called directly
     * does; useful to compare the two.
     */
    public Builder readThroughCache(boolean enabled) {
      this.readThroughCache = enabled;
      return this;
    }

    /** The work queue's rate limiter (default: client-go's default controller limiter on the virtual clock). */
    public Builder rateLimiter(RateLimiter<ResourceKey> limiter) {
      this.rateLimiter = limiter;
      return this;
    }

    public Builder listener(PassListener listener) {
      listeners.add(listener);
      return this;
    }

    public SimulatedDriver build() {
      return new SimulatedDriver(this);
    }
  }
}
