package dev.converge.inmemory.accounting;

import dev.converge.api.Ticker;
import dev.converge.inmemory.server.ApiServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The in-memory API server's Micrometer meters, in a registry the embedding passes in (never a global one), fed
 * by its request log ({@link RequestLog#subscribe}):
 *
 * <ul>
 *   <li>{@value #REQUESTS} (counter) — requests answered, by {@code identity}, {@code verb}, {@code resource}
 *       ({@code resource/subresource}) and {@code code}, as kube-apiserver's {@code apiserver_request_total};
 *   <li>{@value #REJECTIONS} (counter) — requests refused, by {@code identity}, {@code verb} and {@code reason}:
 *       {@code throttled} (429 from priority and fairness, {@code apiserver_flowcontrol_rejected_requests_total})
 *       or {@code forbidden} (403 from RBAC or admission);
 *   <li>{@value #LATENCY} (timer) — request latency, by {@code identity} and {@code verb}, watches left out (they
 *       last as long as the client wants): the load model's simulated latency when one is installed, else the
 *       server ticker's time from arrival to answer;
 *   <li>{@value #WATCH_EVENTS} (counter) — events sent to watches, BOOKMARKs included, by the watching {@code
 *       identity} and the watched {@code resource}, as kube-apiserver's {@code apiserver_watch_events_total} (which
 *       has no identity label); watches opened before {@link #bind} are not counted.
 * </ul>
 *
 * Kubelets ({@code system:node:<name>}) share one {@code identity} tag value, {@code system:node:*}, so that a
 * 5,000-node cluster has one series per verb and not 5,000.
 */
public final class ApiServerMetrics {
  /** Requests answered. */
  public static final String REQUESTS = "converge.apiserver.requests";
  /** Requests refused with 429 or 403. */
  public static final String REJECTIONS = "converge.apiserver.rejections";
  /** Events sent to watches. */
  public static final String WATCH_EVENTS = "converge.apiserver.watch.events";
  /** Request latency. */
  public static final String LATENCY = "converge.apiserver.latency";
  private static final String NODE_PREFIX = "system:node:";

  private final MeterRegistry registry;
  private final Ticker ticker;

  private ApiServerMetrics(MeterRegistry registry, Ticker ticker) {
    this.registry = registry;
    this.ticker = ticker;
  }

  /** Publishes {@code server}'s requests from now on to {@code registry}. */
  public static ApiServerMetrics bind(ApiServer server, MeterRegistry registry) {
    ApiServerMetrics metrics = new ApiServerMetrics(registry, server.ticker());
    server.requests().subscribe(metrics::record);
    server.addWatchEventCounter(watcher -> {
      Counter events = Counter.builder(WATCH_EVENTS)
          .description("Events sent to watches, BOOKMARKs included, by watching identity and watched resource")
          .tag("identity", tagged(watcher.identity().name()))
          .tag("resource", watcher.type().plural())
          .register(registry);
      return type -> events.increment();
    });
    return metrics;
  }

  /** The {@code identity} tag value: kubelets share one. */
  private static String tagged(String identity) {
    return identity.startsWith(NODE_PREFIX) ? NODE_PREFIX + "*" : identity;
  }

  /** Counts one answered request; called on the thread that made it, right after it was answered. */
  void record(RequestRecord record) {
    String identity = tagged(record.identity());
    Counter.builder(REQUESTS)
        .description("API requests answered, by identity, verb, resource and HTTP code")
        .tag("identity", identity)
        .tag("verb", record.verb())
        .tag("resource", record.resourceWithSubresource())
        .tag("code", Integer.toString(record.code()))
        .register(registry)
        .increment();
    String reason = record.code() == 429 ? "throttled" : record.code() == 403 ? "forbidden" : null;
    if (reason != null) {
      Counter.builder(REJECTIONS)
          .description("API requests refused: throttled by priority and fairness (429) or forbidden (403)")
          .tag("identity", identity)
          .tag("verb", record.verb())
          .tag("reason", reason)
          .register(registry)
          .increment();
    }
    if (!record.verb().equals("watch")) {
      long latency = record.latencyNanos() > 0 ? record.latencyNanos() : Math.max(0, ticker.nanoTime() - record.startNanos());
      Timer.builder(LATENCY)
          .description("API request latency (simulated when a load model is installed), watches left out")
          .tag("identity", identity)
          .tag("verb", record.verb())
          .register(registry)
          .record(latency, TimeUnit.NANOSECONDS);
    }
  }
}
