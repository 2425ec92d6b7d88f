package dev.converge.core.loop;

import com.google.common.collect.ImmutableList;
import dev.converge.api.Ticker;
import java.time.Duration;
import java.util.List;

/**
 * Decides how long an item waits before it is retried, as client-go's {@code workqueue.RateLimiter}: {@link
 * #when} is asked once per failure, {@link #forget} ends the item's retry cycle (on success), {@link
 * #numRequeues} counts failures since the last {@code forget}.
 *
 * <p>Implementations are thread-safe; time comes from an injected {@link Ticker}.
 *
 * @param <T> the item type
 */
public interface RateLimiter<T> {

  /** How long {@code item} should wait now; records one more failure of it. */
  Duration when(T item);

  /** Stops tracking {@code item}: its next failure starts from the first delay again. */
  void forget(T item);

  /** Failures of {@code item} since it was last forgotten. */
  int numRequeues(T item);

  /**
   * Per-item exponential backoff: {@code base × 2^failures}, capped at {@code max} (client-go's {@code
   * ItemExponentialFailureRateLimiter}).
   */
  static <T> RateLimiter<T> exponential(Duration base, Duration max) {
    return new ExponentialRateLimiter<>(base, max);
  }

  /**
   * An overall token bucket shared by every item: {@code qps} tokens a second, at most {@code burst} saved up,
   * starting full (client-go's {@code BucketRateLimiter} over {@code golang.org/x/time/rate}). A request that
   * finds no token reserves the next one and waits for it, so delays grow by {@code 1/qps} per request.
   */
  static <T> RateLimiter<T> tokenBucket(Ticker ticker, double qps, int burst) {
    return new TokenBucketRateLimiter<>(ticker, qps, burst);
  }

  /** The longest delay of all {@code limiters}, each of which is asked (client-go's {@code MaxOfRateLimiter}). */
  static <T> RateLimiter<T> maxOf(List<RateLimiter<T>> limiters) {
    return new MaxOfRateLimiter<>(ImmutableList.copyOf(limiters));
  }

  /**
   * client-go's {@code DefaultControllerRateLimiter}: the maximum of a per-item exponential backoff from 5 ms
   * doubling to 1000 s and an overall bucket of 10 qps with a burst of 100. The per-item part keeps one broken
   * object from being hammered; the bucket keeps a mass failure from flooding the API server.
   */
  static <T> RateLimiter<T> defaultController(Ticker ticker) {
    return maxOf(List.of(exponential(Duration.ofMillis(5), Duration.ofSeconds(1000)), tokenBucket(ticker, 10, 100)));
  }
}
