package dev.converge.inmemory.sim.controller;

import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The DaemonSet controller's {@code failedPodsBackoff} ({@code flowcontrol.NewBackOff(1s, 15m)}): deleting a
 * failed daemon pod on a node is allowed once per back-off step, the step doubling each time, so that a kubelet
 * that keeps rejecting a pod is not hot-looped.
 */
final class FailedPodBackoff {
  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(15);

  private static final class Entry {
    long backoff;
    long lastUpdate;
  }

  private final VirtualScheduler clock;
  private final Map<String, Entry> entries = new HashMap<>();

  FailedPodBackoff(VirtualScheduler clock) {
    this.clock = clock;
  }

  /**
   * Null when the deletion may go ahead now (and the step is taken: {@code Next}), else how long to wait
   * ({@code IsInBackOffSinceUpdate} true).
   */
  @Nullable Duration waitFor(String key) {
    long now = clock.nanoTime();
    Entry entry = entries.get(key);
    if (entry != null && now - entry.lastUpdate < entry.backoff) {
      return Duration.ofNanos(entry.backoff);
    }
    if (entry == null || now - entry.lastUpdate > 2 * MAX.toNanos()) {
      entry = new Entry();
      entry.backoff = INITIAL.toNanos();
      entries.put(key, entry);
    } else {
      entry.backoff = Math.min(entry.backoff * 2, MAX.toNanos());
    }
    entry.lastUpdate = now;
    return null;
  }
}
