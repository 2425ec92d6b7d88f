package dev.converge.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.converge.core.time.VirtualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * client-go's rate limiters, as transcripts of the delays they hand out: the per-item exponential backoff
 * (5 ms doubling, capped at 1000 s, reset by {@code forget}, independent per item), the token bucket (burst
 * first, then one token per {@code 1/qps}, refilled by elapsed time) and their maximum.
 */
class RateLimiterTest {
  private final VirtualScheduler clock = new VirtualScheduler();

  private static String ms(Duration d) {
    return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toNanos() + "ns";
  }

  private static <T> List<String> when(RateLimiter<T> limiter, T item, int times) {
    List<String> delays = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      delays.add(ms(limiter.when(item)));
    }
    return delays;
  }

  @Test
  void exponential_doublesFromBaseUntilTheCap() {
    RateLimiter<String> limiter = RateLimiter.exponential(Duration.ofMillis(5), Duration.ofSeconds(1000));

    assertThat(when(limiter, "a", 20)).containsExactly(
        "5ms", "10ms", "20ms", "40ms", "80ms", "160ms", "320ms", "640ms", "1280ms", "2560ms",
        "5120ms", "10240ms", "20480ms", "40960ms", "81920ms", "163840ms", "327680ms", "655360ms",
        "1000000ms", "1000000ms");
    assertThat(limiter.numRequeues("a")).isEqualTo(20);
  }

  @Test
  void exponential_staysAtTheCapForeverWithoutOverflow() {
    RateLimiter<String> limiter = RateLimiter.exponential(Duration.ofMillis(5), Duration.ofSeconds(1000));

    when(limiter, "a", 100);

    assertThat(limiter.when("a")).isEqualTo(Duration.ofSeconds(1000));
  }

  @Test
  void exponential_forgetResetsOnlyThatItem() {
    RateLimiter<String> limiter = RateLimiter.exponential(Duration.ofMillis(5), Duration.ofSeconds(1000));
    when(limiter, "a", 3);
    when(limiter, "b", 2);

    limiter.forget("a");

    assertThat(limiter.numRequeues("a")).isZero();
    assertThat(when(limiter, "a", 2)).containsExactly("5ms", "10ms");
    assertThat(when(limiter, "b", 1)).containsExactly("20ms");
  }

  @Test
  void tokenBucket_burstIsFreeThenEachTokenCostsOneOverQps() {
    RateLimiter<String> limiter = RateLimiter.tokenBucket(clock, 10, 100);

    List<String> delays = new ArrayList<>();
    for (int i = 0; i < 103; i++) {
      delays.add(ms(limiter.when("item" + i)));
    }

    assertThat(delays.subList(0, 100)).containsOnly("0ms");
    assertThat(delays.subList(100, 103)).containsExactly("100ms", "200ms", "300ms");
  }

  @Test
  void tokenBucket_refillsWithElapsedTimeUpToTheBurst() {
    RateLimiter<String> limiter = RateLimiter.tokenBucket(clock, 10, 2);
    List<String> delays = new ArrayList<>(when(limiter, "x", 3)); // 0, 0, 100ms (bucket at -1 token)

    clock.runFor(Duration.ofMillis(150)); // +1.5 tokens: at +0.5
    delays.addAll(when(limiter, "x", 2)); // -0.5 → 50ms; -1.5 → 150ms
    clock.runFor(Duration.ofSeconds(60)); // refills to the burst of 2, not 600
    delays.addAll(when(limiter, "x", 3));

    assertThat(delays).containsExactly("0ms", "0ms", "100ms", "50ms", "150ms", "0ms", "0ms", "100ms");
  }

  @Test
  void tokenBucket_ignoresItems() {
    RateLimiter<String> limiter = RateLimiter.tokenBucket(clock, 10, 1);

    assertThat(ms(limiter.when("a"))).isEqualTo("0ms");
    assertThat(ms(limiter.when("b"))).isEqualTo("100ms");
    limiter.forget("b");
    assertThat(limiter.numRequeues("b")).isZero();
    assertThat(ms(limiter.when("c"))).isEqualTo("200ms");
  }

  @Test
  void defaultController_isTheMaxOfBackoffAndBucket_andAsksBoth() {
    RateLimiter<String> limiter = RateLimiter.defaultController(clock);

    // 100 distinct items take the burst: each waits its own first backoff, 5 ms.
    for (int i = 0; i < 100; i++) {
      assertThat(limiter.when("item" + i)).isEqualTo(Duration.ofMillis(5));
    }
    // The bucket is empty: the 101st first failure waits for a token, longer than its backoff.
    assertThat(limiter.when("late")).isEqualTo(Duration.ofMillis(100));
    // A later failure of an early item: its backoff is 10 ms, but it still took a token (200 ms).
    assertThat(limiter.when("item0")).isEqualTo(Duration.ofMillis(200));
    assertThat(limiter.numRequeues("item0")).isEqualTo(2);

    clock.runFor(Duration.ofSeconds(100));
    limiter.forget("item0");
    assertThat(limiter.when("item0")).isEqualTo(Duration.ofMillis(5));
  }

  @Test
  void defaultController_backoffDominatesOnceTheBucketHasRefilled() {
    RateLimiter<String> limiter = RateLimiter.defaultController(clock);

    List<String> delays = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Duration delay = limiter.when("broken");
      delays.add(ms(delay));
      clock.runFor(delay);
    }

    assertThat(delays).containsExactly(
        "5ms", "10ms", "20ms", "40ms", "80ms", "160ms", "320ms", "640ms", "1280ms", "2560ms", "5120ms", "10240ms");
  }
}
