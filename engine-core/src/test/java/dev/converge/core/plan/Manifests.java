package dev.converge.core.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads manifests for tests with Jackson's YAML reader (the real manifest reader lives in the CLI). */
final class Manifests {
  private static final YAMLMapper YAML = new YAMLMapper();

  /** The hand-written datadog stack, relative to the engine-core module. */
  static final Path DATADOG_STACK = Path.of("..", "examples", "manifests", "datadog-stack");

  private Manifests() {}

  /** Every document of every {@code *.yaml} file in {@code dir}, files in name order. */
  static List<Resource> readDir(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Resource> result = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        result.addAll(read(Files.readString(file)));
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-empty document of a multi-document YAML text. */
  static List<Resource> read(String yaml) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      List<Resource> result = new ArrayList<>();
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && !doc.isEmpty()) {
          result.add(Resource.of(doc));
        }
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One resource from YAML text. */
  static Resource yaml(String yaml) {
    List<Resource> docs = read(yaml);
    if (docs.size() != 1) {
      throw new IllegalArgumentException("expected one document, got " + docs.size());
    }
    return docs.get(0);
  }

  /** One resource from JSON text. */
  static Resource json(String json) {
    return Resource.of(Json.parse(json));
  }
}
