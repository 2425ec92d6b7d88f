package dev.converge.inmemory.sim.runtime;

import dev.converge.core.time.VirtualScheduler;
import dev.converge.inmemory.watch.Delivery;
import dev.converge.inmemory.watch.WatchDispatcher;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Delivers watch events on the virtual clock, {@code latency} after the request that caused them, as the watch
 * cache's fan-out and the network delay them. Deliveries due at the same instant share one scheduler event
 * (a batch), so ten thousand kubelets seeing one change each cost one event, not ten thousand; order within
 * and across batches is the commit order, which keeps every watch's events in order.
 */
public final class VirtualDispatcher implements WatchDispatcher {
  private final VirtualScheduler clock;
  private final long latencyNanos;
  private @Nullable List<Delivery> open;
  private long openAt = Long.MIN_VALUE;
  private long delivered;

  public VirtualDispatcher(VirtualScheduler clock, long latencyNanos) {
    this.clock = clock;
    this.latencyNanos = latencyNanos;
  }

  @Override
  public void dispatch(Delivery delivery) {
    long due = clock.nanoTime() + latencyNanos;
    List<Delivery> batch = open;
    if (batch == null || openAt != due) {
      List<Delivery> fresh = new ArrayList<>();
      open = fresh;
      openAt = due;
      clock.scheduleAt(due, () -> run(fresh));
      batch = fresh;
    }
    batch.add(delivery);
  }

  private void run(List<Delivery> batch) {
    if (open == batch) {
      // Deliveries caused by this batch start a new one, even at the same instant (zero latency).
      open = null;
    }
    for (int i = 0; i < batch.size(); i++) {
      batch.get(i).run();
    }
    delivered += batch.size();
  }

  /** Deliveries run so far. */
  public long delivered() {
    return delivered;
  }
}
