package dev.converge.core.drive;

import dev.converge.api.Observed;
import dev.converge.api.ResourceKey;
import dev.converge.core.exec.ExecutionReport;
import dev.converge.core.loop.ControlLoop;
import dev.converge.core.loop.PassResult;
import dev.converge.core.loop.Requeue;
import dev.converge.core.loop.WorkQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;

/**
 * What both drivers do with one key: run the pass, turn its {@link Requeue} into work-queue calls the way
 * controller-runtime does (success: {@code Forget}; requeue-after: {@code Forget} + {@code AddAfter}; error:
 * {@code AddRateLimited}), tell the listeners, and mark the key done.
 */
final class Dispatcher {
  private final ControlLoop<?> loop;
  private final WorkQueue<ResourceKey> queue;
  private final List<PassListener> listeners;
  private final Counter requeues;

  Dispatcher(ControlLoop<?> loop, WorkQueue<ResourceKey> queue, List<PassListener> listeners, MeterRegistry registry) {
    this.loop = loop;
    this.queue = queue;
    this.listeners = List.copyOf(listeners);
    this.requeues = Counter.builder("converge.retries")
        .description("Requests repeated after a retryable failure, and primaries requeued after a failed pass")
        .tag("component", "queue")
        .tag("reason", "requeue")
        .register(registry);
  }

  /** Runs one pass over {@code key}, which the caller took from the queue, and marks it done. */
  PassResult process(ResourceKey key) {
    PassResult result;
    try {
      result = loop.reconcile(key);
    } catch (RuntimeException bug) {
      // A reconciler that throws is retried with backoff, as controller-runtime recovers a panicking
      // Reconcile; the listener sees the error.
      result = new PassResult(key, PassResult.Phase.ERROR, null, ExecutionReport.empty(Observed.empty()), 0, false,
          Requeue.backoff(Duration.ZERO), bug.getClass().getSimpleName() + ": " + bug.getMessage());
    }
    Requeue requeue = result.requeue();
    switch (requeue.kind()) {
      case NONE:
        queue.forget(key);
        break;
      case AFTER:
        queue.forget(key);
        queue.addAfter(key, requeue.delay());
        break;
      case BACKOFF:
        requeues.increment();
        queue.addRateLimited(key, requeue.delay());
        break;
      default:
        throw new AssertionError(requeue);
    }
    // Listeners hear of the pass while the key is still held: released first, the key could be taken and
    // reconciled again by another worker, whose listeners might then run before these, out of order.
    try {
      for (PassListener listener : listeners) {
        listener.onPass(result);
      }
    } finally {
      queue.done(key);
    }
    return result;
  }
}
