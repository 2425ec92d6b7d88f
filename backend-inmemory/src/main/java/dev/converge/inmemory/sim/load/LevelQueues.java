package dev.converge.inmemory.sim.load;

import dev.converge.core.time.ScheduledTask;
import dev.converge.core.time.VirtualScheduler;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Comparator;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;

/**
 * The seats and queues of one limited priority level, on the virtual clock: Kubernetes' {@code queueset}
 * ({@code k8s.io/apiserver/pkg/util/flowcontrol/fairqueuing/queueset}) in discrete events.
 *
 * <ul>
 *   <li>a request goes to the queue of its flow's shuffle-sharded hand holding the least waiting work ({@code
 *       shuffleShardLocked}, the starting card rotating per enqueue);
 *   <li>it is rejected when every seat is taken and that queue holds {@code queueLengthLimit} requests ({@code
 *       rejectOrEnqueueToBoundLocked}), or when it has waited {@code requestWaitLimit}. As in Kubernetes, the
 *       length limit applies only while every seat is taken: when wide LISTs leave a few seats free that none
 *       of them fits, queues grow past the limit and requests are rejected by the wait limit instead;
 *   <li>whenever seats are free, the queue whose head has the smallest virtual finish time {@code
 *       nextDispatchR + seats × G} (round robin among ties) dispatches, as long as the head's seats fit
 *       ({@code findDispatchQueueToBoundLocked}, {@code canAccommodateSeatsLocked});
 *   <li>the virtual time R advances at {@code min(seats asked, seats) / active queues} seat-seconds per second
 *       ({@code getVirtualTimeRatioLocked}); on finish a queue's {@code nextDispatchR} is corrected by
 *       {@code seats × (G − actual service)} and never lags its head's arrival ({@code boundNextDispatchLocked}).
 * </ul>
 *
 * A level that rejects instead of queuing (catch-all) only checks that the seats fit. Seats are released
 * lazily at each request's end time; a wake-up event is scheduled only while requests wait, so an idle level
 * costs no events.
 */
final class LevelQueues {
  private static final Comparator<Release> BY_TIME =
      Comparator.comparingLong(Release::time).thenComparingLong(Release::seq);

  private final PriorityLevel level;
  private final int limit;
  private final int maxSeats;
  private final double estimatedSeconds;
  private final long waitLimitNanos;
  private final VirtualScheduler scheduler;
  private final FairQueue[] queues;
  private final BitSet nonEmpty;
  private final @Nullable ShuffleShardDealer dealer;
  private final int[] hand;
  private final PriorityQueue<Release> releases = new PriorityQueue<>(BY_TIME);
  private long releaseSeq;
  private int seatsInUse;
  private int queuedSeatsInUse;
  private int executing;
  private int waiting;
  private int seatsWaiting;
  private int activeQueues;
  private double currentR;
  private long lastNanos;
  private int robinIndex = -1;
  private long enqueues;
  private boolean dispatching;
  private @Nullable ScheduledTask wake;
  private long wakeAt;
  private long dispatched;
  private long rejected;
  private long timedOut;
  private int peakWaiting;
  private int peakSeatsInUse;

  LevelQueues(PriorityLevel level, int limit, int maxSeats, ApfConfig config, VirtualScheduler scheduler) {
    this.level = level;
    this.limit = limit;
    this.maxSeats = maxSeats;
    this.estimatedSeconds = config.estimatedServiceTime().toNanos() / 1e9;
    this.waitLimitNanos = config.requestWaitLimit().toNanos();
    this.scheduler = scheduler;
    int count = level.type() == PriorityLevel.Type.QUEUE ? level.queues() : 0;
    this.queues = new FairQueue[count];
    for (int i = 0; i < count; i++) {
      queues[i] = new FairQueue();
    }
    this.nonEmpty = new BitSet(count);
    this.dealer = count > 0 ? new ShuffleShardDealer(count, level.handSize()) : null;
    this.hand = new int[count > 0 ? level.handSize() : 0];
    this.lastNanos = scheduler.nanoTime();
  }

  String name() {
    return level.name();
  }

  /** The level's seats ({@code nominalCL}). */
  int limit() {
    return limit;
  }

  /** The most seats one request of this level may take. */
  int maxSeats() {
    return maxSeats;
  }

