package dev.converge.k8s;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kubernetes.client.openapi.ApiClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP server that answers scripted responses by method and path, and records every request.
 * It plays the parts of a Kubernetes API server that the fabric8 mock lacks: server-side apply, apply
 * conflicts, Retry-After, chunked watch streams with bookmarks and 410, discovery documents.
 */
final class ScriptedApiServer implements AutoCloseable {
  /** A request as received. */
  record Received(String method, String uri, String contentType, String body) {}

  /** An answer: status, headers, and body chunks (written and flushed one by one, chunked when several). */
  record Reply(int code, Map<String, String> headers, List<String> chunks) {
    static Reply json(int code, String body) {
      return new Reply(code, Map.of("Content-Type", "application/json"), List.of(body));
    }

    static Reply stream(String... lines) {
      return new Reply(200, Map.of("Content-Type", "application/json"), List.of(lines));
    }
  }

  private final HttpServer server;
  private final Map<String, Reply> replies = new ConcurrentHashMap<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  ScriptedApiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Answers {@code method path} (path without query) with {@code reply} from now on. */
  ScriptedApiServer on(String method, String path, Reply reply) {
    replies.put(method + " " + path, reply);
    return this;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  ApiClient client() {
    ApiClient client = new ApiClient();
    client.setBasePath("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getAddress().getPort());
    return client;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
        contentType == null ? "" : contentType, body));
    Reply reply = replies.getOrDefault(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath(),
        Reply.json(404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
            + "\"message\":\"the server could not find the requested resource\"}"));
    reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    boolean chunked = reply.chunks().size() > 1;
    byte[] single = chunked ? new byte[0] : reply.chunks().get(0).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply.code(), chunked ? 0 : (single.length == 0 ? -1 : single.length));
    try (OutputStream out = exchange.getResponseBody()) {
      if (chunked) {
        for (String chunk : reply.chunks()) {
          out.write((chunk + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } else {
        out.write(single);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
