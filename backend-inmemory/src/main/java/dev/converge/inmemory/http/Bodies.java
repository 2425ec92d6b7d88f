package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reading request bodies: JSON, YAML where Kubernetes accepts it ({@code application/apply-patch+yaml}, {@code
 * application/yaml}), and Kubernetes' protobuf encoding of built-in kinds ({@link ProtobufBodies}), which
 * client-go's typed clients send by default. Other encodings (CBOR) are refused with 415.
 */
final class Bodies {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Bodies() {}

  /** The body as a JSON tree; {@code null} for an empty body. */
  static @org.jspecify.annotations.Nullable JsonNode read(HttpExchange exchange) throws IOException {
    byte[] bytes;
    try (InputStream in = exchange.getRequestBody()) {
      bytes = in.readAllBytes();
    }
    int start = 0;
    while (start < bytes.length && Character.isWhitespace(bytes[start])) {
      start++;
    }
    if (start == bytes.length) {
      return null;
    }
    String contentType = contentType(exchange);
    if (ProtobufBodies.isProtobuf(contentType)) {
      return ProtobufBodies.decode(bytes);
    }
    if (contentType.contains("protobuf") || contentType.contains("cbor")) {
      throw FrontException.unsupportedBodyType(contentType);
    }
    boolean json = bytes[start] == '{' || bytes[start] == '[';
    try {
      return json ? Responses.MAPPER.readTree(bytes) : YAML.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("the body of the request could not be decoded: " + getOriginalMessage(e), e);
    }
  }

  /** The body, which must be a JSON object. */
  static ObjectNode readObject(HttpExchange exchange) throws IOException {
    JsonNode body = read(exchange);
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the body of the request must be a JSON object");
    }
    return (ObjectNode) body;
  }

  static String contentType(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst("Content-Type");
    return value == null ? "" : value.trim();
  }

  private static String getOriginalMessage(IOException e) {
    return e instanceof com.fasterxml.jackson.core.JsonProcessingException processing
        ? processing.getOriginalMessage() : String.valueOf(e.getMessage());
  }
}
