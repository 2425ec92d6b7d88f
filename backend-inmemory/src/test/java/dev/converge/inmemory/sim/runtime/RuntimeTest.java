package dev.converge.inmemory.sim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The runtime's small parts: client-go's token bucket on the virtual clock (a transcript of waits), the trace
 * (tokens and hash), per-component randomness, and the sync queue's dirty/processing rules.
 */
class RuntimeTest {

  @Test
  void tokenBucket_startsFull_thenSpacesRequestsByOneOverQps() {
    ClientThrottle throttle = ClientThrottle.tokenBucket(20, 30);
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 33; i++) {
      waits.add(throttle.reserve(0));
    }
    // 30 from the burst, then 50 ms, 100 ms, 150 ms.
    assertThat(waits.subList(0, 30)).containsOnly(0L);
    assertThat(waits.subList(30, 33)).containsExactly(50_000_000L, 100_000_000L, 150_000_000L);
    // One second later 20 tokens have come back, 3 of them owed.
    assertThat(throttle.reserve(1_000_000_000L)).isZero();
  }

  @Test
  void trace_tokensCarryTimeComponentVerbObject_andTheHashDependsOnEveryToken() {
    VirtualScheduler clock = new VirtualScheduler();
    Trace a = new Trace(clock).keep(10);
    Trace b = new Trace(clock);
    a.record("kubelet/node-1", "update 200", "leases/kube-node-lease/node-1");
    b.record("kubelet/node-1", "update 200", "leases/kube-node-lease/node-1");
    clock.runFor(Duration.ofMillis(1500));
    a.record("kube-scheduler", "create 201", "pods/binding/default/web-1");
    b.record("kube-scheduler", "create 201", "pods/binding/default/web-2");

    assertThat(a.tokens()).containsExactly(
        "0.000000000 kubelet/node-1 update 200 leases/kube-node-lease/node-1",
        "1.500000000 kube-scheduler create 201 pods/binding/default/web-1");
    assertThat(a.events()).isEqualTo(2);
    assertThat(a.hash()).hasSize(64).isNotEqualTo(b.hash());
    assertThat(a.hash()).isEqualTo(a.hash());
  }

  @Test
  void trace_recordRequest_isTheTokenRecordWouldWrite_byteForByte() {
    VirtualScheduler clock = new VirtualScheduler();
    Trace built = new Trace(clock).keep(10);
    Trace direct = new Trace(clock).keep(10);
    clock.runFor(Duration.ofNanos(12_345_000_000_007L));
    built.record("system:node:node-1", "update 200", "leases/kube-node-lease/node-1");
    direct.recordRequest("system:node:node-1", "update", 200, "leases", "", "kube-node-lease", "node-1");
    clock.runFor(Duration.ofMillis(1));
    built.record("system:kube-scheduler", "create 409", "pods/binding/default/web-1");
    direct.recordRequest("system:kube-scheduler", "create", 409, "pods", "binding", "default", "web-1");
    built.record("admin", "list 0", "nodes//");
    direct.recordRequest("admin", "list", 0, "nodes", "", "", "");

    assertThat(direct.tokens()).isEqualTo(built.tokens());
    assertThat(direct.tokens().get(0)).isEqualTo("12345.000000007 system:node:node-1 update 200 leases/kube-node-lease/node-1");
    assertThat(direct.hash()).isEqualTo(built.hash());
    assertThat(direct.events()).isEqualTo(3);
  }

  @Test
  void randoms_dependOnSeedAndComponentName_notOnTheOrderAsked() {
    Randoms r1 = new Randoms(7);
    Randoms r2 = new Randoms(7);
    long kubeletFirst = r1.forComponent("kubelet/node-1").nextLong();
    r2.forComponent("kube-scheduler").nextLong();
    assertThat(r2.forComponent("kubelet/node-1").nextLong()).isEqualTo(kubeletFirst);
    assertThat(new Randoms(8).forComponent("kubelet/node-1").nextLong()).isNotEqualTo(kubeletFirst);
    assertThat(r1.forComponent("kubelet/node-2").nextLong()).isNotEqualTo(kubeletFirst);
  }

  @Test
  void syncQueue_neverSyncsAKeyTwiceAtOnce_andResyncsAKeyAddedWhileBusy() {
    VirtualScheduler clock = new VirtualScheduler();
    List<String> transcript = new ArrayList<>();
    SyncQueue<String> queue = new SyncQueue<>(clock, 2, (key, done) -> {
      transcript.add(clock.nanoTime() / 1_000_000 + "ms start " + key);
      clock.schedule(Duration.ofMillis(100), () -> {
        transcript.add(clock.nanoTime() / 1_000_000 + "ms end " + key);
        done.done(null);
      });
    });
    queue.add("a");
    queue.add("a");
    queue.add("b");
    queue.add("c");
    clock.runFor(Duration.ofMillis(50));
    queue.add("a"); // while a is being synced
    clock.runUntilIdle();

    assertThat(transcript).containsExactly("0ms start a", "0ms start b", "100ms end a", "100ms end b",
        "100ms start c", "100ms start a", "200ms end c", "200ms end a");
    assertThat(queue.syncs()).isEqualTo(4);
    assertThat(queue.isIdle()).isTrue();
  }

  @Test
  void syncQueue_retriesAFailedSyncAfterTheRateLimitersDelay() {
    VirtualScheduler clock = new VirtualScheduler();
    List<Long> starts = new ArrayList<>();
    SyncQueue<String> queue = new SyncQueue<>(clock, 1, (key, done) -> {
      starts.add(clock.nanoTime());
      done.done(starts.size() < 3 ? new IllegalStateException("fail") : null);
    });
    queue.add("k");
    clock.runUntilIdle();
    // 5 ms, then 10 ms (the per-item exponential back-off of the default controller rate limiter).
    assertThat(starts).containsExactly(0L, 5_000_000L, 15_000_000L);
    assertThat(queue.failures()).isEqualTo(2);
  }

  @Test
  void syncQueue_dropsAKeyOnTheFailureAfterItsLastRetry_untilItIsAddedAgain() {
    VirtualScheduler clock = new VirtualScheduler();
    List<Long> starts = new ArrayList<>();
    SyncQueue<String> queue = new SyncQueue<>(clock, 1, (key, done) -> {
      starts.add(clock.nanoTime());
      done.done(new IllegalStateException("fail"));
    }, 3);
    queue.add("k");
    clock.runUntilIdle();
    // The first sync and three retries (5, 10, 20 ms apart): the fourth failure drops the key.
    assertThat(starts).containsExactly(0L, 5_000_000L, 15_000_000L, 35_000_000L);
    assertThat(queue.failures()).isEqualTo(4);
    assertThat(queue.dropped()).isEqualTo(1);
    assertThat(queue.isIdle()).isTrue();

    // Added again (an event for it), it starts over from the first delay: it was forgotten.
    queue.add("k");
    clock.runUntilIdle();
    assertThat(starts.subList(4, 8)).containsExactly(35_000_000L, 40_000_000L, 50_000_000L, 70_000_000L);
    assertThat(queue.dropped()).isEqualTo(2);
  }
}
