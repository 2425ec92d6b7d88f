package dev.converge.inmemory.sim.runtime;

/**
 * A client-side rate limit: how long a request must wait before it may be sent, as client-go's
 * {@code flowcontrol.RateLimiter.Wait} (a token bucket in {@code rest.Config}). One throttle is shared by every
 * request of one client — each of kube-controller-manager's controllers has its own, as each kubelet has. The
 * load model may plug its own implementation in through the simulation's builder.
 *
 * <p>Asked once per attempt (client-go throttles each retry too), on the simulation's thread.
 */
@FunctionalInterface
public interface ClientThrottle {

  /** Reserves the next slot at virtual time {@code nowNanos}; returns how many nanoseconds to wait for it. */
  long reserve(long nowNanos);

  /** No client-side limit (what the fabric8 client does by default). */
  static ClientThrottle unlimited() {
    return now -> 0;
  }

  /**
   * client-go's token bucket ({@code flowcontrol.NewTokenBucketRateLimiter(qps, burst)} over
   * {@code golang.org/x/time/rate}): it starts full with {@code burst} tokens, refills at {@code qps}, and a
   * request that finds it empty waits for the next token.
   */
  static ClientThrottle tokenBucket(double qps, int burst) {
    return new TokenBucketThrottle(qps, burst);
  }
}
