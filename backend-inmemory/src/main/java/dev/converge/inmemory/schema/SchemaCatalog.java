package dev.converge.inmemory.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableMap;
import dev.converge.api.GroupKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The OpenAPI v3 schemas of the built-in kinds, read from {@code builtin-schemas.json} beside this class: a map
 * from {@code group/Kind} to the kind's schema name, and the schemas themselves, named as Kubernetes names them
 * ({@code io.k8s.api.apps.v1.Deployment}) and linked by {@code #/components/schemas/<name>} references. The file is
 * generated from the Kubernetes models client-java is generated from ({@code BuiltinSchemasGenerator} in the
 * tests), so field names, types, required fields and descriptions are Kubernetes' own.
 */
public final class SchemaCatalog {
  public static final String REF_PREFIX = "#/components/schemas/";
  public static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
  private static final String RESOURCE = "builtin-schemas.json";

  private final ImmutableMap<String, String> kinds;
  private final ImmutableMap<String, ObjectNode> schemas;

  private SchemaCatalog(ImmutableMap<String, String> kinds, ImmutableMap<String, ObjectNode> schemas) {
    this.kinds = kinds;
    this.schemas = schemas;
  }

  /** The catalog bundled with this module, read once per class loader (it is immutable). */
  public static SchemaCatalog bundled() {
    return Bundled.CATALOG;
  }

  /** Lazy holder: the half-megabyte file is parsed on first use, not by every server. */
  private static final class Bundled {
    static final SchemaCatalog CATALOG = read();
  }

  private static SchemaCatalog read() {
    try (InputStream in = SchemaCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return of(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SchemaCatalog of(JsonNode document) {
    ImmutableMap.Builder<String, String> kinds = ImmutableMap.builder();
    for (Map.Entry<String, JsonNode> kind : document.path("kinds").properties()) {
      kinds.put(kind.getKey(), kind.getValue().asText());
    }
    ImmutableMap.Builder<String, ObjectNode> schemas = ImmutableMap.builder();
    for (Map.Entry<String, JsonNode> schema : document.path("schemas").properties()) {
      schemas.put(schema.getKey(), (ObjectNode) schema.getValue());
    }
    return new SchemaCatalog(kinds.buildOrThrow(), schemas.buildOrThrow());
  }

  /** The schema name of a built-in kind, if the catalog has it. */
  public Optional<String> kindSchema(GroupKind kind) {
    return Optional.ofNullable(kinds.get(kind.group() + "/" + kind.kind()));
  }

  /** A mutable copy of the named schema. */
  public Optional<ObjectNode> schema(String name) {
    ObjectNode schema = schemas.get(name);
    return schema == null ? Optional.empty() : Optional.of(schema.deepCopy());
  }

  /** Every catalog schema that {@code roots} reference, transitively, by name (the roots themselves excluded). */
  public Map<String, ObjectNode> referencedFrom(Iterable<? extends JsonNode> roots) {
    Map<String, ObjectNode> result = new TreeMap<>();
    Deque<JsonNode> pending = new ArrayDeque<>();
    roots.forEach(pending::add);
    while (!pending.isEmpty()) {
      JsonNode node = pending.pop();
      if (node.isObject()) {
        JsonNode ref = node.get("$ref");
        if (ref != null && ref.isTextual() && ref.asText().startsWith(REF_PREFIX)) {
          String name = ref.asText().substring(REF_PREFIX.length());
          ObjectNode target = schemas.get(name);
          if (target != null && !result.containsKey(name)) {
            result.put(name, target);
            pending.push(target);
          }
        }
      }
      if (node.isContainerNode()) {
        node.forEach(pending::push);
      }
    }
    return result;
  }

  public int size() {
    return schemas.size();
  }
}
