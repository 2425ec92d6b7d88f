package dev.converge.examples.datadog.decode;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A small structural schema: the one description of the DatadogAgent's fields from which both the strict
 * decoder ({@link SpecChecker}) and the CRD's OpenAPI schema ({@code install.AgentCrdSchema}) are derived, so the
 * two can never disagree about which fields exist.
 *
 * <p>Types follow OpenAPI v3 as Kubernetes structural schemas use it: {@code string}, {@code boolean}, {@code
 * integer}, {@code object} with named properties, {@code object} used as a map ({@code additionalProperties}),
 * and {@code array}.
 */
public final class SpecSchema {

  /** The JSON type a schema accepts. */
  public enum Type {
    STRING("string"),
    BOOLEAN("boolean"),
    INTEGER("integer"),
    OBJECT("object"),
    MAP("object"),
    ARRAY("array");

    private final String openApiName;

    Type(String openApiName) {
      this.openApiName = openApiName;
    }

    /** The OpenAPI type name, which is also what error messages say was expected. */
    public String openApiName() {
      return openApiName;
    }
  }

  private final Type type;
  private final String description;
  private final ImmutableMap<String, SpecSchema> properties;
  private final @Nullable SpecSchema items;
  private final ImmutableList<String> enumValues;

  private SpecSchema(Type type, String description, ImmutableMap<String, SpecSchema> properties, @Nullable SpecSchema items,
      ImmutableList<String> enumValues) {
    this.type = type;
    this.description = description;
    this.properties = properties;
    this.items = items;
    this.enumValues = enumValues;
  }

  public static SpecSchema string(String description) {
    return new SpecSchema(Type.STRING, description, ImmutableMap.of(), null, ImmutableList.of());
  }

  /** A string restricted to {@code values}. */
  public static SpecSchema enumeration(String description, String... values) {
    return new SpecSchema(Type.STRING, description, ImmutableMap.of(), null, ImmutableList.copyOf(values));
  }

  public static SpecSchema bool(String description) {
    return new SpecSchema(Type.BOOLEAN, description, ImmutableMap.of(), null, ImmutableList.of());
  }

  public static SpecSchema integer(String description) {
    return new SpecSchema(Type.INTEGER, description, ImmutableMap.of(), null, ImmutableList.of());
  }

  /** An object with exactly the given properties, in the given order. */
  public static SpecSchema object(String description, Property... properties) {
    Map<String, SpecSchema> map = new LinkedHashMap<>();
    for (Property property : properties) {
      if (map.put(property.name(), property.schema()) != null) {
        throw new IllegalArgumentException("duplicate property " + property.name());
      }
    }
    return new SpecSchema(Type.OBJECT, description, ImmutableMap.copyOf(map), null, ImmutableList.of());
  }

  /** An object whose keys are free and whose values all follow {@code values}. */
  public static SpecSchema map(String description, SpecSchema values) {
    return new SpecSchema(Type.MAP, description, ImmutableMap.of(), values, ImmutableList.of());
  }

  /** A map of strings to strings (labels, annotations, node selectors). */
  public static SpecSchema stringMap(String description) {
    return map(description, string(""));
  }

  public static SpecSchema array(String description, SpecSchema items) {
    return new SpecSchema(Type.ARRAY, description, ImmutableMap.of(), items, ImmutableList.of());
  }

  /** A named property of an object schema. */
  public static Property property(String name, SpecSchema schema) {
    return new Property(name, schema);
  }

  public Type type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** The properties of an {@link Type#OBJECT}, in declaration order; empty otherwise. */
  public ImmutableMap<String, SpecSchema> properties() {
    return properties;
  }

  /** The element schema of an {@link Type#ARRAY} or the value schema of a {@link Type#MAP}. */
  public @Nullable SpecSchema items() {
    return items;
  }

  /** The allowed values of an enumerated string; empty when any string is allowed. */
  public ImmutableList<String> enumValues() {
    return enumValues;
  }

  /**
   * A named property of an object schema.
   *
   * @param name the JSON field name
   * @param schema what the field holds
   */
  public record Property(String name, SpecSchema schema) {}
}
