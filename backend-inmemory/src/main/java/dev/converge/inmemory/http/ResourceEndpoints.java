package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.sun.net.httpserver.HttpExchange;
import dev.converge.api.FieldSelector;
import dev.converge.api.LabelSelector;
import dev.converge.api.Resource;
import dev.converge.api.ResourceKey;
import dev.converge.api.ResourceType;
import dev.converge.api.backend.BackendException;
import dev.converge.api.backend.ListRequest;
import dev.converge.api.backend.ListResult;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.DeleteResult;
import dev.converge.inmemory.server.FieldValidation;
import dev.converge.inmemory.server.Identity;
import dev.converge.inmemory.server.PatchOptions;
import dev.converge.inmemory.server.PatchType;
import dev.converge.inmemory.server.Reviews;
import dev.converge.inmemory.server.ServedVersion;
import dev.converge.inmemory.server.TokenIssuer;
import dev.converge.inmemory.server.WriteOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The resource endpoints ({@code k8s.io/apiserver/pkg/endpoints/handlers}): GET (one object, a list, or a watch),
 * POST (create, {@code pods/binding}), PUT (update, {@code status}, {@code namespaces/finalize}), PATCH (JSON,
 * merge, strategic merge, apply) and DELETE (one object or a collection). Each maps to one call of the
 * {@link ApiServer} as the authenticated identity.
 */
final class ResourceEndpoints {
  private final ApiServer server;
  private final WatchStreams watches;
  private final Tables tables;

  private final TokenIssuer tokens;

  ResourceEndpoints(ApiServer server, WatchStreams watches, TokenIssuer tokens) {
    this.server = server;
    this.watches = watches;
    this.tokens = tokens;
    this.tables = new Tables(server);
  }

  void serve(HttpExchange exchange, Identity identity, ApiPath path, Query query) throws IOException {
    Optional<ResourceType> review = Reviews.find(path.group(), path.version(), path.resource());
    if (review.isPresent()) {
      review(exchange, identity, review.get(), path);
      return;
    }
    ResourceType type = resolve(path);
    Representation representation = Representation.fromAccept(exchange.getRequestHeaders().getFirst("Accept"));
    String method = exchange.getRequestMethod();
    if (!method.equals("GET")) {
      dryRun(query.get("dryRun"), method); // an invalid value fails before anything else
    }
    switch (method) {
      case "GET":
        // A request at a deprecated version is warned (writes by the server, which also warns Backend SPI callers).
        server.deprecationWarning(type).ifPresent(warning -> warn(exchange, warning));
        if (query.flag("watch")) {
          watches.serve(exchange, identity, type, path, query, representation);
        } else if (path.isObject() && path.subresource().equals("scale")) {
          Responses.json(exchange, 200, server.getScale(identity, key(type, path)));
        } else if (path.isObject() && path.subresource().equals("log") && type.kind().equals("Pod") && type.group().isEmpty()) {
          // A simulated container prints nothing, so ?follow=true ends at once, as a stream of an exited container does.
          Responses.text(exchange, 200, server.podLogs(identity, key(type, path), query.get("container"),
              query.flag("previous")));
        } else if (path.isObject() && ApiServer.isPodConnection(type.groupKind(), path.subresource())) {
          server.connect(identity, key(type, path), path.subresource(), query.get("container"), true);
        } else if (path.isObject()) {
          requireNoSubresource(path, "status");
          Resource object = server.get(identity, key(type, path));
          respondObject(exchange, 200, type, object, representation, List.of());
        } else {
          list(exchange, identity, type, path, query, representation);
        }
        return;
      case "POST":
        if (path.isObject()) {
          bind(exchange, identity, type, path, query);
        } else {
          create(exchange, identity, type, path, query, representation);
        }
        return;
      case "PUT":
        update(exchange, identity, type, requireObject(path, method), query, representation);
        return;
      case "PATCH":
        patch(exchange, identity, type, requireObject(path, method), query, representation);
        return;
      case "DELETE":
        server.deprecationWarning(type).ifPresent(warning -> warn(exchange, warning));
        if (path.isObject()) {
          Deletion.one(server, exchange, identity, type, path, query);
        } else {
          Deletion.collection(server, exchange, identity, type, path, query, listRequest(type, path, query));
        }
        return;
      default:
        throw FrontException.methodNotAllowed(method, path.resource());
    }
  }

