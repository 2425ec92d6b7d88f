package dev.converge.inmemory.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writing responses. One object is serialized to bytes first and sent with a {@code Content-Length}, so the
 * connection stays open for the next request (keep-alive) and the answer leaves in one write; collections
 * are streamed item by item through a chunked body, so a 100,000-object list never exists as one string.
 */
final class Responses {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final String JSON = "application/json";

  private Responses() {}

  static void json(HttpExchange exchange, int code, JsonNode body) throws IOException {
    bytes(exchange, code, JSON, MAPPER.writeValueAsBytes(body));
  }

  static void text(HttpExchange exchange, int code, String body) throws IOException {
    bytes(exchange, code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  static void bytes(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
    exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A {@code <Kind>List}, streamed: {@code kind}, {@code apiVersion}, {@code metadata}, then each item. */
  static void list(HttpExchange exchange, String listKind, String apiVersion, String resourceVersion,
      @org.jspecify.annotations.Nullable String continueToken, List<? extends JsonNode> items) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", JSON);
    exchange.getResponseHeaders().set("Cache-Control", "no-cache, private");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = new BufferedOutputStream(exchange.getResponseBody(), 1 << 16);
        JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
      generator.writeStartObject();
      generator.writeStringField("kind", listKind);
      generator.writeStringField("apiVersion", apiVersion);
      generator.writeObjectFieldStart("metadata");
      generator.writeStringField("resourceVersion", resourceVersion);
      if (continueToken != null) {
        generator.writeStringField("continue", continueToken);
      }
      generator.writeEndObject();
      generator.writeArrayFieldStart("items");
      for (JsonNode item : items) {
        MAPPER.writeTree(generator, item);
      }
      generator.writeEndArray();
      generator.writeEndObject();
    }
  }
}
