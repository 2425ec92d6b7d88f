package dev.converge.inmemory.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The CEL type of each node of a structural schema, as {@code SchemaDeclType} (apiextensions-apiserver's {@code
 * schema/cel/model/schemas.go}) declares it, and the type provider through which the checker finds the object
 * types by name:
 *
 * <ul>
 *   <li>{@code x-kubernetes-int-or-string}: {@code dyn}; {@code integer}, {@code number}, {@code boolean}:
 *       {@code int}, {@code double}, {@code bool}; {@code string}: {@code string}, or {@code bytes}, {@code
 *       duration} or {@code timestamp} for the formats {@code byte}, {@code duration}, {@code date} and {@code
 *       date-time};
 *   <li>an array: a list of its items' type; an object with {@code additionalProperties}: a map from string to
 *       their type; an object with {@code properties}: an object type whose fields are the properties CEL can
 *       name ({@link CelNames}); an object with neither: an object type without fields;
 *   <li>the root and every {@code x-kubernetes-embedded-resource} carry {@code apiVersion}, {@code kind} and a
 *       {@code metadata} of {@code name} and {@code generateName} only;
 *   <li>a node without a type (preserve-unknown-fields without {@code type}) has none: its parent leaves it out.
 * </ul>
 *
 * <p>Object types are named by their path below the rule's node ({@code selfType}, {@code selfType.spec}, …), as
 * Kubernetes assigns names below its {@code selfType<n>}.
 */
final class SchemaTypes implements CelTypeProvider {
  static final String ROOT = "selfType";

  private final Map<String, CelType> objects = new LinkedHashMap<>();

  /** The type of {@code schema} and of everything below it, registered here; null when the node has none. */
  @Nullable CelType declare(JsonNode schema, boolean resourceRoot) {
    return declare(schema, resourceRoot, ROOT);
  }

  private @Nullable CelType declare(JsonNode schema, boolean resourceRoot, String name) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      return SimpleType.DYN;
    }
    boolean embedded = resourceRoot || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    String type = schema.path("type").asText("");
    if (type.isEmpty() && embedded) {
      type = "object";
    }
    switch (type) {
      case "integer":
        return SimpleType.INT;
      case "number":
        return SimpleType.DOUBLE;
      case "boolean":
        return SimpleType.BOOL;
      case "string":
        return switch (schema.path("format").asText("")) {
          case "byte" -> SimpleType.BYTES;
          case "duration" -> SimpleType.DURATION;
          case "date", "date-time" -> SimpleType.TIMESTAMP;
          default -> SimpleType.STRING;
        };
      case "array": {
        JsonNode items = schema.path("items");
        CelType item = items.isObject() ? declare(items, false, name + ".@idx") : null;
        return item == null ? null : ListType.create(item);
      }
      case "object":
        return object(schema, embedded, name);
      default:
        return null;
    }
  }

  private @Nullable CelType object(JsonNode schema, boolean embedded, String name) {
    JsonNode additional = schema.path("additionalProperties");
    if (additional.isObject() && !embedded) {
      CelType value = declare(additional, false, name + ".@elem");
      return value == null ? null : MapType.create(SimpleType.STRING, value);
    }
    Map<String, CelType> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      if (embedded && property.getKey().equals("metadata")) {
        continue;
      }
      Optional<String> field = CelNames.escape(property.getKey());
      CelType fieldType = field.isEmpty() ? null : declare(property.getValue(), false, name + "." + field.get());
      if (fieldType != null) {
        fields.put(field.get(), fieldType);
      }
    }
    if (embedded) {
      fields.put("apiVersion", SimpleType.STRING);
      fields.put("kind", SimpleType.STRING);
      fields.put("metadata", register(name + ".metadata",
          Map.of("name", SimpleType.STRING, "generateName", SimpleType.STRING)));
    }
    return register(name, fields);
  }

  private StructType register(String name, Map<String, CelType> fields) {
    Map<String, CelType> copy = Map.copyOf(fields);
    StructType struct = StructType.create(name, ImmutableSet.copyOf(fields.keySet()),
        field -> Optional.ofNullable(copy.get(field)));
    objects.put(name, struct);
    return struct;
  }

  /** Whether {@link #declare} gives {@code schema} a type (without registering anything). */
  static boolean hasType(JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)
        || schema.path("x-kubernetes-embedded-resource").asBoolean(false)) {
      return true;
    }
    return switch (schema.path("type").asText("")) {
      case "integer", "number", "boolean", "string" -> true;
      case "array" -> schema.path("items").isObject() && hasType(schema.path("items"));
      case "object" -> !schema.path("additionalProperties").isObject() || hasType(schema.path("additionalProperties"));
      default -> false;
    };
  }

  @Override
  public ImmutableCollection<CelType> types() {
    return ImmutableList.copyOf(objects.values());
  }

  @Override
  public Optional<CelType> findType(String typeName) {
    return Optional.ofNullable(objects.get(typeName));
  }

  /** The JSON type a schema node declares, as an error shows it ({@code "object"}; empty for int-or-string). */
  static String shownType(JsonNode schema) {
    return schema.path("x-kubernetes-int-or-string").asBoolean(false) ? "" : schema.path("type").asText("");
  }
}