  /**
   * Queues {@code request} (flow hash {@code hash}) or rejects it; dispatches what fits. The decision reaches
   * {@code request.onDecision}, now or later on the virtual clock.
   */
  void submit(ApfRequest request, long hash) {
    long now = scheduler.nanoTime();
    advance(now);
    if (queues.length == 0) {
      if (canAccommodate(request.seats)) {
        startExecuting(request, now, -1);
        decide(request);
      } else {
        reject(request, now);
      }
      return;
    }
    int index = shuffleShard(hash);
    FairQueue queue = queues[index];
    if (seatsInUse >= limit && queue.waiting.size() >= level.queueLengthLimit()) {
      reject(request, now);
      return;
    }
    enqueue(request, index, now);
    dispatchAsMuchAsPossible();
    if (!request.decided) {
      // Only a request that has to wait gets a wait-limit timer: most are dispatched as they arrive.
      request.timeout = scheduler.scheduleAt(now + waitLimitNanos, () -> timeOut(request));
    }
    ensureWake();
  }

  /**
   * Admits a request whose caller cannot wait (a synchronous call that did not come through a {@link
   * SimClient}): it runs now if the level would not reject it, occupying its seats, and never queues.
   */
  ApfRequest admitNow(ApfRequest request, long hash) {
    long now = scheduler.nanoTime();
    advance(now);
    boolean full = queues.length == 0 ? !canAccommodate(request.seats)
        : seatsInUse >= limit && queues[shuffleShard(hash)].waiting.size() >= level.queueLengthLimit();
    if (full) {
      request.decided = true;
      request.rejected = true;
      request.dispatchNanos = now;
      rejected++;
    } else {
      startExecuting(request, now, -1);
    }
    return request;
  }

  /** The dispatched {@code request} ran for {@code serviceNanos}: its seats are held until then. */
  void hold(ApfRequest request, long serviceNanos) {
    long now = scheduler.nanoTime();
    releases.add(new Release(now + serviceNanos, releaseSeq++, request.seats, request.queue, serviceNanos));
    ensureWake();
  }

  LevelStats stats() {
    return new LevelStats(level.name(), limit, maxSeats, dispatched, rejected, timedOut, peakWaiting, peakSeatsInUse);
  }

  // ---------------------------------------------------------------- state changes

  private void enqueue(ApfRequest request, int index, long now) {
    FairQueue queue = queues[index];
    if (queue.waiting.isEmpty() && queue.executing == 0) {
      queue.nextDispatchR = currentR;
      activeQueues++;
    }
    request.arrivalR = currentR;
    request.queue = index;
    queue.waiting.add(request);
    queue.waitingWork += work(request);
    nonEmpty.set(index);
    waiting++;
    seatsWaiting += request.seats;
    peakWaiting = Math.max(peakWaiting, waiting);
    boundNextDispatch(queue);
  }

  private void dispatchAsMuchAsPossible() {
    if (dispatching) {
      // A request dispatched below made another request arrive: it is queued, and this loop picks it up.
      return;
    }
    dispatching = true;
    try {
      while (waiting > 0 && seatsInUse < limit && dispatchOne()) {
        // each round dispatches one request
      }
    } finally {
      dispatching = false;
    }
  }

  private boolean dispatchOne() {
    int best = -1;
    double bestFinish = Double.POSITIVE_INFINITY;
    int start = robinIndex + 1;
    for (int pass = 0; pass < 2; pass++) {
      int from = pass == 0 ? start : 0;
      int to = pass == 0 ? queues.length : Math.min(start, queues.length);
      for (int i = nonEmpty.nextSetBit(from); i >= 0 && i < to; i = nonEmpty.nextSetBit(i + 1)) {
        FairQueue queue = queues[i];
        double finish = queue.nextDispatchR + work(queue.waiting.peek());
        if (finish < bestFinish) {
          bestFinish = finish;
          best = i;
        }
      }
    }
    if (best < 0) {
      return false;
    }
    FairQueue queue = queues[best];
    ApfRequest head = queue.waiting.peek();
    if (!canAccommodate(head.seats)) {
      return false;
    }
    queue.waiting.poll();
    queue.waitingWork -= work(head);
    if (queue.waiting.isEmpty()) {
      nonEmpty.clear(best);
    }
    waiting--;
    seatsWaiting -= head.seats;
    if (head.timeout != null) {
      head.timeout.cancel();
    }
    robinIndex = best;
    long now = scheduler.nanoTime();
    startExecuting(head, now, best);
    queue.nextDispatchR += work(head);
    boundNextDispatch(queue);
    decide(head);
    return true;
  }

