package dev.converge.core.drive;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.util.concurrent.AbstractIdleService;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.converge.api.ResourceKey;
import dev.converge.api.Ticker;
import dev.converge.core.cache.WatchCache;
import dev.converge.core.exec.Sleeper;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.EventRouter;
import dev.converge.core.loop.RateLimiter;
import dev.converge.core.loop.WorkQueue;
import dev.converge.core.time.ScheduledTask;
import dev.converge.core.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Runs a control loop in real time: {@code workers} threads take keys from the work queue (never the same key
 * on two threads), a scheduled executor runs watch reconnects and the resync, and the backend's watch threads
 * feed the queue. Its lifecycle is Guava's {@link com.google.common.util.concurrent.Service}: {@code
 * startAsync().awaitRunning()} opens the watches and starts the workers; {@code stopAsync().awaitTerminated()}
 * closes the watches, lets passes in flight finish for up to the shutdown timeout, then interrupts them.
 *
 * <p>Events and passes share one {@link WatchCache} of the primary and owned kinds: {@code startUp} lists every
 * kind before the workers start (controller-runtime's {@code WaitForCacheSync}), passes read from memory and
 * feed the cache their writes ({@link Builder#readThroughCache}), and watch reconnects run on the timer.
 *
 * <p>The loop's ticker must advance in real time ({@link Ticker#system()}): workers wait for delayed keys by
 * it. For retries of an unavailable server inside a pass, give the loop's executor {@link #realTimeSleeper()}.
 */
public final class ThreadedDriver extends AbstractIdleService {
  private final ControlLoop<?> loop;
  private final int workerCount;
  private final Duration resyncPeriod;
  private final Duration reconnectDelay;
  private final Duration shutdownTimeout;
  private final Ticker ticker;
  private final WorkQueue<ResourceKey> queue;
  private final Dispatcher dispatcher;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Thread> workers = new ArrayList<>();
  private final ThreadFactory workerFactory;
  private volatile boolean running;
  private volatile @Nullable ScheduledExecutorService timer;
  private final EventRouter router;

  private ThreadedDriver(Builder builder) {
    this.loop = builder.loop;
    this.workerCount = builder.workers;
    this.resyncPeriod = builder.resyncPeriod;
    this.reconnectDelay = builder.reconnectDelay;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.ticker = loop.ticker();
    RateLimiter<ResourceKey> limiter = builder.rateLimiter != null ? builder.rateLimiter : RateLimiter.defaultController(ticker);
    this.queue = WorkQueue.create(ticker, limiter, loop.meterRegistry(), loop.primaryKind().toString());
    // The cache exists from the start (the dispatcher's loop reads through it); its retries go to the timer,
    // which startUp creates before it starts the cache.
    WatchCache cache = loop.watchCache(this::scheduleOnTimer, reconnectDelay);
    this.router = loop.events(cache, this::enqueue);
    ControlLoop<?> running = builder.readThroughCache ? loop.withCache(cache) : loop;
    this.dispatcher = new Dispatcher(running, queue, builder.listeners, loop.meterRegistry());
    this.workerFactory = new ThreadFactoryBuilder().setNameFormat("converge-" + loop.primaryKind().kind() + "-worker-%d").build();
  }

  public static Builder builder(ControlLoop<?> loop) {
    return new Builder(loop);
  }

  /**
   * A {@link Sleeper} that waits in real time and gives up when its thread is interrupted, which is how {@link
   * #stopAsync()} ends retries in flight.
   */
  public static Sleeper realTimeSleeper() {
    return RealTimeSleeper.INSTANCE;
  }

  /** Enqueues {@code primary} as an event would. */
  public void enqueue(ResourceKey primary) {
    queue.add(primary);
    signal();
  }

  /** The work queue, for inspection. */
  public WorkQueue<ResourceKey> queue() {
    return queue;
  }

  @Override
  protected void startUp() {
    running = true;
    ScheduledExecutorService scheduled = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setNameFormat("converge-" + loop.primaryKind().kind() + "-timer").setDaemon(true).build());
    timer = scheduled;
    EventRouter events = router;
    events.start(); // lists every kind before the workers start, as controller-runtime waits for cache sync
    if (!resyncPeriod.isZero()) {
      scheduled.scheduleWithFixedDelay(() -> {
        for (ResourceKey primary : events.knownPrimaries()) {
          queue.add(primary);
        }
        signal();
      }, resyncPeriod.toNanos(), resyncPeriod.toNanos(), TimeUnit.NANOSECONDS);
    }
    for (int i = 0; i < workerCount; i++) {
      Thread worker = workerFactory.newThread(this::work);
      workers.add(worker);
      worker.start();
    }
  }

  @Override
  protected void shutDown() throws InterruptedException {
    running = false;
    queue.shutDown();
    signal();
    router.close();
    ScheduledExecutorService scheduled = timer;
    if (scheduled != null) {
      scheduled.shutdownNow();
    }
    long deadline = ticker.nanoTime() + shutdownTimeout.toNanos();
    for (Thread worker : workers) {
      TimeUnit.NANOSECONDS.timedJoin(worker, Math.max(1, deadline - ticker.nanoTime()));
    }
    for (Thread worker : workers) {
      worker.interrupt(); // passes still in flight: end their retry waits
    }
    for (Thread worker : workers) {
      worker.join();
    }
  }

  @Override
  protected String serviceName() {
    return "ThreadedDriver[" + loop.primaryKind() + "]";
  }

  private void work() {
    for (ResourceKey key = take(); key != null; key = take()) {
      dispatcher.process(key);
      signal(); // a requeue may have moved the next ready time earlier, or re-queued a dirty key
    }
  }

  /** The next ready key, waiting as long as needed; null once the driver stops. */
  private @Nullable ResourceKey take() {
    lock.lock();
    try {
      while (running) {
        Optional<ResourceKey> key = queue.poll();
        if (key.isPresent()) {
          return key.get();
        }
        OptionalLong next = queue.nextReadyAt();
        if (next.isPresent()) {
          changed.awaitNanos(Math.max(1, next.getAsLong() - ticker.nanoTime()));
        } else {
          changed.await();
        }
      }
      return null;
    } catch (InterruptedException stopping) {
      return null;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The cache's {@link TaskScheduler}: the timer thread. A task handed over after the driver stopped (a watch
   * closing late on the backend's thread) is dropped; the cache is closed by then.
   */
  private ScheduledTask scheduleOnTimer(Duration delay, Runnable task) {
    ScheduledExecutorService executor = timer;
    if (executor == null) {
      throw new IllegalStateException("the driver has not started");
    }
    ScheduledFuture<?> future;
    try {
      future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      return CANCELLED;
    }
    return new ScheduledTask() {
      @Override
      public void cancel() {
        future.cancel(false);
      }

      @Override
      public boolean isCancelled() {
        return future.isCancelled();
      }
    };
  }

  private static final ScheduledTask CANCELLED = new ScheduledTask() {
    @Override
    public void cancel() {}

    @Override
    public boolean isCancelled() {
      return true;
    }
  };

  /** Configures a {@link ThreadedDriver}. */
  public static final class Builder {
    private final ControlLoop<?> loop;
    private int workers = 1;
    private Duration resyncPeriod = Duration.ofMinutes(10);
    private Duration reconnectDelay = Duration.ofSeconds(1);
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private @Nullable RateLimiter<ResourceKey> rateLimiter;
    private boolean readThroughCache = true;
    private final List<PassListener> listeners = new ArrayList<>();

    private Builder(ControlLoop<?> loop) {
      this.loop = loop;
    }

    /** Worker threads (default 1, as controller-runtime's {@code MaxConcurrentReconciles}). */
    public Builder workers(int threads) {
      checkArgument(threads >= 1, "at least one worker is needed");
      this.workers = threads;
      return this;
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
     * does.
     */
    public Builder readThroughCache(boolean enabled) {
      this.readThroughCache = enabled;
      return this;
    }

    /** How long stopping waits for passes in flight before interrupting them (default 30 s). */
    public Builder shutdownTimeout(Duration timeout) {
      checkArgument(!timeout.isNegative(), "timeout must not be negative");
      this.shutdownTimeout = timeout;
      return this;
    }

    /** The work queue's rate limiter (default: client-go's default controller limiter). */
    public Builder rateLimiter(RateLimiter<ResourceKey> limiter) {
      this.rateLimiter = limiter;
      return this;
    }

    public Builder listener(PassListener listener) {
      listeners.add(listener);
      return this;
    }

    public ThreadedDriver build() {
      return new ThreadedDriver(this);
    }
  }
}