  /**
   * {@code POST pods/<name>/eviction} with a {@code policy/v1 Eviction}: its {@code deleteOptions} apply to the
   * pod's delete; the answer is a {@code Success} Status with code 201, as kube-apiserver's.
   */
  private void evict(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query)
      throws IOException {
    ObjectNode body = Bodies.readObject(exchange);
    String named = body.path("metadata").path("name").asText("");
    if (!named.isEmpty() && !named.equals(path.name())) {
      throw new BackendException.Invalid("name in URL does not match name in Eviction object", ImmutableList.of(), 400);
    }
    JsonNode options = body.get("deleteOptions");
    server.evict(identity, key(type, path), Deletion.params(options == null || options.isNull() ? null : options, query));
    Responses.json(exchange, 201, StatusBody.deleted("", "pods", path.name(), "").put("message", "").put("code", 201));
  }

  /** A review is created and answered at once (201), never stored: only {@code POST} to the collection. */
  private void review(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path) throws IOException {
    if (!exchange.getRequestMethod().equals("POST") || path.isObject()) {
      throw FrontException.methodNotAllowed(exchange.getRequestMethod(), path.resource());
    }
    if (type.namespaced() == path.namespace().isEmpty()) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    ObjectNode body = Bodies.readObject(exchange);
    Responses.json(exchange, 201, server.review(identity, type, path.namespace(), body));
  }

  /**
   * The served type of a path: its group and plural must be served, at a served version (the storage version
   * or another a CRD serves), and the path's scope must fit the kind (no namespace for cluster-scoped kinds; a
   * namespace for a namespaced object).
   */
  ResourceType resolve(ApiPath path) {
    ResourceType type = server.types().findByPlural(path.group(), path.resource())
        .flatMap(storage -> storage.version().equals(path.version()) ? Optional.of(storage)
            : server.alsoServed(storage.groupKind()).stream().map(ServedVersion::type)
                .filter(other -> other.version().equals(path.version())).findFirst())
        .orElseThrow(() -> new BackendException.NotFound("the server could not find the requested resource"));
    if (!type.namespaced() && !path.namespace().isEmpty()) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    if (type.namespaced() && path.namespace().isEmpty() && path.isObject()) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
    return type;
  }

  private void list(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query,
      Representation representation) throws IOException {
    ListResult result = server.list(identity, type, listRequest(type, path, query));
    switch (representation) {
      case TABLE:
        List<Resource> rows = result.items().stream().map(item -> inVersion(server, item, type)).toList();
        Responses.json(exchange, 200, tables.table(type, rows, result.resourceVersion(),
            result.continueToken(), query.get("includeObject", "Metadata"), true));
        return;
      case METADATA:
        List<JsonNode> items = new ArrayList<>(result.items().size());
        for (Resource item : result.items()) {
          items.add(Tables.partialMetadata(item));
        }
        Responses.list(exchange, "PartialObjectMetadataList", "meta.k8s.io/v1", result.resourceVersion(),
            result.continueToken(), items);
        return;
      default:
        List<JsonNode> objects = new ArrayList<>(result.items().size());
        for (Resource item : result.items()) {
          objects.add(inVersion(server, item, type).json());
        }
        Responses.list(exchange, type.kind() + "List", type.apiVersion(), result.resourceVersion(),
            result.continueToken(), objects);
    }
  }

