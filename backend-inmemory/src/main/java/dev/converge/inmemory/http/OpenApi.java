package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.hash.Hashing;
import com.sun.net.httpserver.HttpExchange;
import dev.converge.api.GroupKind;
import dev.converge.api.Json;
import dev.converge.api.Resource;
import dev.converge.api.ResourceType;
import dev.converge.api.ResourceTypes;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.schema.SchemaCatalog;
import dev.converge.inmemory.server.ApiServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI documents kubectl reads.
 *
 * <p><b>v3</b> ({@code /openapi/v3}, then {@code /openapi/v3/apis/<group>/<version>?hash=…}, JSON) is what
 * {@code kubectl explain} renders and what {@code kubectl apply} consults first: each served kind's schema carries
 * {@code x-kubernetes-group-version-kind} (explain finds it by that), built-in kinds from the {@link SchemaCatalog},
 * custom resources from their CRD's {@code openAPIV3Schema} with {@code metadata} linked to {@code ObjectMeta}, as
 * kube-apiserver builds them. Each kind's PATCH operation lists the {@code fieldValidation} parameter, so kubectl
 * leaves field validation to the server ({@code QueryParamVerifierV3}), and its request body lists JSON, merge and
 * apply patches but not strategic merge: kubectl then computes client-side apply patches from its compiled-in
 * types (strategic merge patch for built-in kinds, JSON merge patch for custom resources) rather than from
 * schemas that lack the patch-strategy extensions.
 *
 * <p><b>v2</b> ({@code /openapi/v2}) is fetched by {@code kubectl apply}'s validator before anything else, and
 * only in gnostic's protobuf encoding; a failure there fails the apply. It is served as a valid document with no
 * paths and no definitions: kubectl then finds no client-side schema to validate against and no patch types in
 * it, and falls back as above.
 */
final class OpenApi {
  /**
   * The media type of the protobuf answer. kubectl asks for the deprecated {@code …spec.v2@v1.0+protobuf}; kube-openapi's
   * handler ({@code pkg/handler/handler.go}, {@code ReturnedContentType}) answers either form with this one, which Go's
   * {@code mime.ParseMediaType} accepts ("@" is not a token character: answered with the requested form, kubectl fails
   * with "mime: unexpected content after media subtype").
   */
  static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
  private static final GroupKind CRD = GroupKind.of("apiextensions.k8s.io", "CustomResourceDefinition");
  private static final String PATCH_SCHEMA = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

  private final ApiServer server;
  private final SchemaCatalog catalog;
  private final Map<String, byte[]> builtinDocuments = new ConcurrentHashMap<>();

  OpenApi(ApiServer server) {
    this(server, SchemaCatalog.bundled());
  }

  OpenApi(ApiServer server, SchemaCatalog catalog) {
    this.server = server;
    this.catalog = catalog;
  }

  void v2(HttpExchange exchange) throws IOException {
    String accept = exchange.getRequestHeaders().getFirst("Accept");
    if (accept != null && accept.contains("protobuf")) {
      // openapi_v2.Document: swagger = 1, info = 2 (Info: title = 1, version = 2).
      byte[] document = new ProtoWriter().string(1, "2.0")
          .message(2, new ProtoWriter().string(1, "Kubernetes").string(2, Discovery.GIT_VERSION)).toByteArray();
      Responses.bytes(exchange, 200, V2_PROTOBUF, document);
      return;
    }
    ObjectNode document = Json.object().put("swagger", "2.0");
    document.putObject("info").put("title", "Kubernetes").put("version", Discovery.GIT_VERSION);
    document.putObject("paths");
    document.putObject("definitions");
    Responses.json(exchange, 200, document);
  }

  /** {@code {"paths": {"apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=…"}, …}}}. */
  ObjectNode v3Index() {
    ObjectNode index = Json.object();
    ObjectNode paths = index.putObject("paths");
    for (String groupVersion : groupVersions()) {
      String key = key(groupVersion);
      String hash = Hashing.sha512().hashBytes(document(groupVersion)).toString().toUpperCase();
      paths.putObject(key).put("serverRelativeURL", "/openapi/v3/" + key + "?hash=" + hash);
    }
    return index;
  }

