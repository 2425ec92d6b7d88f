package dev.converge.inmemory.server;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import dev.converge.api.ResourceTypes;
import dev.converge.api.Ticker;
import dev.converge.inmemory.watch.WatchDispatcher;
import dev.converge.inmemory.watch.WatchFaults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.converge.inmemory.store.ObjectStore;
import org.jspecify.annotations.Nullable;

/**
 * How to build an {@link ApiServer}. Everything has a default except the ticker.
 *
 * @param ticker the source of time ({@code creationTimestamp}, deletion timestamps, bookmarks)
 * @param seed feeds every random draw (uids, generated names)
 * @param historyLimit changes kept per kind for watches and list continuations (the watch-cache window), at
 *     least: a change younger than {@code historyFreshness} is kept past it
 * @param historyFreshness how long a change is kept past {@code historyLimit}, up to {@link
 *     ObjectStore#HISTORY_UPPER_BOUND} changes of the kind: kube-apiserver's watch cache doubles its window (up to 100 ×
 *     1,024 events) while its oldest event is younger than 75 s ({@code watch_cache.go}: {@code
 *     eventFreshDuration}, {@code upperBoundCapacity}), so that a watch resumed from a resourceVersion a minute
 *     old, a reflector's after its watch timed out, is served and not answered 410 Gone; {@link Duration#ZERO}
 *     keeps {@code historyLimit} changes and no more
 * @param bookmarkInterval how often a watch that asked for bookmarks gets one, counted from when it opened or got
 *     its last (ticker time; the cacher's {@code defaultBookmarkFrequency}, a minute); a watch opened with a timeout
 *     also gets one two seconds before it ends. Due bookmarks go out about every second, after a request ({@link
 *     ApiServer#dispatchBookmarks}). Zero for none
 * @param serviceCidr the service IP range, {@code 10.96.0.0/12} by default (kubeadm's default)
 * @param types the kinds served at start; CRDs add more
 * @param dispatcher where watch events are delivered
 * @param watchFaults which watches get dropped
 * @param interceptors wrap every request, first outermost
 * @param patchEngine the patch/apply algorithms; null serves no patches (see {@link PatchEngine})
 * @param eventTtl how long an Event lives after its last write (kube-apiserver's {@code --event-ttl}, one hour
 *     by default)
 */
public record ServerConfig(
    Ticker ticker,
    long seed,
    int historyLimit,
    Duration historyFreshness,
    Duration bookmarkInterval,
    String serviceCidr,
    ResourceTypes types,
    WatchDispatcher dispatcher,
    WatchFaults watchFaults,
    ImmutableList<RequestInterceptor> interceptors,
    @Nullable PatchEngine patchEngine,
    Duration eventTtl) {

  /** The watch cache's {@code eventFreshDuration} (kube-apiserver 1.32: {@code DefaultEventFreshDuration}). */
  public static final Duration DEFAULT_HISTORY_FRESHNESS = Duration.ofSeconds(75);

  public ServerConfig {
    checkArgument(eventTtl.compareTo(Duration.ofSeconds(1)) >= 0, "eventTtl must be at least one second: %s", eventTtl);
    checkArgument(historyLimit > 0, "historyLimit must be positive");
    checkArgument(!historyFreshness.isNegative(), "historyFreshness must not be negative: %s", historyFreshness);
    checkArgument(serviceCidr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+"), "serviceCidr must be an IPv4 CIDR: %s", serviceCidr);
  }

  public static Builder builder(Ticker ticker) {
    return new Builder(ticker);
  }

  /** A builder; {@link ServerConfig#builder(Ticker)}. */
  public static final class Builder {
    private final Ticker ticker;
    private long seed = 1;
    private int historyLimit = 10_000;
    private Duration historyFreshness = DEFAULT_HISTORY_FRESHNESS;
    private Duration bookmarkInterval = Duration.ofMinutes(1);
    private String serviceCidr = "10.96.0.0/12";
    private ResourceTypes types = ResourceTypes.builtins();
    private WatchDispatcher dispatcher = WatchDispatcher.synchronous();
    private WatchFaults watchFaults = WatchFaults.NONE;
    private final List<RequestInterceptor> interceptors = new ArrayList<>();
    private @Nullable PatchEngine patchEngine;
    private Duration eventTtl = Duration.ofHours(1);

    private Builder(Ticker ticker) {
      this.ticker = ticker;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    public Builder historyLimit(int value) {
      this.historyLimit = value;
      return this;
    }

    /** How long a change is kept past {@link #historyLimit}; {@link Duration#ZERO} to keep only that many. */
    public Builder historyFreshness(Duration value) {
      this.historyFreshness = value;
      return this;
    }

    public Builder bookmarkInterval(Duration value) {
      this.bookmarkInterval = value;
      return this;
    }

    public Builder serviceCidr(String value) {
      this.serviceCidr = value;
      return this;
    }

    public Builder types(ResourceTypes value) {
      this.types = value;
      return this;
    }

    public Builder dispatcher(WatchDispatcher value) {
      this.dispatcher = value;
      return this;
    }

    public Builder watchFaults(WatchFaults value) {
      this.watchFaults = value;
      return this;
    }

    public Builder interceptor(RequestInterceptor value) {
      this.interceptors.add(value);
      return this;
    }

    public Builder patchEngine(@Nullable PatchEngine value) {
      this.patchEngine = value;
      return this;
    }

    /** How long an Event lives after its last write; one hour by default, as kube-apiserver's {@code --event-ttl}. */
    public Builder eventTtl(Duration value) {
      this.eventTtl = value;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(ticker, seed, historyLimit, historyFreshness, bookmarkInterval, serviceCidr, types, dispatcher,
          watchFaults, ImmutableList.copyOf(interceptors), patchEngine, eventTtl);
    }
  }
}