  static ListRequest listRequest(ResourceType type, ApiPath path, Query query) {
    ListRequest request = ListRequest.all(type.groupKind())
        .inNamespace(path.namespace().isEmpty() ? null : path.namespace());
    String labels = query.get("labelSelector");
    if (labels != null && !labels.isEmpty()) {
      request = request.withLabels(LabelSelector.parse(labels));
    }
    FieldSelector fields = fieldSelector(path, query);
    if (!fields.isEverything()) {
      request = request.withFields(fields);
    }
    long limit = query.number("limit", 0);
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative");
    }
    String token = query.get("continue");
    return request.page((int) Math.min(limit, Integer.MAX_VALUE), token == null || token.isEmpty() ? null : token);
  }

  /** The field selector, plus {@code metadata.name} for a request on one object (a single-object watch). */
  static FieldSelector fieldSelector(ApiPath path, Query query) {
    String text = query.get("fieldSelector", "");
    if (path.isObject()) {
      text = text.isEmpty() ? "metadata.name=" + path.name() : text + ",metadata.name=" + path.name();
    }
    return text.isEmpty() ? FieldSelector.everything() : FieldSelector.parse(text);
  }

  private void create(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query,
      Representation representation) throws IOException {
    boolean dryRun = dryRun(query.get("dryRun"), exchange.getRequestMethod());
    FieldValidation validation = fieldValidation(query.get("fieldValidation"), exchange.getRequestMethod());
    ObjectNode body = Bodies.readObject(exchange);
    ObjectNode metadata = ObjectBodies.prepare(body, type, path);
    exchange.setAttribute(ApiHandler.OBJECT_NAME, metadata.path("name").asText(""));
    List<String> warnings = new ArrayList<>();
    // The server names an object sent with generateName only (and draws again when the name is taken).
    Resource created = server.post(identity, body,
        new WriteOptions(fieldManager(exchange, query), warnings::add, dryRun, validation));
    respondObject(exchange, 201, type, created, representation, warnings);
  }

  private void bind(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query)
      throws IOException {
    if (path.subresource().equals("eviction") && type.kind().equals("Pod") && type.group().isEmpty()) {
      evict(exchange, identity, type, path, query);
      return;
    }
    if (ApiServer.isPodConnection(type.groupKind(), path.subresource())) {
      server.connect(identity, key(type, path), path.subresource(), query.get("container"), false);
      return;
    }
    if (path.subresource().equals("token") && type.kind().equals("ServiceAccount") && type.group().isEmpty()) {
      Responses.json(exchange, 201, server.requestToken(identity, key(type, path), Bodies.readObject(exchange), tokens));
      return;
    }
    if (!path.subresource().equals("binding") || !type.kind().equals("Pod") || !type.group().isEmpty()) {
      throw FrontException.methodNotAllowed("POST", path.resource() + "/" + path.name());
    }
    ObjectNode body = Bodies.readObject(exchange);
    String node = body.path("target").path("name").asText("");
    if (node.isEmpty()) {
      throw new BackendException.Invalid("Binding \"" + path.name() + "\" is invalid: target.name: Required value",
          ImmutableList.of("target.name: Required value"));
    }
    server.bind(identity, key(type, path), node);
    Responses.json(exchange, 201, StatusBody.deleted("", "pods", path.name(), "").put("message", "")
        .put("code", 201));
  }

  private void update(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query,
      Representation representation) throws IOException {
    boolean dryRun = dryRun(query.get("dryRun"), exchange.getRequestMethod());
    FieldValidation validation = fieldValidation(query.get("fieldValidation"), exchange.getRequestMethod());
    ObjectNode body = Bodies.readObject(exchange);
    if (path.subresource().equals("scale")) {
      List<String> warnings = new ArrayList<>();
      JsonNode scale = server.updateScale(identity, key(type, path), body,
          new WriteOptions(fieldManager(exchange, query), warnings::add, dryRun));
      Responses.json(exchange, 200, scale);
      return;
    }
    ObjectBodies.prepare(body, type, path);
    ObjectBodies.requireName(body, path);
    Resource object = Resource.of(body);
    List<String> warnings = new ArrayList<>();
    WriteOptions options = new WriteOptions(fieldManager(exchange, query), warnings::add, dryRun, validation);
    Resource updated;
    switch (path.subresource()) {
      case "":
        updated = server.update(identity, object, options);
        break;
      case "status":
        updated = server.updateStatus(identity, object, options);
        break;
      case "finalize":
        if (!type.kind().equals("Namespace") || !type.group().isEmpty()) {
          throw new BackendException.NotFound("the server could not find the requested resource");
        }
        updated = server.finalizeNamespace(identity, object);
        break;
      default:
        throw new BackendException.NotFound("the server could not find the requested resource");
    }
    respondObject(exchange, 200, type, updated, representation, warnings);
  }

  private void patch(HttpExchange exchange, Identity identity, ResourceType type, ApiPath path, Query query,
      Representation representation) throws IOException {
    boolean dryRun = dryRun(query.get("dryRun"), exchange.getRequestMethod());
    FieldValidation validation = fieldValidation(query.get("fieldValidation"), exchange.getRequestMethod());
    String contentType = Bodies.contentType(exchange);
    PatchType patchType;
    try {
      patchType = PatchType.fromContentType(contentType);
    } catch (IllegalArgumentException unsupported) {
      throw FrontException.unsupportedMediaType(contentType);
    }
    JsonNode body = Bodies.read(exchange);
    if (body == null) {
      throw new IllegalArgumentException("the body of the request was empty");
    }
    if (path.subresource().equals("scale")) {
      Responses.json(exchange, 200, server.patchScale(identity, key(type, path), patchType, body,
          new WriteOptions(fieldManager(exchange, query), w -> {}, dryRun)));
      return;
    }
    requireNoSubresource(path, "status");
    List<String> warnings = new ArrayList<>();
    // An apply names its manager (validated by the server); other patches fall back to the user agent.
    PatchOptions options = new PatchOptions(patchType == PatchType.APPLY ? query.get("fieldManager")
        : fieldManager(exchange, query), query.flag("force"),
        path.subresource().isEmpty() ? null : path.subresource(), warnings::add, dryRun, validation);
    Resource patched = server.patch(identity, type, key(type, path), patchType, body, options);
    respondObject(exchange, 200, type, patched, representation, warnings);
  }

  private void respondObject(HttpExchange exchange, int code, ResourceType type, Resource object,
      Representation representation, List<String> warnings) throws IOException {
    for (String warning : warnings) {
      warn(exchange, warning);
    }
    object = inVersion(server, object, type);
    switch (representation) {
      case TABLE:
        Responses.json(exchange, code, tables.table(type, ImmutableList.of(object), object.resourceVersion(), null,
            "Metadata", true));
        return;
      case METADATA:
        Responses.json(exchange, code, Tables.partialMetadata(object));
        return;
      default:
        Responses.json(exchange, code, object.json());
    }
  }

  /** A {@code Warning: 299} header, as kube-apiserver sends warnings. */
  static void warn(HttpExchange exchange, String warning) {
    exchange.getResponseHeaders().add("Warning", "299 - \"" + warning.replace("\"", "\\\"") + "\"");
  }

  /**
   * An object of {@code type}'s kind as the request's version shows it (the server stores a custom kind in its
   * storage version; the {@code None} conversion changes only {@code apiVersion}).
   */
  static Resource inVersion(ApiServer server, Resource object, ResourceType type) {
    return object.groupKind().equals(type.groupKind()) ? server.convert(object, type.apiVersion()) : object;
  }

  static ResourceKey key(ResourceType type, ApiPath path) {
    return type.key(path.namespace(), path.name());
  }

  private static ApiPath requireObject(ApiPath path, String method) {
    if (!path.isObject()) {
      throw FrontException.methodNotAllowed(method, path.resource());
    }
    return path;
  }

  /**
   * The field manager of a create, update or patch: the {@code fieldManager} parameter, else the user agent's
   * product ({@code kubectl/v1.32.4 (linux/amd64) …} gives {@code kubectl}), as kube-apiserver's {@code
   * managerOrUserAgent} does, keeping printable characters and at most 128 of them; null when neither is there,
   * and the server records the caller's user name.
   */
  static @Nullable String fieldManager(HttpExchange exchange, Query query) {
    String manager = query.get("fieldManager");
    if (manager != null && !manager.isEmpty()) {
      return manager;
    }
    String agent = exchange.getRequestHeaders().getFirst("User-Agent");
    if (agent == null) {
      return manager;
    }
    StringBuilder product = new StringBuilder();
    String prefix = agent.split("/", -1)[0];
    for (int i = 0; i < prefix.length() && product.length() < 128; ) {
      int c = prefix.codePointAt(i);
      if (!Character.isISOControl(c) && Character.isDefined(c)) {
        product.appendCodePoint(c);
      }
      i += Character.charCount(c);
    }
    return product.length() == 0 ? manager : product.toString();
  }

  /**
   * The {@code dryRun} parameter: absent or empty for a real write, {@code All} for a dry run; anything else is
   * invalid, as {@code ValidateDryRun} finds it.
   */
  static boolean dryRun(@Nullable String value, String method) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    if (value.equals("All")) {
      return true;
    }
    throw invalidOption(method, "dryRun: Unsupported value: []string{\"" + value + "\"}: supported values: \"All\"");
  }

  /**
   * The {@code fieldValidation} parameter: {@code Ignore}, {@code Warn} or {@code Strict}, absent or empty for the
   * server's default ({@code Warn}); anything else is invalid, as {@code ValidateFieldValidation} finds it.
   */
  static FieldValidation fieldValidation(@Nullable String value, String method) {
    try {
      return FieldValidation.parse(value == null ? "" : value);
    } catch (IllegalArgumentException e) {
      throw invalidOption(method, "fieldValidation: Unsupported value: \"" + value
          + "\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    }
  }

  /** A 422 about the request's {@code CreateOptions}, {@code UpdateOptions}, {@code PatchOptions} or {@code DeleteOptions}. */
  private static BackendException.Invalid invalidOption(String method, String cause) {
    String options = switch (method) {
      case "POST" -> "CreateOptions";
      case "PUT" -> "UpdateOptions";
      case "PATCH" -> "PatchOptions";
      default -> "DeleteOptions";
    };
    return new BackendException.Invalid(options + ".meta.k8s.io \"\" is invalid: " + cause, ImmutableList.of(cause));
  }

  /** Only {@code allowed} (or none) may follow the name on this verb. */
  private static void requireNoSubresource(ApiPath path, @Nullable String allowed) {
    if (!path.subresource().isEmpty() && !path.subresource().equals(allowed)) {
      throw new BackendException.NotFound("the server could not find the requested resource");
    }
  }
}