  void v3Document(HttpExchange exchange, String rest) throws IOException {
    String groupVersion;
    if (rest.startsWith("api/")) {
      groupVersion = rest.substring("api/".length());
    } else if (rest.startsWith("apis/")) {
      groupVersion = rest.substring("apis/".length());
    } else {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    if (!groupVersions().contains(groupVersion)) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    Responses.bytes(exchange, 200, Responses.JSON, document(groupVersion));
  }

  private static String key(String groupVersion) {
    return groupVersion.indexOf('/') < 0 ? "api/" + groupVersion : "apis/" + groupVersion;
  }

  private TreeSet<String> groupVersions() {
    TreeSet<String> result = new TreeSet<>();
    for (ResourceType type : server.servedVersions()) {
      result.add(type.apiVersion());
    }
    return result;
  }

  /** The document of one group version; built-in ones are built once, custom ones on every request. */
  byte[] document(String groupVersion) {
    List<ResourceType> types = new ArrayList<>();
    boolean custom = false;
    for (ResourceType type : server.servedVersions()) {
      if (type.apiVersion().equals(groupVersion)) {
        types.add(type);
        custom |= ResourceTypes.builtins().find(type.groupKind()).isEmpty();
      }
    }
    if (!custom) {
      return builtinDocuments.computeIfAbsent(groupVersion + "|" + types, k -> encode(build(types)));
    }
    return encode(build(types));
  }

  private static byte[] encode(JsonNode document) {
    try {
      return Responses.MAPPER.writeValueAsBytes(document);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ObjectNode build(List<ResourceType> types) {
    Map<String, JsonNode> schemas = new TreeMap<>();
    ObjectNode paths = Json.object();
    for (ResourceType type : types) {
      String name = schemaName(type);
      ObjectNode root = rootSchema(type);
      ArrayNode gvk = root.putArray("x-kubernetes-group-version-kind");
      gvk.add(gvk(type));
      schemas.put(name, root);
      paths.putObject(objectPath(type)).set("patch", patchOperation(type, name));
    }
    schemas.putAll(catalog.referencedFrom(new ArrayList<>(schemas.values())));
    schemas.put(PATCH_SCHEMA, Json.object().put("type", "object").put("description",
        "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."));
    ObjectNode document = Json.object().put("openapi", "3.0.0");
    document.putObject("info").put("title", "Kubernetes").put("version", Discovery.GIT_VERSION);
    document.set("paths", paths);
    ObjectNode components = document.putObject("components").putObject("schemas");
    schemas.forEach(components::set);
    return document;
  }

  private String schemaName(ResourceType type) {
    return catalog.kindSchema(type.groupKind()).orElseGet(() -> {
      // Kubernetes names a custom resource's schema by its reversed group: com.datadoghq.v2alpha1.DatadogAgent.
      List<String> parts = new ArrayList<>(List.of(type.group().split("\\.")));
      java.util.Collections.reverse(parts);
      return String.join(".", parts) + "." + type.version() + "." + type.kind();
    });
  }

  private ObjectNode rootSchema(ResourceType type) {
    var builtin = catalog.kindSchema(type.groupKind()).flatMap(catalog::schema);
    if (builtin.isPresent()) {
      return builtin.get();
    }
    ObjectNode schema = customSchema(type);
    ObjectNode properties = schema.withObjectProperty("properties");
    properties.set("apiVersion", Json.object().put("type", "string").put("description", "APIVersion defines the "
        + "versioned schema of this representation of an object."));
    properties.set("kind", Json.object().put("type", "string").put("description", "Kind is a string value "
        + "representing the REST resource this object represents."));
    ObjectNode metadata = Json.object().put("description", "Standard object's metadata.");
    metadata.putArray("allOf").addObject().put("$ref", SchemaCatalog.REF_PREFIX + SchemaCatalog.OBJECT_META);
    properties.set("metadata", metadata);
    return schema;
  }

  /** The CRD's {@code openAPIV3Schema} for the served version, or an open object for a CRD without one. */
  private ObjectNode customSchema(ResourceType type) {
    Resource[] crd = new Resource[1];
    server.locked(() -> crd[0] = server.cache().get(CRD, "", type.plural() + "." + type.group()));
    if (crd[0] != null) {
      JsonNode schema = crd[0].spec().path("validation").path("openAPIV3Schema");
      for (JsonNode version : crd[0].spec().path("versions")) {
        if (version.path("name").asText("").equals(type.version()) && version.path("schema").has("openAPIV3Schema")) {
          schema = version.path("schema").path("openAPIV3Schema");
        }
      }
      if (schema.isObject()) {
        return ((ObjectNode) schema).deepCopy();
      }
    }
    return Json.object().put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
  }

  private static ObjectNode gvk(ResourceType type) {
    return Json.object().put("group", type.group()).put("kind", type.kind()).put("version", type.version());
  }

  private static String objectPath(ResourceType type) {
    String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version();
    return base + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural() + "/{name}";
  }

  private static ObjectNode patchOperation(ResourceType type, String schemaName) {
    ObjectNode operation = Json.object();
    operation.put("description", "partially update the specified " + type.kind());
    operation.put("operationId", "patch" + type.kind());
    ArrayNode parameters = operation.putArray("parameters");
    for (String name : new String[] {"dryRun", "fieldManager", "fieldValidation", "force"}) {
      parameters.addObject().put("name", name).put("in", "query").set("schema",
          Json.object().put("type", name.equals("force") ? "boolean" : "string").put("uniqueItems", true));
    }
    ObjectNode content = operation.putObject("requestBody").put("required", true).putObject("content");
    for (String mediaType : new String[] {"application/apply-patch+yaml", "application/json-patch+json",
        "application/merge-patch+json"}) {
      content.putObject(mediaType).putObject("schema").put("$ref", SchemaCatalog.REF_PREFIX + PATCH_SCHEMA);
    }
    operation.putObject("responses").putObject("200").put("description", "OK").putObject("content")
        .putObject("application/json").putObject("schema").put("$ref", SchemaCatalog.REF_PREFIX + schemaName);
    operation.put("x-kubernetes-action", "patch");
    operation.set("x-kubernetes-group-version-kind", gvk(type));
    return operation;
  }
}
