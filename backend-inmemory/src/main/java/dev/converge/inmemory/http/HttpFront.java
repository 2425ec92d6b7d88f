package dev.converge.inmemory.http;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The Kubernetes REST API of an in-memory {@link ApiServer} over HTTPS (or plain HTTP) on loopback: discovery, OpenAPI v2 and v3,
 * CRUD, list and watch (chunked streams with bookmarks and 410), patches including server-side apply, the
 * status subresource and {@code Table} output, authenticated by bearer tokens. {@code kubectl}, client-java and
 * fabric8's client talk to it as to a real cluster.
 *
 * <p>In-process use (tests, benchmarks, backend-k8s):
 * <pre>{@code
 * InMemoryCluster cluster = InMemoryCluster.create(Ticker.system(), 42);
 * try (HttpFront front = HttpFront.builder(cluster.server()).adminToken("admin-token").start()) {
 *   String url = front.url();                          // https://127.0.0.1:<free port>
 *   String kubeconfig = front.kubeconfig("admin-token"); // a kubeconfig for kubectl or ClientBuilder
 * }
 * }</pre>
 *
 * <p>Connections are kept alive and served by a pool of reused threads (the JDK server's HTTP/1.1
 * keep-alive); a watch holds its connection's thread for its lifetime and ends at its {@code timeoutSeconds}
 * (default {@link Builder#defaultWatchTimeout(Duration) 30 minutes}, kube-apiserver's
 * {@code --min-request-timeout}). {@link #close()} ends every watch and stops the server.
 */
public final class HttpFront implements AutoCloseable {
  static {
    // The JDK server sends headers and body in separate writes; without TCP_NODELAY Nagle's algorithm holds the
    // body back until the client's delayed ACK (40 ms) on every keep-alive request. Read once, at class load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer http;
  private final @Nullable SelfSignedTls tls;
  private final ExecutorService connections;
  private final ScheduledExecutorService timers;
  private final ApiHandler handler;
  private final Authenticator authenticator;

  private HttpFront(Builder builder) {
    this.authenticator = new Authenticator(ImmutableMap.copyOf(builder.tokens), builder.server);
    this.connections = Executors.newCachedThreadPool(threads("converge-http"));
    this.timers = Executors.newSingleThreadScheduledExecutor(threads("converge-http-timer"));
    this.tls = builder.tls ? SelfSignedTls.create() : null;
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), builder.port);
      if (tls != null) {
        HttpsServer https = HttpsServer.create(address, 128);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.context()));
        this.http = https;
      } else {
        this.http = HttpServer.create(address, 128);
      }
    } catch (IOException e) {
      connections.shutdownNow();
      timers.shutdownNow();
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + builder.port, e);
    }
    this.handler = new ApiHandler(builder.server, authenticator, timers, builder.defaultWatchTimeout,
        "127.0.0.1:" + http.getAddress().getPort());
    http.createContext("/", handler);
    if (builder.metrics != null) {
      http.createContext("/metrics", new MetricsEndpoint(authenticator, builder.metrics));
    }
    http.setExecutor(connections);
    http.start();
    // The cacher's bookmark timer, so that a quiet server's watches get theirs on time too.
    timers.scheduleAtFixedRate(builder.server::dispatchBookmarks, 1, 1, TimeUnit.SECONDS);
    if (!builder.bookmarkInterval.isZero()) {
      long millis = builder.bookmarkInterval.toMillis();
      timers.scheduleAtFixedRate(builder.server::bookmark, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** A builder for a front over {@code server}. */
  public static Builder builder(ApiServer server) {
    return new Builder(server);
  }

  /** The port it listens on (chosen by the system when the builder asked for port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  /**
   * {@code https://127.0.0.1:<port>} (or {@code http://} without TLS): the {@code server} of a kubeconfig, the base
   * path of client-java.
   */
  public String url() {
    return (tls != null ? "https" : "http") + "://127.0.0.1:" + port();
  }

  /** The PEM of the server's self-signed certificate, which clients must trust; empty without TLS. */
  public String certificatePem() {
    return tls == null ? "" : tls.pem();
  }

  /**
   * A kubeconfig that reaches this front with {@code token}: one cluster, user and context, each named
   * {@code converge}, the context current.
   */
  public String kubeconfig(String token) {
    checkArgument(authenticator.tokens().contains(token), "no identity has this token");
    return Kubeconfig.text(url(), certificatePem(), token, "converge");
  }

  /** Open watch streams. */
  public int openWatches() {
    return handler.openWatches();
  }

  /** Ends every watch, stops accepting connections and stops the threads. */
  @Override
  public void close() {
    handler.closeWatches();
    http.stop(0);
    timers.shutdownNow();
    connections.shutdownNow();
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** How to build a front; {@link HttpFront#builder(ApiServer)}. */
  public static final class Builder {
    private final ApiServer server;
    private final Map<String, Identity> tokens = new LinkedHashMap<>();
    private int port;
    private Duration bookmarkInterval = Duration.ZERO;
    private Duration defaultWatchTimeout = Duration.ofMinutes(30);
    private boolean tls = true;
    private @Nullable Supplier<String> metrics;

    private Builder(ApiServer server) {
      this.server = server;
    }

    /** The port to listen on; 0 (the default) lets the system choose a free one. */
    public Builder port(int value) {
      checkArgument(value >= 0 && value <= 65535, "port out of range: %s", value);
      this.port = value;
      return this;
    }

    /** Requests with {@code Authorization: Bearer <token>} act as {@code identity}. */
    public Builder token(String token, Identity identity) {
      checkArgument(!token.isBlank() && token.trim().equals(token), "a token must be non-blank without spaces");
      checkState(!tokens.containsKey(token), "token given twice");
      tokens.put(token, identity);
      return this;
    }

    /** {@code token} acts as {@code system:admin} in {@code system:masters} (a cluster-admin kubeconfig). */
    public Builder adminToken(String token) {
      return token(token, Identity.admin());
    }

    /**
     * How often every watch that asked for bookmarks gets one besides those the server schedules itself (each
     * watch's a minute after its last, and two seconds before its {@code timeoutSeconds} ends it); zero, the
     * default, for none besides (tests ask for them often).
     */
    public Builder bookmarkInterval(Duration value) {
      checkArgument(!value.isNegative(), "negative interval");
      this.bookmarkInterval = value;
      return this;
    }

    /** How long a watch without {@code timeoutSeconds} lasts. */
    public Builder defaultWatchTimeout(Duration value) {
      checkArgument(!value.isNegative() && !value.isZero(), "the timeout must be positive");
      this.defaultWatchTimeout = value;
      return this;
    }

    /**
     * Serves plain HTTP instead of HTTPS. Client libraries send bearer tokens over plain HTTP and save the TLS
     * handshake; kubectl does not (client-go's {@code clientcmd} sends credentials only to {@code https} servers),
     * so kubectl needs the default, TLS with a fresh self-signed certificate that the kubeconfig trusts.
     */
    public Builder plainHttp() {
      this.tls = false;
      return this;
    }

    /**
     * Serves {@code GET /metrics} with what {@code scrape} returns, in the Prometheus text format (for example a
     * Micrometer {@code PrometheusMeterRegistry::scrape}). As on kube-apiserver, the caller authenticates; it must
     * be in {@code system:masters} (the admin token is).
     */
    public Builder metrics(Supplier<String> scrape) {
      this.metrics = scrape;
      return this;
    }

    /** Binds the port and starts serving. @throws UncheckedIOException if the port is taken */
    public HttpFront start() {
      checkState(!tokens.isEmpty(), "give at least one token: every request must authenticate");
      return new HttpFront(this);
    }
  }
}
