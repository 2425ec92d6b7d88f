package dev.converge.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.api.Ticker;
import java.time.Duration;

/**
 * An overall token bucket, as client-go's {@code BucketRateLimiter}: {@code When} is {@code
 * limiter.Reserve().Delay()} of {@code golang.org/x/time/rate}. The bucket starts full; tokens refill
 * continuously at {@code qps}; a reservation always succeeds, taking the bucket below zero if need be, and
 * its delay is the time until the bucket is back at zero. It ignores the item: every item shares it.
 *
 * <p>Kept in integer nanoseconds of "credit" (one token = {@code 1/qps} seconds) so that a transcript of
 * delays is exact: at 10 qps the 101st immediate request waits exactly 100 ms.
 */
final class TokenBucketRateLimiter<T> implements RateLimiter<T> {
  private final Ticker ticker;
  private final long tokenNanos;
  private final long capacityNanos;
  private long creditNanos;
  private long last;

  TokenBucketRateLimiter(Ticker ticker, double qps, int burst) {
    checkArgument(qps > 0 && burst > 0, "qps and burst must be positive: %s, %s", (Object) qps, (Object) burst);
    this.ticker = ticker;
    this.tokenNanos = Math.round(1e9 / qps);
    this.capacityNanos = tokenNanos * burst;
    this.creditNanos = capacityNanos;
    this.last = ticker.nanoTime();
  }

  @Override
  public synchronized Duration when(T item) {
    long now = ticker.nanoTime();
    if (now > last) {
      creditNanos = Math.min(capacityNanos, creditNanos + (now - last));
      last = now;
    }
    creditNanos -= tokenNanos;
    return creditNanos >= 0 ? Duration.ZERO : Duration.ofNanos(-creditNanos);
  }

  @Override
  public void forget(T item) {
    // The bucket is shared by all items; there is nothing per item to forget.
  }

  @Override
  public int numRequeues(T item) {
    return 0;
  }
}
