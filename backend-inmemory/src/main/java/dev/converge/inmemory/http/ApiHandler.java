package dev.converge.inmemory.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.converge.api.backend.BackendException;
import dev.converge.inmemory.server.ApiServer;
import dev.converge.inmemory.server.Identity;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Routes each request: authentication, then discovery, OpenAPI, {@code /version} and health, or a resource
 * request; every failure becomes a {@code Status} body with Kubernetes' code and reason.
 */
final class ApiHandler implements HttpHandler {
  private final Authenticator authenticator;
  private final Discovery discovery;
  private final OpenApi openApi;
  private final ResourceEndpoints resources;
  private final WatchStreams watches;

  ApiHandler(ApiServer server, Authenticator authenticator, ScheduledExecutorService timers,
      Duration defaultWatchTimeout, String address) {
    this.authenticator = authenticator;
    this.discovery = new Discovery(server, address);
    this.openApi = new OpenApi(server);
    this.watches = new WatchStreams(server, timers, defaultWatchTimeout);
    this.resources = new ResourceEndpoints(server, watches, authenticator);
  }

  /** The exchange attribute holding the name of the object a create posts, for its failure's {@code details}. */
  static final String OBJECT_NAME = "converge.objectName";

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    ApiPath path = ApiPath.parse(exchange.getRequestURI().getRawPath());
    try {
      Query query = Query.parse(exchange.getRequestURI().getRawQuery());
      route(exchange, path, query);
    } catch (BackendException e) {
      // A create names its object in the body, not the path; kube-apiserver's errors name it either way.
      String name = path.name().isEmpty() && exchange.getAttribute(OBJECT_NAME) instanceof String posted ? posted : path.name();
      respondFailure(exchange, StatusBody.failure(e, path.group(), detailsKind(e, path), name), e.code());
    } catch (FrontException e) {
      respondFailure(exchange, StatusBody.failure(e.code(), e.reason(), e.getMessage()), e.code());
    } catch (IllegalArgumentException e) {
      // Malformed bodies and parameters: kube-apiserver's decoders answer 400 BadRequest.
      respondFailure(exchange, StatusBody.failure(400, "BadRequest", e.getMessage()), 400);
    } catch (IOException e) {
      // The client went away mid-response: nothing left to tell it.
    } catch (RuntimeException e) {
      respondFailure(exchange, StatusBody.failure(500, "InternalError", "Internal error occurred: " + e), 500);
    } finally {
      exchange.close();
    }
  }

  /**
   * The {@code details.kind} of a failure: the kind for a 422 ({@code NewInvalid} takes a {@code GroupKind}, and
   * kubectl prints "The Deployment "web" is invalid"), the resource for the others ({@code NewNotFound}, {@code
   * NewConflict}, {@code NewAlreadyExists} take a {@code GroupResource}) and for an admission policy's 422, which
   * is {@code NewForbidden}'s Status with the code changed.
   */
  private String detailsKind(BackendException error, ApiPath path) {
    if (error instanceof BackendException.Invalid invalid && error.code() == 422 && !path.resource().isEmpty()
        && !(invalid.causes().size() == 1 && StatusBody.isMessageOnly(invalid.causes().get(0)))) {
      try {
        return resources.resolve(path).kind();
      } catch (BackendException unresolved) {
        return path.resource();
      }
    }
    return path.resource();
  }

  private void route(HttpExchange exchange, ApiPath path, Query query) throws IOException {
    switch (path.endpoint()) {
      case VERSION:
        Responses.json(exchange, 200, discovery.version());
        return;
      case HEALTH:
        Responses.text(exchange, 200, "ok");
        return;
      default:
        break;
    }
    Identity identity = authenticator.authenticate(exchange.getRequestHeaders());
    String method = exchange.getRequestMethod();
    if (path.endpoint() != ApiPath.Endpoint.RESOURCE && !method.equals("GET")) {
      throw FrontException.methodNotAllowed(method, exchange.getRequestURI().getPath());
    }
    switch (path.endpoint()) {
      case CORE_VERSIONS, GROUPS:
        boolean core = path.endpoint() == ApiPath.Endpoint.CORE_VERSIONS;
        if (Discovery.wantsAggregated(exchange.getRequestHeaders().getFirst("Accept"))) {
          exchange.getResponseHeaders().add("Vary", "Accept");
          Responses.bytes(exchange, 200, Discovery.AGGREGATED, Responses.MAPPER.writeValueAsBytes(discovery.aggregated(core)));
        } else {
          Responses.json(exchange, 200, core ? discovery.coreVersions() : discovery.groups());
        }
        return;
      case GROUP:
        Responses.json(exchange, 200, discovery.group(path.group()));
        return;
      case RESOURCES:
        Responses.json(exchange, 200, discovery.resources(path.group(), path.version()));
        return;
      case OPENAPI_V2:
        openApi.v2(exchange);
        return;
      case OPENAPI_V3_INDEX:
        Responses.json(exchange, 200, openApi.v3Index());
        return;
      case OPENAPI_V3_DOCUMENT:
        openApi.v3Document(exchange, path.rest());
        return;
      case RESOURCE:
        resources.serve(exchange, identity, path, query);
        return;
      default:
        throw new BackendException.NotFound("the server could not find the requested resource");
    }
  }

  private static void respondFailure(HttpExchange exchange, ObjectNode status, int code) {
    // responsewriters.ErrorNegotiated: a Status whose details carry retryAfterSeconds is sent with that Retry-After
    // header, which is what client-go reads to retry a 429 or a 5xx (rest.checkWait); the body alone is not.
    int retryAfter = status.path("details").path("retryAfterSeconds").asInt(0);
    if (retryAfter > 0) {
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfter));
    }
    try {
      Responses.json(exchange, code, status);
    } catch (IOException | RuntimeException alreadyResponding) {
      // Headers were sent already (a failure mid-stream) or the client is gone: the stream just ends.
    }
  }

  int openWatches() {
    return watches.open();
  }

  void closeWatches() {
    watches.closeAll();
  }
}
