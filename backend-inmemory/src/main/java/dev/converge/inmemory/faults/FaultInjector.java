package dev.converge.inmemory.faults;

import static com.google.common.base.Preconditions.checkArgument;

import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.WatchEvent;
import dev.converge.inmemory.server.Errors;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.RequestContext;
import dev.converge.inmemory.server.RequestInterceptor;
import dev.converge.inmemory.server.Verb;
import dev.converge.inmemory.watch.WatchFaults;
import dev.converge.inmemory.watch.Watcher;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Seeded fault injection: per verb, a rate of 500s, a rate of 429s (with {@code Retry-After}), and for
 * updates, patches and deletes a rate of 409 conflicts; and a rate at which watches are dropped before an
 * event. One draw per request (and per watch event) from one seeded generator, so the same seed and the same
 * sequence of requests fail the same way. Faults can be switched off ({@link #setEnabled(boolean)}) to check
 * that a system converges once they stop, and limited to some identities.
 */
public final class FaultInjector implements RequestInterceptor, WatchFaults {
  private final SplittableRandom random;
  private final Map<Verb, Double> errorRates;
  private final Map<Verb, Double> throttleRates;
  private final Map<Verb, Double> conflictRates;
  private final double watchDropRate;
  private final Duration retryAfter;
  private final Predicate<Identity> targets;
  private volatile boolean enabled = true;
  private long injected;

  private FaultInjector(Builder builder) {
    this.random = new SplittableRandom(builder.seed);
    this.errorRates = new EnumMap<>(builder.errorRates);
    this.throttleRates = new EnumMap<>(builder.throttleRates);
    this.conflictRates = new EnumMap<>(builder.conflictRates);
    this.watchDropRate = builder.watchDropRate;
    this.retryAfter = builder.retryAfter;
    this.targets = builder.targets;
  }

  public static Builder builder(long seed) {
    return new Builder(seed);
  }

  public void setEnabled(boolean on) {
    this.enabled = on;
  }

  public boolean isEnabled() {
    return enabled;
  }

  /** Faults injected so far (failed requests and dropped watches). */
  public synchronized long injected() {
    return injected;
  }

  @Override
  public <T> T intercept(RequestContext request, Chain<T> next) {
    if (enabled && targets.test(request.info().identity())) {
      BackendException fault = draw(request);
      if (fault != null) {
        request.attribute("fault", Integer.toString(fault.code()));
        throw fault;
      }
    }
    return next.proceed();
  }

  private synchronized BackendException draw(RequestContext request) {
    Verb verb = request.info().verb();
    double u = random.nextDouble();
    double error = errorRates.getOrDefault(verb, 0.0);
    double throttle = throttleRates.getOrDefault(verb, 0.0);
    double conflict = conflictRates.getOrDefault(verb, 0.0);
    if (u < error) {
      injected++;
      return Errors.internal("injected fault");
    }
    if (u < error + throttle) {
      injected++;
      return new BackendException.Unavailable(429, "Too many requests, please try again later.", retryAfter);
    }
    if (u < error + throttle + conflict) {
      injected++;
      return Errors.staleVersion(request.info().type(), request.info().name());
    }
    return null;
  }

  @Override
  public synchronized boolean dropBefore(Watcher watcher, WatchEvent event) {
    if (!enabled || watchDropRate == 0 || !targets.test(watcher.identity())) {
      return false;
    }
    boolean drop = random.nextDouble() < watchDropRate;
    if (drop) {
      injected++;
    }
    return drop;
  }

  /** A builder; all rates default to 0. */
  public static final class Builder {
    private final long seed;
    private final Map<Verb, Double> errorRates = new EnumMap<>(Verb.class);
    private final Map<Verb, Double> throttleRates = new EnumMap<>(Verb.class);
    private final Map<Verb, Double> conflictRates = new EnumMap<>(Verb.class);
    private double watchDropRate;
    private Duration retryAfter = Duration.ofSeconds(1);
    private Predicate<Identity> targets = identity -> true;

    private Builder(long seed) {
      this.seed = seed;
    }

    /** 500 Internal Server Error on {@code rate} of {@code verbs} (all verbs when none given). */
    public Builder errors(double rate, Verb... verbs) {
      return put(errorRates, rate, verbs);
    }

    /** 429 Too Many Requests, with {@link #retryAfter(Duration)}, on {@code rate} of {@code verbs}. */
    public Builder throttling(double rate, Verb... verbs) {
      return put(throttleRates, rate, verbs);
    }

    /** 409 Conflict on {@code rate} of updates, patches and deletes. */
    public Builder conflicts(double rate) {
      return put(conflictRates, rate, Verb.UPDATE, Verb.PATCH, Verb.DELETE);
    }

    /** Drops a watch before {@code rate} of its events. */
    public Builder watchDrops(double rate) {
      checkArgument(rate >= 0 && rate <= 1, "rate must be in [0, 1]");
      this.watchDropRate = rate;
      return this;
    }

    public Builder retryAfter(Duration value) {
      this.retryAfter = value;
      return this;
    }

    /** Only requests by identities matching {@code filter} fail (default: all). */
    public Builder targets(Predicate<Identity> filter) {
      this.targets = filter;
      return this;
    }

    private Builder put(Map<Verb, Double> rates, double rate, Verb... verbs) {
      checkArgument(rate >= 0 && rate <= 1, "rate must be in [0, 1]");
      for (Verb verb : verbs.length == 0 ? Verb.values() : verbs) {
        rates.put(verb, rate);
      }
      return this;
    }

    public FaultInjector build() {
      return new FaultInjector(this);
    }
  }
}
