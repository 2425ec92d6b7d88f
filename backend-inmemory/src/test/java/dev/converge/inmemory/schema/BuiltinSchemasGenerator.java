package dev.converge.inmemory.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.converge.api.Json;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Generates {@code builtin-schemas.json} (read by {@link SchemaCatalog}) from the Kubernetes models that
 * client-java is generated from, in {@code client-java-api}'s sources jar: for every built-in kind Converge
 * knows ({@link ResourceTypes#builtins()}) and every type it reaches, the fields with their JSON names, types,
 * required fields and descriptions, which are Kubernetes' own API documentation. Run it after changing the
 * built-in kinds or the client-java version:
 *
 * <pre>mvn -B -pl backend-inmemory -am verify -Dtest=BuiltinSchemasTest -Dconverge.schemas.update=true</pre>
 *
 * (the sources jar must be in the local repository: {@code mvn dependency:get
 * -Dartifact=io.kubernetes:client-java-api:25.0.0:jar:sources}).
 */
final class BuiltinSchemasGenerator {
  private static final String MODELS = "io/kubernetes/client/openapi/models/";
  private static final Pattern CONSTANT = Pattern.compile("public static final String SERIALIZED_NAME_(\\w+) = \"([^\"]+)\";");
  private static final Pattern FIELD = Pattern.compile(
      "@SerializedName\\(SERIALIZED_NAME_(\\w+)\\)\\s*(?:@[\\w.]+\\s*)*private ([\\w<>, .\\[\\]]+?) (\\w+)(?: = [^;]*)?;");
  private static final Pattern PROPERTY = Pattern.compile(
      "@ApiModelProperty\\((?:example = \"[^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+\", )?(?:required = true, )?value = \"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"\\)\\s*"
          + "public [\\w<>, .\\[\\]]+ (?:get|is)(\\w+)\\(\\)");
  private static final Pattern MODEL = Pattern.compile("@ApiModel\\(description = \"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"\\)");
  private static final Pattern REQUIRED = Pattern.compile("openapiRequiredFields\\.add\\(\"([^\"]+)\"\\)");
  private static final Pattern VERSIONED = Pattern.compile("^([A-Z][a-z]+)?V(\\d+(?:alpha\\d+|beta\\d+)?)([A-Z]\\w*)$");
  private static final Set<String> META = Set.of("ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement",
      "OwnerReference", "ManagedFieldsEntry", "Condition", "Status", "StatusDetails", "StatusCause", "DeleteOptions",
      "Preconditions", "APIResource", "ServerAddressByClientCIDR");
  private static final Map<String, String> PACKAGES = Map.ofEntries(
      Map.entry("", "io.k8s.api.core"), Map.entry("apps", "io.k8s.api.apps"), Map.entry("batch", "io.k8s.api.batch"),
      Map.entry("autoscaling", "io.k8s.api.autoscaling"), Map.entry("policy", "io.k8s.api.policy"),
      Map.entry("coordination.k8s.io", "io.k8s.api.coordination"), Map.entry("discovery.k8s.io", "io.k8s.api.discovery"),
      Map.entry("networking.k8s.io", "io.k8s.api.networking"), Map.entry("storage.k8s.io", "io.k8s.api.storage"),
      Map.entry("node.k8s.io", "io.k8s.api.node"),
      Map.entry("scheduling.k8s.io", "io.k8s.api.scheduling"), Map.entry("rbac.authorization.k8s.io", "io.k8s.api.rbac"),
      Map.entry("admissionregistration.k8s.io", "io.k8s.api.admissionregistration"),
      Map.entry("apiextensions.k8s.io", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions"),
      Map.entry("apiregistration.k8s.io", "io.k8s.kube-aggregator.pkg.apis.apiregistration"));
  private static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

  private final Map<String, String> sources = new HashMap<>();
  private final Map<String, String> names = new LinkedHashMap<>();
  private final Map<String, ObjectNode> schemas = new TreeMap<>();

  private BuiltinSchemasGenerator(Path sourcesJar) throws IOException {
    try (ZipFile zip = new ZipFile(sourcesJar.toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        if (entry.getName().startsWith(MODELS) && entry.getName().endsWith(".java")) {
          String simple = entry.getName().substring(MODELS.length(), entry.getName().length() - 5);
          sources.put(simple, new String(zip.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
  }

  /** The catalog document for every built-in kind. */
  static ObjectNode generate(Path sourcesJar) throws IOException {
    return new BuiltinSchemasGenerator(sourcesJar).document();
  }

  private ObjectNode document() {
    ObjectNode kinds = Json.object();
    for (ResourceType type : ResourceTypes.builtins().all()) {
      String model = modelClass(type);
      kinds.put(type.group() + "/" + type.kind(), visit(model, type.group()));
    }
    schemas.put(INT_OR_STRING, Json.object().put("type", "string").put("format", "int-or-string").put("description",
        "IntOrString is a type that can hold an int32 or a string."));
    schemas.put(QUANTITY, Json.object().put("type", "string").put("description", "Quantity is a fixed-point "
        + "representation of a number: 1000m, 1.5, 128Mi, 2Gi."));
    ObjectNode document = Json.object();
    document.set("kinds", kinds);
    ObjectNode all = document.putObject("schemas");
    schemas.forEach(all::set);
    return document;
  }

  private String modelClass(ResourceType type) {
    String version = Character.toUpperCase(type.version().charAt(0)) + type.version().substring(1);
    for (String candidate : List.of(version + type.kind(), "Core" + version + type.kind())) {
      if (sources.containsKey(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("no client-java model for " + type.groupKind() + " " + type.version());
  }

  /** Names and converts {@code model} (and what it reaches), first reached from a kind of {@code group}. */
  private String visit(String model, String group) {
    String known = names.get(model);
    if (known != null) {
      return known;
    }
    Matcher versioned = VERSIONED.matcher(model);
    if (!versioned.matches()) {
      throw new IllegalStateException("unexpected model name " + model);
    }
    String bare = versioned.group(3);
    String pkg = META.contains(bare) ? "io.k8s.apimachinery.pkg.apis.meta" : PACKAGES.getOrDefault(group, "io.k8s.api");
    String name = pkg + ".v" + versioned.group(2) + "." + bare;
    names.put(model, name);
    schemas.put(name, convert(sources.get(model), group));
    return name;
  }

  private ObjectNode convert(String source, String group) {
    Map<String, String> constants = new HashMap<>();
    Matcher constant = CONSTANT.matcher(source);
    while (constant.find()) {
      constants.put(constant.group(1), constant.group(2));
    }
    Map<String, String> descriptions = new HashMap<>();
    Matcher property = PROPERTY.matcher(source);
    while (property.find()) {
      descriptions.put(property.group(2).toLowerCase(), unescape(property.group(1)));
    }
    ObjectNode schema = Json.object();
    Matcher model = MODEL.matcher(source);
    if (model.find()) {
      schema.put("description", unescape(model.group(1)));
    }
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    Matcher field = FIELD.matcher(source);
    while (field.find()) {
      String json = constants.get(field.group(1));
      ObjectNode type = type(field.group(2).trim(), group);
      String description = descriptions.get(field.group(3).replace("_", "").toLowerCase());
      if (type.has("$ref")) {
        ObjectNode wrapped = Json.object();
        if (description != null) {
          wrapped.put("description", description);
        }
        wrapped.putArray("allOf").add(type);
        properties.set(json, wrapped);
      } else {
        if (description != null) {
          type.put("description", description);
        }
        properties.set(json, type);
      }
    }
    ArrayNode required = Json.array();
    Matcher requiredField = REQUIRED.matcher(source);
    while (requiredField.find()) {
      required.add(requiredField.group(1));
    }
    if (!required.isEmpty()) {
      schema.set("required", required);
    }
    return schema;
  }

  private ObjectNode type(String javaType, String group) {
    if (javaType.startsWith("List<") || javaType.startsWith("Set<")) {
      ObjectNode array = Json.object().put("type", "array");
      ObjectNode items = type(javaType.substring(javaType.indexOf('<') + 1, javaType.length() - 1), group);
      array.set("items", items.has("$ref") ? wrap(items) : items);
      return array;
    }
    if (javaType.startsWith("Map<String, ")) {
      ObjectNode map = Json.object().put("type", "object");
      ObjectNode values = type(javaType.substring("Map<String, ".length(), javaType.length() - 1), group);
      map.set("additionalProperties", values.has("$ref") ? wrap(values) : values);
      return map;
    }
    switch (javaType) {
      case "String":
        return Json.object().put("type", "string");
      case "Integer":
        return Json.object().put("type", "integer").put("format", "int32");
      case "Long":
        return Json.object().put("type", "integer").put("format", "int64");
      case "Boolean":
        return Json.object().put("type", "boolean");
      case "Double":
      case "Float":
      case "BigDecimal":
        return Json.object().put("type", "number").put("format", "double");
      case "OffsetDateTime":
        return Json.object().put("type", "string").put("format", "date-time");
      case "byte[]":
        return Json.object().put("type", "string").put("format", "byte");
      case "Object":
        return Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
      case "IntOrString":
        return ref(INT_OR_STRING);
      case "Quantity":
        return ref(QUANTITY);
      default:
        if (!sources.containsKey(javaType)) {
          throw new IllegalStateException("unknown field type " + javaType);
        }
        return ref(visit(javaType, group));
    }
  }

  private static ObjectNode ref(String name) {
    return Json.object().put("$ref", SchemaCatalog.REF_PREFIX + name);
  }

  private static ObjectNode wrap(ObjectNode ref) {
    ObjectNode wrapped = Json.object();
    wrapped.putArray("allOf").add(ref);
    return wrapped;
  }

  /** A Java string literal's content, unescaped. */
  private static String unescape(String literal) {
    return ((JsonNode) Json.parse("\"" + literal.replace("\\'", "'") + "\"")).asText();
  }
}
