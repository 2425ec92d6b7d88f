package dev.converge.core.loop;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.time.Duration;

/**
 * The longest delay of several limiters, as client-go's {@code MaxOfRateLimiter}. Every limiter is asked on
 * every failure, so a token is taken from the bucket even when the per-item backoff is the longer wait.
 */
final class MaxOfRateLimiter<T> implements RateLimiter<T> {
  private final ImmutableList<RateLimiter<T>> limiters;

  MaxOfRateLimiter(ImmutableList<RateLimiter<T>> limiters) {
    checkArgument(!limiters.isEmpty(), "at least one rate limiter is needed");
    this.limiters = limiters;
  }

  @Override
  public Duration when(T item) {
    Duration longest = Duration.ZERO;
    for (RateLimiter<T> limiter : limiters) {
      Duration delay = limiter.when(item);
      if (delay.compareTo(longest) > 0) {
        longest = delay;
      }
    }
    return longest;
  }

  @Override
  public void forget(T item) {
    for (RateLimiter<T> limiter : limiters) {
      limiter.forget(item);
    }
  }

  @Override
  public int numRequeues(T item) {
    int most = 0;
    for (RateLimiter<T> limiter : limiters) {
      most = Math.max(most, limiter.numRequeues(item));
    }
    return most;
  }
}
