package dev.converge.inmemory.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * What kube-apiserver does to a custom resource with its CRD version's structural schema ({@code
 * openAPIV3Schema}) besides pruning ({@link FieldSchema}): it fills {@code default}s in (structural defaulting,
 * on decoding), and validates the object (kube-openapi's validator through apiextensions-apiserver), answering
 * 422 with one cause per failure, in the validator's words:
 *
 * <pre>
 * spec.size: Invalid value: "string": spec.size in body must be of type integer: "two"
 * spec.mode: Unsupported value: "fast": supported values: "on", "off"
 * spec.name: Required value
 * spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1
 * spec.name: Invalid value: "Web": spec.name in body should match '^[a-z]+$'
 * </pre>
 *
 * <p>Covered: {@code type} (with {@code nullable} and {@code x-kubernetes-int-or-string}), {@code enum},
 * {@code required}, {@code minimum}/{@code maximum} (and their {@code exclusive} forms), {@code
 * minLength}/{@code maxLength}, {@code pattern}, {@code minItems}/{@code maxItems}, {@code
 * minProperties}/{@code maxProperties}. Not covered: {@code format}, {@code multipleOf}, {@code uniqueItems},
 * {@code allOf}/{@code anyOf}/{@code oneOf}/{@code not}. CEL rules ({@code x-kubernetes-validations}) are
 * {@link dev.converge.inmemory.cel.ValidationRules}'.
 * {@code apiVersion}, {@code kind} and {@code metadata} at the root are the server's and are not checked here.
 */
public final class StructuralSchemas {
  private StructuralSchemas() {}

  /**
   * Fills the schema's {@code default}s into the custom resource {@code root}, as structural defaulting does on
   * decoding: every absent property whose parent is present gets its default (a defaulted object's own
   * properties too), and so does a {@code null} in a property that is not {@code nullable}. A top-level member
   * that receives a default is replaced by a mutable copy; the others, and {@code metadata}, are left as they
   * are (they may be frozen).
   *
   * @return whether anything was filled in
   */
  public static boolean applyDefaults(ObjectNode root, JsonNode schema) {
    boolean changed = false;
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String name = property.getKey();
      JsonNode member = property.getValue();
      if (name.equals("apiVersion") || name.equals("kind") || name.equals("metadata") || !hasDefaults(member)) {
        continue;
      }
      JsonNode present = root.get(name);
      JsonNode copy = present == null || !present.isContainerNode() ? present : present.deepCopy();
      ObjectNode holder = root.objectNode();
      if (copy != null) {
        holder.set(name, copy);
      }
      if (fill(holder, name, member)) {
        root.set(name, holder.get(name));
        changed = true;
      }
    }
    return changed;
  }

  /** Defaults {@code parent.name} (mutable all the way down) and what is below it. */
  private static boolean fill(ObjectNode parent, String name, JsonNode schema) {
    boolean changed = false;
    JsonNode present = parent.get(name);
    JsonNode fallback = schema.get("default");
    if (fallback != null && (present == null || (present.isNull() && !schema.path("nullable").asBoolean(false)))) {
      parent.set(name, fallback.deepCopy());
      present = parent.get(name);
      changed = true;
    }
    if (present instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        changed |= fill(object, property.getKey(), property.getValue());
      }
      JsonNode additional = schema.get("additionalProperties");
      if (additional != null && additional.isObject()) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String member : names) {
          changed |= fill(object, member, additional);
        }
      }
    } else if (present instanceof ArrayNode array && schema.path("items").isObject()) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i) instanceof ObjectNode item) {
          ObjectNode holder = parent.objectNode().set("item", item);
          changed |= fill(holder, "item", schema.path("items"));
        }
      }
    }
    return changed;
  }

  /**
   * Whether {@link #applyDefaults} would fill anything into {@code root}, found without copying it: a property
   * with a {@code default} absent (or null, not nullable) under a present parent.
   *
   * @param root a custom resource
   * @param schema its kind's {@code openAPIV3Schema}
   * @return whether a default is missing
   */
  public static boolean missingDefaults(JsonNode root, JsonNode schema) {
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String name = property.getKey();
      if (!name.equals("apiVersion") && !name.equals("kind") && !name.equals("metadata")
          && hasDefaults(property.getValue()) && missing(root.get(name), property.getValue())) {
        return true;
      }
    }
    return false;
  }

  private static boolean missing(@Nullable JsonNode present, JsonNode schema) {
    if (schema.has("default") && (present == null || (present.isNull() && !schema.path("nullable").asBoolean(false)))) {
      return true;
    }
    if (present instanceof ObjectNode object) {
      for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
        if (hasDefaults(property.getValue()) && missing(object.get(property.getKey()), property.getValue())) {
          return true;
        }
      }
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject() && hasDefaults(additional)) {
        for (JsonNode member : object) {
          if (missing(member, additional)) {
            return true;
          }
        }
      }
    } else if (present instanceof ArrayNode array && schema.path("items").isObject() && hasDefaults(schema.path("items"))) {
      for (JsonNode item : array) {
        if (item.isObject() && missing(item, schema.path("items"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether {@code schema} (or anything below it) declares a default: most schemas do not, and are skipped. */
  public static boolean hasDefaults(JsonNode schema) {
    if (schema.has("default")) {
      return true;
    }
    for (JsonNode child : schema.path("properties")) {
      if (hasDefaults(child)) {
        return true;
      }
    }
    return (schema.path("items").isObject() && hasDefaults(schema.path("items")))
        || (schema.path("additionalProperties").isObject() && hasDefaults(schema.path("additionalProperties")));
  }

  /**
   * The causes of a 422 for {@code object} against {@code schema}, in document order ({@code
   * <path>: <problem>}); empty when it is valid.
   */
  public static List<String> validate(JsonNode object, JsonNode schema) {
    List<String> causes = new ArrayList<>(0);
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      String name = property.getKey();
      JsonNode value = object.get(name);
      if (value != null && !name.equals("apiVersion") && !name.equals("kind") && !name.equals("metadata")) {
        check(value, property.getValue(), name, causes);
      }
    }
    required(object, schema, "", causes);
    for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
      JsonNode value = object.get(property.getKey());
      if (value != null && !property.getKey().equals("metadata")) {
        unique(value, property.getValue(), property.getKey(), causes);
      }
    }
    return causes;
  }

  /**
   * The uniqueness of set and map lists ({@code structurallisttype.ValidateListSetsAndMaps}, which runs after
   * the schema validator): an element equal to an earlier one, or a map element whose key fields equal an
   * earlier one's, is a {@code Duplicate value}, reported once per repeated value at its first repeat.
   */
  private static void unique(JsonNode value, JsonNode schema, String path, List<String> causes) {
    if (value.isArray()) {
      String listType = schema.path("x-kubernetes-list-type").asText("");
      if (listType.equals("set")) {
        duplicates(value, null, path, causes);
      } else if (listType.equals("map")) {
        for (int i = 0; i < value.size(); i++) {
          if (!value.get(i).isObject() && !value.get(i).isNull()) {
            causes.add(path + "[" + i + "]: Invalid value: " + goValue(value.get(i)) + ": must be an object for an array of list-type map");
            return;
          }
        }
        List<String> keys = new ArrayList<>();
        schema.path("x-kubernetes-list-map-keys").forEach(key -> keys.add(key.asText()));
        duplicates(value, keys, path, causes);
      }
      JsonNode items = schema.path("items");
      if (items.isObject()) {
        for (int i = 0; i < value.size(); i++) {
          unique(value.get(i), items, path + "[" + i + "]", causes);
        }
      }
    } else if (value.isObject()) {
      JsonNode additional = schema.path("additionalProperties");
      if (additional.isObject()) {
        value.properties().forEach(member -> unique(member.getValue(), additional, path + "[" + member.getKey() + "]", causes));
      }
      JsonNode properties = schema.path("properties");
      value.properties().forEach(member -> {
        JsonNode child = properties.get(member.getKey());
        if (child != null) {
          unique(member.getValue(), child, path + "." + member.getKey(), causes);
        }
      });
    }
  }

  /** Reports the first repeat of each repeated element (or, with {@code keys}, of each repeated key). */
  private static void duplicates(JsonNode list, @Nullable List<String> keys, String path, List<String> causes) {
    Map<JsonNode, Integer> seen = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode element = list.get(i);
      JsonNode identity = element;
      if (keys != null) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        for (String name : keys) {
          JsonNode field = element.get(name);
          if (field != null) {
            key.set(name, field);
          }
        }
        identity = key;
      }
      if (seen.merge(identity, 1, Integer::sum) == 2) {
        causes.add(path + "[" + i + "]: Duplicate value: " + goValue(identity));
      }
    }
  }

  /**
   * A decoded JSON value as Go's {@code %#v} prints it in a field error: strings quoted, numbers and booleans
   * bare, objects as {@code map[string]interface {}{"k":v}} with sorted keys, lists as {@code []interface {}{…}}.
   */
  static String goValue(JsonNode value) {
    if (value.isTextual()) {
      return "\"" + value.asText() + "\"";
    }
    if (value.isObject()) {
      List<String> members = new ArrayList<>();
      value.properties().forEach(member -> members.add("\"" + member.getKey() + "\":" + goValue(member.getValue())));
      members.sort(null);
      return "map[string]interface {}{" + String.join(", ", members) + "}";
    }
    if (value.isArray()) {
      List<String> elements = new ArrayList<>();
      value.forEach(element -> elements.add(goValue(element)));
      return "[]interface {}{" + String.join(", ", elements) + "}";
    }
    return value.isNull() ? "interface {}(nil)" : value.toString();
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<String> causes) {
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
        causes.add(path + ": Invalid value: \"null\": " + path + " in body must be of type "
            + schema.path("type").asText() + ": \"null\"");
      }
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        causes.add(path + ": Invalid value: \"" + typeOf(value) + "\": " + path
            + " in body must be of type integer or string: " + shown(value));
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (!type.isEmpty() && !hasType(value, type)) {
      causes.add(path + ": Invalid value: \"" + typeOf(value) + "\": " + path + " in body must be of type " + type
          + ": " + shown(value));
      return;
    }
    JsonNode allowed = schema.path("enum");
    if (allowed.isArray() && !allowed.isEmpty() && !contains(allowed, value)) {
      List<String> names = new ArrayList<>();
      allowed.forEach(v -> names.add(v.toString()));
      causes.add(path + ": Unsupported value: " + value + ": supported values: " + String.join(", ", names));
      return;
    }
    if (value.isNumber()) {
      bounds(value, schema, path, causes);
    } else if (value.isTextual()) {
      text(value.asText(), schema, path, causes);
    } else if (value.isArray()) {
      int size = value.size();
      if (schema.has("maxItems") && size > schema.path("maxItems").asLong()) {
        causes.add(path + ": Too many: " + size + ": must have at most " + schema.path("maxItems").asLong() + " items");
      }
      if (schema.has("minItems") && size < schema.path("minItems").asLong()) {
        causes.add(path + ": Invalid value: " + size + ": " + path + " in body should have at least "
            + schema.path("minItems").asLong() + " items");
      }
      JsonNode items = schema.path("items");
      if (items.isObject()) {
        for (int i = 0; i < size; i++) {
          check(value.get(i), items, path + "[" + i + "]", causes);
        }
      }
    } else if (value.isObject()) {
      int size = value.size();
      if (schema.has("maxProperties") && size > schema.path("maxProperties").asLong()) {
        causes.add(path + ": Too many: " + size + ": must have at most " + schema.path("maxProperties").asLong()
            + " items");
      }
      if (schema.has("minProperties") && size < schema.path("minProperties").asLong()) {
        causes.add(path + ": Invalid value: " + size + ": " + path + " in body should have at least "
            + schema.path("minProperties").asLong() + " properties");
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      value.properties().forEach(member -> {
        JsonNode child = properties.get(member.getKey());
        if (child == null && additional.isObject()) {
          child = additional;
        }
        if (child != null) {
          check(member.getValue(), child, path + "." + member.getKey(), causes);
        }
      });
      required(value, schema, path + ".", causes);
    }
  }

  private static void required(JsonNode object, JsonNode schema, String prefix, List<String> causes) {
    for (JsonNode name : schema.path("required")) {
      if (!object.has(name.asText()) && !(prefix.isEmpty() && name.asText().equals("metadata"))) {
        causes.add(prefix + name.asText() + ": Required value");
      }
    }
  }

  private static void bounds(JsonNode value, JsonNode schema, String path, List<String> causes) {
    double number = value.asDouble();
    if (schema.has("minimum")) {
      double minimum = schema.path("minimum").asDouble();
      boolean exclusive = schema.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? number <= minimum : number < minimum) {
        causes.add(path + ": Invalid value: " + value + ": " + path + " in body should be greater than "
            + (exclusive ? "" : "or equal to ") + schema.path("minimum"));
      }
    }
    if (schema.has("maximum")) {
      double maximum = schema.path("maximum").asDouble();
      boolean exclusive = schema.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? number >= maximum : number > maximum) {
        causes.add(path + ": Invalid value: " + value + ": " + path + " in body should be less than "
            + (exclusive ? "" : "or equal to ") + schema.path("maximum"));
      }
    }
  }

  private static void text(String text, JsonNode schema, String path, List<String> causes) {
    int length = text.getBytes(StandardCharsets.UTF_8).length;
    if (schema.has("maxLength") && length > schema.path("maxLength").asLong()) {
      causes.add(path + ": Too long: may not be more than " + schema.path("maxLength").asLong() + " bytes");
    }
    if (schema.has("minLength") && length < schema.path("minLength").asLong()) {
      causes.add(path + ": Invalid value: \"" + text + "\": " + path + " in body should be at least "
          + schema.path("minLength").asLong() + " chars long");
    }
    if (schema.has("pattern")) {
      String pattern = schema.path("pattern").asText();
      try {
        if (!Pattern.compile(pattern).matcher(text).find()) {
          causes.add(path + ": Invalid value: \"" + text + "\": " + path + " in body should match '" + pattern + "'");
        }
      } catch (PatternSyntaxException e) {
        // A pattern Go's RE2 accepts and Java's does not: not checked rather than refused.
      }
    }
  }

  private static boolean contains(JsonNode allowed, JsonNode value) {
    for (JsonNode candidate : allowed) {
      if (candidate.equals(value) || (candidate.isNumber() && value.isNumber()
          && candidate.asDouble() == value.asDouble())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The schema of the field at {@code path} (property names from the root; a map's {@code additionalProperties}
   * for any name), or null if the schema has no such field.
   */
  public static @Nullable JsonNode fieldAt(JsonNode schema, List<String> path) {
    JsonNode node = schema;
    for (String name : path) {
      JsonNode next = node.path("properties").get(name);
      if (next == null && node.path("additionalProperties").isObject()) {
        next = node.path("additionalProperties");
      }
      if (next == null) {
        return null;
      }
      node = next;
    }
    return node;
  }

  /** Whether {@code value} is of the OpenAPI {@code type} (an integral double counts as an integer, as in JSON). */
  public static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "integer" -> value.isIntegralNumber() || (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()));
      case "number" -> value.isNumber();
      default -> true;
    };
  }

  /** The JSON type name kube-openapi reports for a value of the wrong type. */
  public static String typeOf(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.isArray() ? "array" : "object";
  }

  /** The value as the validator (and Go's {@code %#v}) quotes it: strings in quotes, others as JSON. */
  static String shown(JsonNode value) {
    return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
  }
}
