package dev.converge.core.loop;

import dev.converge.api.Action;
import dev.converge.api.Plan;
import dev.converge.api.Resource;
import dev.converge.api.backend.Backend;
import dev.converge.core.cache.CachedBackend;
import dev.converge.core.cache.WatchCache;
import dev.converge.core.exec.ActionOutcome;
import dev.converge.core.exec.ActionStatus;
import dev.converge.core.exec.ExecutionReport;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a pass sees of the cluster, and how its writes reach what it sees: either the backend itself, or a
 * {@link CachedBackend} over a {@link WatchCache} that every write of the pass is fed into (read-your-writes,
 * as JOSDK keeps its own updates beside its informers until their events arrive).
 */
final class ClusterView {
  private final Backend reads;
  private final @Nullable WatchCache cache;
  private final PrimaryWrites writes;

  private ClusterView(Backend reads, @Nullable WatchCache cache, PrimaryWrites writes) {
    this.reads = reads;
    this.cache = cache;
    this.writes = writes;
  }

  /** Reads and writes go to {@code backend}; a conflict re-reads it. */
  static ClusterView direct(Backend backend, int conflictAttempts, LoopMetrics metrics) {
    return new ClusterView(backend, null, new PrimaryWrites(backend, backend::get, conflictAttempts, metrics));
  }

  /**
   * Reads through {@code cache} (the backend for kinds it has not synced). Writes to the primary go through the
   * cached view, which takes their results in; a conflict means the cache was behind, so the primary is read
   * again from the server, and that state taken in too.
   */
  static ClusterView cached(Backend backend, WatchCache cache, int conflictAttempts, LoopMetrics metrics) {
    CachedBackend view = new CachedBackend(backend, cache);
    PrimaryWrites writes = new PrimaryWrites(view, key -> {
      Optional<Resource> fresh = backend.get(key);
      fresh.ifPresent(cache::recordWrite);
      return fresh;
    }, conflictAttempts, metrics);
    return new ClusterView(view, cache, writes);
  }

  /** Where the pass reads the primary and the owned and desired objects. */
  Backend reads() {
    return reads;
  }

  /** The finalizer and status writes. */
  PrimaryWrites writes() {
    return writes;
  }

  Optional<WatchCache> cache() {
    return Optional.ofNullable(cache);
  }

  /**
   * Feeds the cache what the executor wrote: each applied object as the server stored it, each delete as the
   * object it was planned against. (The executor writes to the server directly, so that its re-reads after a
   * conflict, and its check that a replaced object is gone, see the server.)
   */
  void executed(Plan plan, ExecutionReport report) {
    WatchCache fed = cache;
    if (fed == null || report.writes() == 0) {
      return;
    }
    for (ActionOutcome outcome : report.outcomes()) {
      if (outcome.status() == ActionStatus.APPLIED) {
        report.observed().get(outcome.key()).ifPresent(fed::recordWrite);
      } else if (outcome.status() == ActionStatus.DELETED) {
        plan.find(outcome.key()).ifPresent(action -> {
          if (action instanceof Action.Delete delete) {
            fed.recordDelete(delete.live(), delete.propagation());
          }
        });
      }
    }
  }
}
