package dev.converge.inmemory.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which fields a kind's objects may carry, compiled from its schema: what kube-apiserver's strict decoding
 * ({@code sigs.k8s.io/json} into the Go types of a built-in kind) and structural pruning (a custom resource
 * against its CRD's {@code openAPIV3Schema}) know about unknown fields. Types, enums and bounds are not its
 * business; only whether each field of an object is declared where it stands.
 *
 * <p>A node is one of: an object with declared {@link #properties} (others unknown), a map whose values all
 * follow {@link #additional}, a list whose items follow {@link #items}, or a value below which anything goes
 * ({@link #ANY}: scalars, {@code x-kubernetes-preserve-unknown-fields}, raw JSON such as {@code FieldsV1}).
 * An object may declare properties and still keep unknown ones ({@code x-kubernetes-preserve-unknown-fields}
 * beside {@code properties} in a CRD schema): its declared fields are still walked.
 */
public final class FieldSchema {
  /** Anything below: nothing is unknown. */
  public static final FieldSchema ANY = new FieldSchema(true);

  private Map<String, FieldSchema> properties = Map.of();
  private @Nullable FieldSchema additional;
  private @Nullable FieldSchema items;
  private final boolean keepsUnknown;

  private FieldSchema(boolean keepsUnknown) {
    this.keepsUnknown = keepsUnknown;
  }

  // ---------------------------------------------------------------- built-in kinds

  /**
   * The schema of a built-in kind from {@code catalog}, or empty if the catalog does not describe it. Objects
   * with neither properties nor {@code additionalProperties} are raw JSON in the Go types ({@code
   * RawExtension}, {@code FieldsV1}, {@code JSON}) and accept anything.
   */
  public static Optional<FieldSchema> builtin(SchemaCatalog catalog, GroupKind kind) {
    return catalog.kindSchema(kind).map(name -> new CatalogCompiler(catalog).named(name));
  }

  /** The catalog schema {@code name} ({@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}); {@link #ANY} if absent. */
  public static FieldSchema named(SchemaCatalog catalog, String name) {
    return new CatalogCompiler(catalog).named(name);
  }

  private static final class CatalogCompiler {
    private final SchemaCatalog catalog;
    private final Map<String, FieldSchema> named = new HashMap<>();

    CatalogCompiler(SchemaCatalog catalog) {
      this.catalog = catalog;
    }

    FieldSchema named(String name) {
      FieldSchema done = named.get(name);
      if (done != null) {
        return done;
      }
      Optional<ObjectNode> schema = catalog.schema(name);
      if (schema.isEmpty()) {
        return ANY;
      }
      if (!schema.get().has("properties") && !schema.get().has("additionalProperties")) {
        named.put(name, ANY);
        return ANY;
      }
      // Registered before its members are compiled, so that recursive types (JSONSchemaProps) end.
      FieldSchema node = new FieldSchema(false);
      named.put(name, node);
      fill(node, schema.get());
      return node;
    }

    FieldSchema of(JsonNode schema) {
      JsonNode ref = reference(schema);
      if (ref != null) {
        return named(ref.asText().substring(SchemaCatalog.REF_PREFIX.length()));
      }
      if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        return ANY;
      }
      String type = schema.path("type").asText("");
      if (type.equals("array")) {
        FieldSchema list = new FieldSchema(false);
        list.items = schema.has("items") ? of(schema.get("items")) : ANY;
        return list;
      }
      if (type.equals("object") && (schema.has("properties") || schema.has("additionalProperties"))) {
        FieldSchema object = new FieldSchema(false);
        fill(object, schema);
        return object;
      }
      return ANY;
    }

    private void fill(FieldSchema node, JsonNode schema) {
      Map<String, FieldSchema> properties = new HashMap<>();
      schema.path("properties").properties().forEach(e -> properties.put(e.getKey(), of(e.getValue())));
      node.properties = properties;
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        node.additional = of(additional);
      }
    }

    private static @Nullable JsonNode reference(JsonNode schema) {
      JsonNode ref = schema.get("$ref");
      if (ref == null && schema.path("allOf").size() == 1) {
        ref = schema.path("allOf").get(0).get("$ref");
      }
      return ref != null && ref.isTextual() && ref.asText().startsWith(SchemaCatalog.REF_PREFIX) ? ref : null;
    }
  }

  // ---------------------------------------------------------------- custom resources

  /**
   * The structural schema of a custom resource version ({@code openAPIV3Schema}), as structural pruning reads
   * it: an object keeps only its {@code properties} (all of its fields follow {@code additionalProperties}
   * when that is a schema) unless it is marked {@code x-kubernetes-preserve-unknown-fields}; an object with
   * neither keeps nothing. {@code apiVersion} and {@code kind} are always allowed at the root and in an
   * {@code x-kubernetes-embedded-resource}, and their {@code metadata} is {@code objectMeta}.
   *
   * @param openApiV3Schema the version's schema
   * @param objectMeta the schema of {@code ObjectMeta}, against which root and embedded metadata are checked
   */
  public static FieldSchema structural(JsonNode openApiV3Schema, FieldSchema objectMeta) {
    FieldSchema root = structuralNode(openApiV3Schema, objectMeta);
    return withResourceFields(root == ANY ? new FieldSchema(true) : root, objectMeta);
  }

  private static FieldSchema structuralNode(JsonNode schema, FieldSchema objectMeta) {
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    String type = schema.path("type").asText("");
    if (type.equals("array")) {
      FieldSchema list = new FieldSchema(false);
      list.items = schema.has("items") ? structuralNode(schema.get("items"), objectMeta) : ANY;
      return list;
    }
    boolean embedded = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
    if (!type.equals("object") && !embedded && !schema.has("properties")) {
      return ANY; // a scalar, int-or-string, or a value preserved whole: nothing below it is a field
    }
    JsonNode additional = schema.get("additionalProperties");
    if (!schema.has("properties") && additional != null && !additional.isObject()) {
      return additional.asBoolean(false) || preserve ? ANY : new FieldSchema(false);
    }
    FieldSchema object = new FieldSchema(preserve);
    Map<String, FieldSchema> properties = new HashMap<>();
    schema.path("properties").properties()
        .forEach(e -> properties.put(e.getKey(), structuralNode(e.getValue(), objectMeta)));
    object.properties = properties;
    if (additional != null && additional.isObject()) {
      object.additional = structuralNode(additional, objectMeta);
    }
    return embedded ? withResourceFields(object, objectMeta) : object;
  }

  private static FieldSchema withResourceFields(FieldSchema object, FieldSchema objectMeta) {
    Map<String, FieldSchema> properties = new HashMap<>(object.properties);
    properties.put("apiVersion", ANY);
    properties.put("kind", ANY);
    properties.put("metadata", objectMeta);
    object.properties = properties;
    return object;
  }

  // ---------------------------------------------------------------- walking objects

  /**
   * The fields of {@code value} this schema does not declare, in document order, each named by its path as
   * Go's strict JSON decoding names it: {@code spec.replicass}, {@code spec.template.spec.containers[0].imagee}.
   * A field below an unknown one is not listed again.
   */
  public List<String> unknownFields(JsonNode value) {
    return unknownFields(value, null);
  }

  /**
   * {@link #unknownFields(JsonNode)}, skipping every part of {@code value} that is the very node (the same
   * instance) at the same place in {@code checked}, an object that passed this schema already: an update that
   * shares the stored object's untouched subtrees is walked only where it differs.
   */
  public List<String> unknownFields(JsonNode value, @Nullable JsonNode checked) {
    List<String> found = new ArrayList<>(0);
    walk(value, checked, new StringBuilder(), found, false);
    return found;
  }

  /**
   * {@code value} without the fields {@link #unknownFields} lists: {@code value} itself when it has none,
   * else a mutable copy without them.
   */
  public ObjectNode withoutUnknownFields(ObjectNode value) {
    if (unknownFields(value).isEmpty()) {
      return value;
    }
    ObjectNode copy = value.deepCopy();
    walk(copy, null, new StringBuilder(), new ArrayList<>(), true);
    return copy;
  }

  private void walk(JsonNode value, @Nullable JsonNode checked, StringBuilder path, List<String> found,
      boolean remove) {
    if (this == ANY || value == checked) {
      return;
    }
    int mark = path.length();
    if (value.isArray()) {
      FieldSchema element = items;
      if (element != null && element != ANY) {
        for (int i = 0; i < value.size(); i++) {
          path.append('[').append(i).append(']');
          element.walk(value.get(i), checked == null ? null : checked.get(i), path, found, remove);
          path.setLength(mark);
        }
      }
      return;
    }
    if (!value.isObject() || (items != null && properties.isEmpty())) {
      return;
    }
    List<String> unknown = null;
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String name = field.getKey();
      FieldSchema child = properties.get(name);
      if (child == null) {
        child = additional;
      }
      if (child == null) {
        if (!keepsUnknown) {
          if (remove) {
            if (unknown == null) {
              unknown = new ArrayList<>(1);
            }
            unknown.add(name);
          } else {
            found.add(path.length() == 0 ? name : path + "." + name);
          }
        }
        continue;
      }
      if (path.length() > 0) {
        path.append('.');
      }
      path.append(name);
      child.walk(field.getValue(), checked == null ? null : checked.get(name), path, found, remove);
      path.setLength(mark);
    }
    if (unknown != null) {
      ((ObjectNode) value).remove(unknown);
    }
  }
}