  private void startExecuting(ApfRequest request, long now, int index) {
    seatsInUse += request.seats;
    executing++;
    if (index >= 0) {
      queues[index].seatsInUse += request.seats;
      queues[index].executing++;
      queuedSeatsInUse += request.seats;
    }
    peakSeatsInUse = Math.max(peakSeatsInUse, seatsInUse);
    request.queue = index;
    request.dispatchNanos = now;
    request.decided = true;
    dispatched++;
  }

  private void decide(ApfRequest request) {
    request.onDecision.accept(request);
  }

  private void reject(ApfRequest request, long now) {
    request.decided = true;
    request.rejected = true;
    request.dispatchNanos = now;
    rejected++;
    decide(request);
  }

  /** The request's wait context expired ({@code getRequestWaitContext}): out of its queue, 429. */
  private void timeOut(ApfRequest request) {
    if (request.decided) {
      return;
    }
    long now = scheduler.nanoTime();
    advance(now);
    FairQueue queue = queues[request.queue];
    queue.waiting.remove(request);
    queue.waitingWork -= work(request);
    if (queue.waiting.isEmpty()) {
      nonEmpty.clear(request.queue);
      if (queue.executing == 0) {
        activeQueues--;
      }
    }
    waiting--;
    seatsWaiting -= request.seats;
    boundNextDispatch(queue);
    timedOut++;
    reject(request, now);
    ensureWake();
  }

  /** Releases the seats of every request that ended by {@code now}, advancing R piece by piece. */
  private void advance(long now) {
    for (Release head = releases.peek(); head != null && head.time <= now; head = releases.peek()) {
      releases.poll();
      syncTime(head.time);
      finish(head);
    }
    syncTime(now);
  }

  private void finish(Release release) {
    seatsInUse -= release.seats;
    executing--;
    if (release.queue >= 0) {
      FairQueue queue = queues[release.queue];
      queue.seatsInUse -= release.seats;
      queue.executing--;
      queuedSeatsInUse -= release.seats;
      queue.nextDispatchR -= release.seats * (estimatedSeconds - release.serviceNanos / 1e9);
      boundNextDispatch(queue);
      if (queue.executing == 0 && queue.waiting.isEmpty()) {
        activeQueues--;
      }
    }
  }

  private void syncTime(long now) {
    long elapsed = now - lastNanos;
    if (elapsed > 0 && activeQueues > 0) {
      currentR += elapsed / 1e9 * Math.min(queuedSeatsInUse + seatsWaiting, limit) / activeQueues;
    }
    lastNanos = Math.max(lastNanos, now);
  }

  private void ensureWake() {
    Release next = releases.peek();
    if (waiting == 0 || next == null) {
      return;
    }
    if (wake != null && wakeAt <= next.time) {
      return;
    }
    if (wake != null) {
      wake.cancel();
    }
    wakeAt = next.time;
    wake = scheduler.scheduleAt(next.time, this::onWake);
  }

  private void onWake() {
    wake = null;
    advance(scheduler.nanoTime());
    dispatchAsMuchAsPossible();
    ensureWake();
  }

  private int shuffleShard(long hash) {
    dealer.deal(hash, hand);
    int offset = (int) (enqueues++ % hand.length);
    int best = -1;
    double least = Double.POSITIVE_INFINITY;
    for (int i = 0; i < hand.length; i++) {
      int index = hand[(offset + i) % hand.length];
      double work = queues[index].waitingWork;
      if (work < least) {
        least = work;
        best = index;
      }
    }
    return best;
  }

  private boolean canAccommodate(int seats) {
    if (seats > limit) {
      // A request wider than the level runs alone (canAccommodateSeatsLocked).
      return executing == 0;
    }
    return seatsInUse + seats <= limit;
  }

  private void boundNextDispatch(FairQueue queue) {
    ApfRequest head = queue.waiting.peek();
    if (head != null && queue.nextDispatchR < head.arrivalR) {
      queue.nextDispatchR = head.arrivalR;
    }
  }

  private double work(ApfRequest request) {
    return request.seats * estimatedSeconds;
  }

  /** One queue: its waiting requests, the R at which it may next dispatch, and what it has executing. */
  private static final class FairQueue {
    final ArrayDeque<ApfRequest> waiting = new ArrayDeque<>();
    double nextDispatchR;
    double waitingWork;
    int seatsInUse;
    int executing;
  }

  /** Seats held until {@code time} by a request that ran for {@code serviceNanos} (from queue {@code queue}, or -1). */
  private record Release(long time, long seq, int seats, int queue, long serviceNanos) {}
}
