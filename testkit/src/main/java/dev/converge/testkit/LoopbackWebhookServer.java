package dev.converge.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.converge.api.Json;
import dev.converge.inmemory.admission.WebhookEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * A webhook server on 127.0.0.1 over real HTTPS, for testing webhook configurations against {@code converge serve}
 * (or an in-memory server that calls webhooks over the network), as envtest runs an operator's webhook server: a
 * configuration names its {@link #url}, or a Service routed to its {@link #address} ({@code WebhookEndpoints.serviceAt},
 * {@code converge serve --webhook-service}). Each start makes a fresh self-signed certificate for {@code 127.0.0.1},
 * {@code localhost} and any names asked for (a Service's {@code <name>.<namespace>.svc}), with the running JDK's
 * {@code keytool}; its PEM is the {@link #caBundle()} a configuration trusts.
 *
 * <p>It serves a {@link WebhookEndpoint} (the review in, the review out, as JSON; an {@link
 * WebhookEndpoint.ErrorResponse} is a 500 with its message) or, for tests of what a misbehaving server does, any
 * {@link HttpHandler}. Every request is recorded as {@code METHOD PATH?QUERY} ({@link #requests()}).
 */
public final class LoopbackWebhookServer implements AutoCloseable {
  private static final String PASSWORD = "changeit";

  private final HttpsServer server;
  private final ExecutorService threads;
  private final String caBundle;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private LoopbackWebhookServer(HttpsServer server, ExecutorService threads, String caBundle) {
    this.server = server;
    this.threads = threads;
    this.caBundle = caBundle;
  }

  /**
   * Serves {@code endpoint} on every path.
   *
   * @param endpoint answers each review
   * @return the running server
   * @throws UncheckedIOException when the certificate cannot be made or the port opened
   */
  public static LoopbackWebhookServer start(WebhookEndpoint endpoint) {
    return start(endpoint, List.of());
  }

  /**
   * Serves {@code endpoint} on every path, with a certificate valid for {@code dnsNames} too.
   *
   * @param endpoint answers each review
   * @param dnsNames names the certificate is valid for besides {@code 127.0.0.1} and {@code localhost}, such as
   *     {@code webhook-service.system.svc} for a Service-addressed configuration
   * @return the running server
   * @throws UncheckedIOException when the certificate cannot be made or the port opened
   */
  public static LoopbackWebhookServer start(WebhookEndpoint endpoint, List<String> dnsNames) {
    return start(dnsNames, exchange -> {
      JsonNode review = Json.parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] answer;
      int code;
      try {
        answer = Json.write(endpoint.post(exchange.getRequestURI().getPath(), review)).getBytes(StandardCharsets.UTF_8);
        code = 200;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
      } catch (WebhookEndpoint.ErrorResponse e) {
        answer = String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8);
        code = 500;
      }
      exchange.sendResponseHeaders(code, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
  }

  /**
   * Serves {@code handler} on every path.
   *
   * @param handler answers each request
   * @return the running server
   * @throws UncheckedIOException when the certificate cannot be made or the port opened
   */
  public static LoopbackWebhookServer start(HttpHandler handler) {
    return start(List.of(), handler);
  }

  private static LoopbackWebhookServer start(List<String> dnsNames, HttpHandler handler) {
    StringBuilder names = new StringBuilder("SAN=ip:127.0.0.1,dns:localhost");
    for (String name : dnsNames) {
      if (!name.matches("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
        throw new IllegalArgumentException("not a DNS name: " + name);
      }
      names.append(",dns:").append(name);
    }
    @Nullable Path dir = null;
    try {
      dir = Files.createTempDirectory("converge-webhook");
      Path store = dir.resolve("webhook.p12");
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      run(keytool.toString(), "-genkeypair", "-alias", "webhook", "-keyalg", "RSA", "-keysize", "2048", "-validity",
          "2", "-dname", "CN=127.0.0.1", "-ext", names.toString(), "-keystore", store.toString(),
          "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
      Path pem = dir.resolve("webhook.pem");
      run(keytool.toString(), "-exportcert", "-rfc", "-alias", "webhook", "-keystore", store.toString(),
          "-storepass", PASSWORD, "-file", pem.toString());
      String caBundle = Base64.getEncoder().encodeToString(Files.readAllBytes(pem));

      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, PASSWORD.toCharArray());
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keyManagers.getKeyManagers(), null, null);

      HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(tls));
      ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "loopback-webhook");
        thread.setDaemon(true);
        return thread;
      });
      server.setExecutor(threads);
      LoopbackWebhookServer started = new LoopbackWebhookServer(server, threads, caBundle);
      server.createContext("/", exchange -> {
        started.requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
        handler.handle(exchange);
      });
      server.start();
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serve TLS with the certificate keytool made", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** {@return the URL of {@code path} on this server} such as {@code https://127.0.0.1:41234/mutate} */
  public String url(String path) {
    return "https://" + address() + path;
  }

  /** {@return where the server listens, as {@code host:port}} such as {@code 127.0.0.1:41234} */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@return the certificate the server presents, PEM in base64: a webhook configuration's {@code caBundle}} */
  public String caBundle() {
    return caBundle;
  }

  /** {@return every request received, in order, as {@code METHOD PATH?QUERY}} */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }

  private static void run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void deleteQuietly(@Nullable Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // a temporary directory left behind
    }
  }
}
