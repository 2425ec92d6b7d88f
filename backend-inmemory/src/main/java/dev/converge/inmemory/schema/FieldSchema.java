package dev.converge.inmemory.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.GroupKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Which fields a kind's objects may carry, compiled from its schema: what kube-apiserver's strict decoding
 * ({@code sigs.k8s.io/json} into the Go types of a built-in kind) and structural pruning (a custom resource
 * against its CRD's {@code openAPIV3Schema}) know about unknown fields; and, for built-in kinds, whether each
 * value has the JSON type its Go field decodes from (a string where an {@code int32} is, an object where a list
 * is). Enums, bounds and the rules of validation are not its business.
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

  /**
   * The JSON scalars of built-in kinds' Go types whose decoding checks their type: what the value must be, the
   * Go type named in a decoding error, and the check server-side apply's typed conversion makes instead.
   */
  private enum Scalar {
    STRING("string"), INT32("int32"), INT64("int64"), BOOL("bool"), FLOAT64("float64"),
    /** {@code format: byte}: a Go {@code []byte}, base64 in JSON. */
    BYTES("[]uint8");

    final String goType;
    final FieldSchema node;

    Scalar(String goType) {
      this.goType = goType;
      this.node = new FieldSchema(true, this, goType);
    }

    boolean accepts(JsonNode value) {
      return switch (this) {
        case STRING, BYTES -> value.isTextual();
        case INT32, INT64 -> value.isIntegralNumber()
            || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
        case BOOL -> value.isBoolean();
        case FLOAT64 -> value.isNumber();
      };
    }

    /** structured-merge-diff's {@code validateScalar} message for {@code value}. */
    String applyProblem(JsonNode value) {
      return switch (this) {
        case INT32, INT64, FLOAT64 -> value.isIntegralNumber() || value.isNumber() ? null
            : "expected numeric (int or float), got " + goTypeOf(value);
        case STRING, BYTES -> "expected string, got &value.valueUnstructured{Value:" + StructuralSchemas.shown(value) + "}";
        case BOOL -> "expected boolean, got &{" + (value.isTextual() ? value.asText() : value.toString()) + "}"; // %v
      };
    }
  }

  private Map<String, FieldSchema> properties = Map.of();
  private @Nullable FieldSchema additional;
  private @Nullable FieldSchema items;
  private final boolean keepsUnknown;
  private final @Nullable Scalar scalar;
  /** The Go type decoding errors name ({@code v1.PodSpec}, {@code []v1.Container}); empty when not known. */
  private String goType;
  /** For an object of a named Go struct, its name ({@code DeploymentSpec}); else empty. */
  private String structName = "";

  private FieldSchema(boolean keepsUnknown) {
    this(keepsUnknown, null, "");
  }

  private FieldSchema(boolean keepsUnknown, @Nullable Scalar scalar, String goType) {
    this.keepsUnknown = keepsUnknown;
    this.scalar = scalar;
    this.goType = goType;
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

  private static final Map<GroupKind, Optional<FieldSchema>> BUNDLED = new ConcurrentHashMap<>();

  /**
   * {@link #builtin(SchemaCatalog, GroupKind)} from the {@linkplain SchemaCatalog#bundled() bundled catalog},
   * compiled once per kind and shared (a compiled schema is not changed after it is built).
   */
  public static Optional<FieldSchema> builtin(GroupKind kind) {
    return BUNDLED.computeIfAbsent(kind, k -> builtin(SchemaCatalog.bundled(), k));
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
      String[] parts = name.split("\\.");
      node.structName = parts[parts.length - 1];
      node.goType = parts.length > 1 ? parts[parts.length - 2] + "." + node.structName : node.structName;
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
        list.goType = list.items.goType.isEmpty() ? "" : "[]" + list.items.goType;
        return list;
      }
      if (type.equals("object") && (schema.has("properties") || schema.has("additionalProperties"))) {
        FieldSchema object = new FieldSchema(false);
        fill(object, schema);
        FieldSchema values = object.additional;
        object.goType = values != null && object.properties.isEmpty() && !values.goType.isEmpty()
            ? "map[string]" + values.goType : "";
        return object;
      }
      // Formats decode through their own types (Time, IntOrString), whose errors read differently; []byte is base64.
      String format = schema.path("format").asText("");
      return switch (type) {
        case "string" -> format.isEmpty() ? Scalar.STRING.node : format.equals("byte") ? Scalar.BYTES.node : ANY;
        case "integer" -> format.equals("int64") ? Scalar.INT64.node : Scalar.INT32.node;
        case "boolean" -> Scalar.BOOL.node;
        case "number" -> Scalar.FLOAT64.node;
        default -> ANY;
      };
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
   * What decoding {@code value} into its kind's Go type finds ({@link Decoded}), skipping every part that is the
   * very node (the same instance) at the same place in {@code checked}, an object that passed already: an
   * update that shares the stored object's untouched subtrees is walked only where it differs.
   *
   * @param checked the stored object an update replaces, or null
   * @param kind the object's kind, whose list keys name the items of keyed lists in apply's messages
   */
  public Decoded decode(JsonNode value, @Nullable JsonNode checked, GroupKind kind) {
    FieldWalk walk = new FieldWalk(false, kind);
    walk(value, checked, walk, "");
    return new Decoded(walk.unknown, walk.decodeError, walk.decodeErrorField, walk.applyErrors);
  }

  /**
   * What decoding found.
   *
   * @param unknownFields the fields the schema does not declare, in document order, named as Go's strict
   *     decoding names them: {@code spec.replicass}, {@code spec.template.spec.containers[0].imagee} (a field
   *     below an unknown one is not listed again)
   * @param typeError the first value of the wrong JSON type, as Go's decoder reports it ({@code json: cannot
   *     unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32}; for bytes that are not
   *     base64, {@code illegal base64 data at input byte 6}), or null
   * @param typeErrorField where that value is, named as {@code unknownFields} are ({@code data.password}); empty
   *     when there is none
   * @param applyErrors what server-side apply's typed conversion reports instead, in document order: {@code
   *     .spec.replicass: field not declared in schema}, {@code .spec.replicas: expected numeric (int or float),
   *     got string}
   */
  public record Decoded(List<String> unknownFields, @Nullable String typeError, String typeErrorField,
      List<String> applyErrors) {
    public boolean clean() {
      return unknownFields.isEmpty() && typeError == null && applyErrors.isEmpty();
    }
  }

  /** The fields of {@code value} this schema does not declare ({@link Decoded#unknownFields()}). */
  public List<String> unknownFields(JsonNode value) {
    FieldWalk walk = new FieldWalk(false, null);
    walk(value, null, walk, "");
    return walk.unknown;
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
    FieldWalk walk = new FieldWalk(true, null);
    walk(copy, null, walk, "");
    walk.removals.forEach(Runnable::run); // after the walk: no member removed from an object being iterated
    return copy;
  }

  /** @param struct the Go struct holding this value's field, for a decoding error's "Go struct field" */
  private void walk(JsonNode value, @Nullable JsonNode checked, FieldWalk walk, String struct) {
    if (this == ANY || value == checked || value.isNull()) {
      return;
    }
    if (scalar != null) {
      if (!scalar.accepts(value)) {
        mismatch(value, walk, struct, scalar.applyProblem(value));
      } else if (scalar == Scalar.BYTES && !walk.remove && walk.decodeError == null) {
        // encoding/json hands a []byte field's string to base64.StdEncoding, whose error it returns as it is.
        int corrupt = GoBase64.corruptAt(value.asText());
        if (corrupt >= 0) {
          walk.decodeError = "illegal base64 data at input byte " + corrupt;
          walk.decodeErrorField = walk.path();
        }
      }
      return;
    }
    if (items != null && properties.isEmpty()) {
      if (!value.isArray()) {
        mismatch(value, walk, struct, null);
        return;
      }
      FieldSchema element = items;
      if (element != ANY) {
        for (int i = 0; i < value.size(); i++) {
          walk.push(null, i, false, value.get(i));
          element.walk(value.get(i), checked == null ? null : checked.get(i), walk, struct);
          walk.depth--;
        }
      }
      return;
    }
    if (!value.isObject()) {
      mismatch(value, walk, struct, null);
      return;
    }
    String holder = structName.isEmpty() ? struct : structName;
    ObjectNode object = (ObjectNode) value;
    // forEachEntry walks a frozen object's arrays without an entry object per member.
    object.forEachEntry((name, member) -> field(object, name, member, checked, walk, holder));
  }

  private void field(ObjectNode object, String name, JsonNode value, @Nullable JsonNode checked, FieldWalk walk,
      String holder) {
    FieldSchema child = properties.get(name);
    boolean member = child == null; // a map's member: its key is not a struct field
    if (child == null) {
      child = additional;
    }
    if (child == null) {
      if (keepsUnknown) {
        return;
      }
      if (walk.remove) {
        walk.removals.add(() -> object.remove(name));
      } else {
        String parent = walk.path();
        String path = parent.isEmpty() ? name : parent + "." + name;
        walk.unknown.add(path);
        walk.applyErrors.add(walk.applyPath() + "." + name + ": field not declared in schema");
      }
      return;
    }
    walk.push(name, 0, member, null);
    child.walk(value, checked == null ? null : checked.get(name), walk, holder);
    walk.depth--;
  }

  /** A value of the wrong JSON type here: Go's first decoding error, and apply's message when it has one. */
  private void mismatch(JsonNode value, FieldWalk walk, String struct, @Nullable String applyProblem) {
    if (walk.remove) {
      return;
    }
    if (walk.decodeError == null && !goType.isEmpty()) {
      String shown = value.isNumber() ? "number " + value : jsonTypeOf(value);
      walk.decodeError = "json: cannot unmarshal " + (scalar != null && value.isNumber() && !value.isIntegralNumber()
          && (scalar == Scalar.INT32 || scalar == Scalar.INT64) ? shown : jsonTypeOf(value))
          + " into Go struct field " + struct + "." + walk.goPath() + " of type " + goType;
      walk.decodeErrorField = walk.path();
    }
    if (applyProblem != null) {
      walk.applyErrors.add(walk.applyPath() + ": " + applyProblem);
    }
  }

  /** The JSON type Go's decoder names in an error: {@code string}, {@code number}, {@code bool}, … */
  private static String jsonTypeOf(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isNumber()) {
      return "number";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    return value.isArray() ? "array" : "object";
  }

  /** Go's {@code %T} of the unstructured value. */
  private static String goTypeOf(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    return value.isArray() ? "[]interface {}" : "map[string]interface {}";
  }
}
