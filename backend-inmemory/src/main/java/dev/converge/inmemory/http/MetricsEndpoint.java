package dev.converge.inmemory.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code GET /metrics}: the embedding's meters in the Prometheus text format. As on kube-apiserver the scraper
 * authenticates with a bearer token and must be allowed to get the non-resource URL {@code /metrics} (there, by
 * the {@code system:monitoring} role); this server's RBAC has no non-resource rules, so only members of {@code
 * system:masters} (the admin token) may scrape.
 */
final class MetricsEndpoint implements HttpHandler {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Authenticator authenticator;
  private final Supplier<String> scrape;

  MetricsEndpoint(Authenticator authenticator, Supplier<String> scrape) {
    this.authenticator = authenticator;
    this.scrape = scrape;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        Responses.text(exchange, 404, "404 page not found\n");
        return;
      }
      Identity identity;
      try {
        identity = authenticator.authenticate(exchange.getRequestHeaders());
      } catch (FrontException e) {
        Responses.text(exchange, e.code(), e.reason() + "\n");
        return;
      }
      if (!identity.isMaster()) {
        Responses.text(exchange, 403, "forbidden: User \"" + identity.name() + "\" cannot get path \"/metrics\"\n");
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        Responses.text(exchange, 405, "405 method not allowed\n");
        return;
      }
      Responses.bytes(exchange, 200, PROMETHEUS_TEXT, scrape.get().getBytes(StandardCharsets.UTF_8));
    }
  }
}
